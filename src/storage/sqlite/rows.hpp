// Row-level helpers shared by the stores and the admin queries: reading a row into a domain type,
// the statements several writes share, and how a failed statement is reported.
#pragma once

#include "audit/audit_event.hpp"
#include "auth/user.hpp"
#include "core/errc.hpp"
#include "session/session_record.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/revocations.hpp"

#include <string>
#include <vector>

namespace authd::storage::sqlite {

class database;

// A token hash column.
session::token_hash read_token_hash(const statement& row, int column);
// A row of (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, remember_me,
// ip_address, user_agent).
session::session_record read_session(const statement& row);
// A row of (id, email, password_hash, role, disabled).
auth::user read_user(const statement& row);
// A failed statement, logged with its SQLite message (never with bound values).
errc storage_failure(connection& c, const char* what);
bool insert_audit_event(connection& c, const audit::audit_event& e);
// On the writer, in its transaction: deletes the user's sessions (all, or all but `keep`), and
// returns how many of them were live (not revoked, and live by `counted`), or
// errc::store_unavailable.
result<std::size_t> delete_user_sessions(connection& c, database& db, const std::string& user_id,
                                         const session::token_hash* keep, session::liveness counted);
// The rows of a statement selecting sessions (columns as for read_session), without the revoked
// ones; `revoked` must have caught up on `c` before the statement ran.
result<std::vector<session::session_record>> read_unrevoked_sessions(connection& c, statement& s,
                                                                     const revoked_sessions& revoked);

}  // namespace authd::storage::sqlite
