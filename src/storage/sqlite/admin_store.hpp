// What `authd admin` does to a database, also while servers run on it: list and look up users,
// disable and enable them, list and revoke their sessions, read the audit log, take a backup.
// Every change is one transaction with its audit row; the caller advances the shared change
// epoch around it so that running servers drop what they cached.
#pragma once

#include "audit/audit_event.hpp"
#include "core/async.hpp"
#include "core/errc.hpp"
#include "session/session_record.hpp"
#include "storage/sqlite/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace authd::storage::sqlite {

struct user_summary {
    std::string id;
    std::string email;
    std::string role;
    std::string created_at;  // ISO 8601, as stored
    bool disabled = false;
    std::int64_t live_sessions = 0;  // not past their absolute expiry
};

struct audit_row {
    std::int64_t id = 0;
    std::string event_type;
    std::optional<std::string> user_id;
    std::string ip_address;
    std::string user_agent;
    std::string message;
    std::optional<std::string> session_ref;
    std::string created_at;
};

struct audit_filter {
    std::optional<std::string> user_id;
    std::optional<std::string> event_type;
    std::optional<std::string> since;  // ISO 8601 UTC: rows created at or after it
    std::size_t limit = 50;            // the newest rows that match, printed oldest first
};

class admin_store {
public:
    explicit admin_store(database& db) : db_(db) {}

    result<std::vector<user_summary>> list_users(sys_ms now);
    result<std::optional<user_summary>> find_user(const std::string& email, sys_ms now);
    result<std::vector<session::session_record>> list_sessions(const std::string& user_id);
    result<std::vector<audit_row>> audit_tail(const audit_filter& filter);

    // Sets the flag; disabling also deletes every session of the user. Returns how many ended.
    task<result<std::size_t>> set_disabled(std::string user_id, bool disabled, audit::audit_event entry);
    // Deletes every session of the user. Returns how many ended.
    task<result<std::size_t>> revoke_sessions(std::string user_id, audit::audit_event entry);

    // An online copy of the whole database (SQLite's backup API) into a new file at `path`.
    result<void> backup_to(const std::string& path, std::string& error);

private:
    database& db_;
};

}  // namespace authd::storage::sqlite
