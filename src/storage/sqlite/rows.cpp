#include "storage/sqlite/rows.hpp"

#include "storage/sqlite/database.hpp"

#include "observability/log.hpp"

#include <algorithm>

namespace authd::storage::sqlite {

using session::session_record;
using session::token_hash;

token_hash read_token_hash(const statement& row, int column)
{
    token_hash out{};
    const auto blob = row.column_blob(column);
    std::copy_n(blob.begin(), std::min(blob.size(), out.size()), out.begin());
    return out;
}

session_record read_session(const statement& row)
{
    session_record r;
    r.hash = read_token_hash(row, 0);
    r.user_id = row.column_text(1);
    r.csrf_token = row.column_text(2);
    r.created_at = from_unix_ms(row.column_int(3));
    r.last_seen_at = from_unix_ms(row.column_int(4));
    r.expires_at = from_unix_ms(row.column_int(5));
    r.remember_me = row.column_int(6) != 0;
    r.ip_address = row.column_text(7);
    r.user_agent = row.column_text(8);
    return r;
}

auth::user read_user(const statement& row)
{
    return auth::user{
        .id = row.column_text(0),
        .email = row.column_text(1),
        .password_hash = row.column_text(2),
        .role = row.column_text(3),
        .created_at = {},
        .disabled = row.column_int(4) != 0,
    };
}

errc storage_failure(connection& c, const char* what)
{
    log::error("database statement failed", {{"statement", what}, {"error", c.error()}});
    return errc::store_unavailable;
}

bool insert_audit_event(connection& c, const audit::audit_event& e)
{
    statement s = c.query(
        "INSERT INTO logs (event_type, user_id, ip_address, user_agent, message, session_ref, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, audit::to_string(e.type));
    if (e.user_id) {
        s.bind(2, *e.user_id);
    } else {
        s.bind_null(2);
    }
    s.bind(3, e.ip_address).bind(4, e.user_agent).bind(5, e.message);
    if (e.session_ref) {
        s.bind(6, *e.session_ref);
    } else {
        s.bind_null(6);
    }
    s.bind(7, format_iso8601(e.created_at));
    return s.step() == SQLITE_DONE;
}

result<std::size_t> delete_user_sessions(connection& c, database& db, const std::string& user_id,
                                         const token_hash* keep, session::liveness counted)
{
    // Revoked rows wait for the purge, expired ones for the expiry sweep; deleting them now is
    // harmless, but they are not counted.
    std::size_t live = 0;
    statement list =
        c.query("SELECT token_hash, expires_at, remember_me, last_seen_at FROM sessions WHERE user_id = ?");
    list.bind(1, user_id);
    int rc = SQLITE_OK;
    while ((rc = list.step()) == SQLITE_ROW) {
        const token_hash hash = read_token_hash(list, 0);
        if (keep != nullptr && hash == *keep) {
            continue;
        }
        const auto is_revoked = db.revoked_in_transaction(c, hash);
        if (!is_revoked) {
            return fail(is_revoked.error());
        }
        const bool counts = counted.live(from_unix_ms(list.column_int(1)), list.column_int(2) != 0,
                                         from_unix_ms(list.column_int(3)));
        live += !*is_revoked && counts ? 1 : 0;
    }
    if (rc != SQLITE_DONE) {
        return fail(storage_failure(c, "list user sessions"));
    }
    statement s = keep != nullptr ? c.query("DELETE FROM sessions WHERE user_id = ? AND token_hash != ?")
                                  : c.query("DELETE FROM sessions WHERE user_id = ?");
    s.bind(1, user_id);
    if (keep != nullptr) {
        s.bind(2, *keep);
    }
    if (s.step() != SQLITE_DONE) {
        return fail(storage_failure(c, "delete user sessions"));
    }
    return live;
}

result<std::vector<session_record>> read_unrevoked_sessions(connection& c, statement& s,
                                                            const revoked_sessions& revoked)
{
    std::vector<session_record> out;
    int rc = SQLITE_OK;
    while ((rc = s.step()) == SQLITE_ROW) {
        session_record r = read_session(s);
        if (!revoked.contains(r.hash)) {
            out.push_back(std::move(r));
        }
    }
    if (rc != SQLITE_DONE) {
        return fail(storage_failure(c, "list sessions"));
    }
    return out;
}

}  // namespace authd::storage::sqlite
