#include "storage/sqlite/admin_store.hpp"

#include "storage/sqlite/rows.hpp"

#include <algorithm>
#include <memory>

namespace authd::storage::sqlite {

namespace {

user_summary read_summary(const statement& row)
{
    return user_summary{.id = row.column_text(0),
                        .email = row.column_text(1),
                        .role = row.column_text(2),
                        .created_at = row.column_text(3),
                        .disabled = row.column_int(4) != 0,
                        .live_sessions = row.column_int(5)};
}

// Every user (or the one with `email`), with the number of their sessions not past expiry and not
// revoked.
result<std::vector<user_summary>> select_users(connection& c, sys_ms now, const std::string* email)
{
    statement s = email != nullptr
                      ? c.query(
                            "SELECT u.id, u.email, u.role, u.created_at, u.disabled, "
                            "(SELECT count(*) FROM sessions s WHERE s.user_id = u.id AND s.expires_at > ?1 "
                            "AND s.token_hash NOT IN (SELECT token_hash FROM revocations)) "
                            "FROM users u WHERE u.email = ?2")
                      : c.query(
                            "SELECT u.id, u.email, u.role, u.created_at, u.disabled, "
                            "(SELECT count(*) FROM sessions s WHERE s.user_id = u.id AND s.expires_at > ?1 "
                            "AND s.token_hash NOT IN (SELECT token_hash FROM revocations)) "
                            "FROM users u ORDER BY u.created_at, u.email");
    s.bind(1, to_unix_ms(now));
    if (email != nullptr) {
        s.bind(2, *email);
    }
    std::vector<user_summary> out;
    int rc = 0;
    while ((rc = s.step()) == SQLITE_ROW) {
        out.push_back(read_summary(s));
    }
    if (rc != SQLITE_DONE) {
        return fail(storage_failure(c, "list users"));
    }
    return out;
}

}  // namespace

result<std::vector<user_summary>> admin_store::list_users(sys_ms now)
{
    return db_.read([now](connection& c) { return select_users(c, now, nullptr); });
}

result<std::optional<user_summary>> admin_store::find_user(const std::string& email, sys_ms now)
{
    return db_.read([now, &email](connection& c) -> result<std::optional<user_summary>> {
        auto found = select_users(c, now, &email);
        if (!found) {
            return fail(found.error());
        }
        if (found->empty()) {
            return std::optional<user_summary>{};
        }
        return std::optional{std::move(found->front())};
    });
}

result<std::vector<session::session_record>> admin_store::list_sessions(const std::string& user_id)
{
    return db_.read([this, &user_id](connection& c) -> result<std::vector<session::session_record>> {
        revoked_sessions& revoked = db_.revocations();
        if (!revoked.catch_up(c)) {
            return fail(storage_failure(c, "read revocations"));
        }
        statement s = c.query(
            "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, remember_me, "
            "ip_address, user_agent FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC");
        s.bind(1, user_id);
        return read_unrevoked_sessions(c, s, revoked);
    });
}

result<std::vector<audit_row>> admin_store::audit_tail(const audit_filter& filter)
{
    return db_.read([&filter](connection& c) -> result<std::vector<audit_row>> {
        // NULL parameters match everything, so one statement serves every combination of filters.
        statement s = c.query(
            "SELECT id, event_type, user_id, ip_address, user_agent, message, session_ref, created_at "
            "FROM logs WHERE (?1 IS NULL OR user_id = ?1) AND (?2 IS NULL OR event_type = ?2) "
            "AND (?3 IS NULL OR created_at >= ?3) ORDER BY id DESC LIMIT ?4");
        const auto bind_optional = [&s](int index, const std::optional<std::string>& value) {
            if (value) {
                s.bind(index, *value);
            } else {
                s.bind_null(index);
            }
        };
        bind_optional(1, filter.user_id);
        bind_optional(2, filter.event_type);
        bind_optional(3, filter.since);
        s.bind(4, static_cast<std::int64_t>(filter.limit));
        std::vector<audit_row> out;
        int rc = 0;
        while ((rc = s.step()) == SQLITE_ROW) {
            out.push_back(audit_row{.id = s.column_int(0),
                                    .event_type = s.column_text(1),
                                    .user_id = s.column_optional_text(2),
                                    .ip_address = s.column_text(3),
                                    .user_agent = s.column_text(4),
                                    .message = s.column_text(5),
                                    .session_ref = s.column_optional_text(6),
                                    .created_at = s.column_text(7)});
        }
        if (rc != SQLITE_DONE) {
            return fail(storage_failure(c, "read audit log"));
        }
        std::reverse(out.begin(), out.end());
        return out;
    });
}

task<result<std::size_t>> admin_store::set_disabled(std::string user_id, bool disabled,
                                                    audit::audit_event entry)
{
    return db_.write([user_id = std::move(user_id), disabled, entry = std::move(entry),
                      &db = db_](connection& c) -> result<std::size_t> {
        statement s = c.query("UPDATE users SET disabled = ? WHERE id = ?");
        s.bind(1, std::int64_t{disabled ? 1 : 0}).bind(2, user_id);
        if (s.step() != SQLITE_DONE) {
            return fail(storage_failure(c, "disable user"));
        }
        std::size_t ended = 0;
        if (disabled) {
            const auto deleted = delete_user_sessions(c, db, user_id, nullptr, session::liveness{});
            if (!deleted) {
                return fail(deleted.error());
            }
            ended = *deleted;
        }
        if (!insert_audit_event(c, entry)) {
            return fail(storage_failure(c, "insert audit event"));
        }
        return ended;
    });
}

task<result<std::size_t>> admin_store::revoke_sessions(std::string user_id, audit::audit_event entry)
{
    return db_.write([user_id = std::move(user_id), entry = std::move(entry),
                      &db = db_](connection& c) -> result<std::size_t> {
        const auto deleted = delete_user_sessions(c, db, user_id, nullptr, session::liveness{});
        if (!deleted) {
            return fail(deleted.error());
        }
        const std::size_t ended = *deleted;
        // The audit row carries the count, so it is written after the delete, in the same commit.
        audit::audit_event with_count = entry;
        with_count.message += " (" + std::to_string(ended) + " sessions)";
        if (!insert_audit_event(c, with_count)) {
            return fail(storage_failure(c, "insert audit event"));
        }
        return ended;
    });
}

result<void> admin_store::backup_to(const std::string& path, std::string& error)
{
    sqlite3* raw = nullptr;
    const int opened =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    const std::unique_ptr<sqlite3, int (*)(sqlite3*)> target(raw, &sqlite3_close);
    if (opened != SQLITE_OK) {
        error = "cannot create " + path + ": " + (raw != nullptr ? sqlite3_errmsg(raw) : "out of memory");
        return fail(errc::store_unavailable);
    }
    return db_.read([&](connection& c) -> result<void> {
        // A read transaction on the source for the whole copy: a consistent snapshot, while the
        // WAL lets the servers go on writing.
        sqlite3_backup* backup = sqlite3_backup_init(target.get(), "main", c.handle(), "main");
        if (backup == nullptr) {
            error = sqlite3_errmsg(target.get());
            return fail(errc::store_unavailable);
        }
        const int stepped = sqlite3_backup_step(backup, -1);
        const int finished = sqlite3_backup_finish(backup);
        if (stepped != SQLITE_DONE || finished != SQLITE_OK) {
            error = sqlite3_errmsg(target.get());
            return fail(errc::store_unavailable);
        }
        return {};
    });
}

}  // namespace authd::storage::sqlite
