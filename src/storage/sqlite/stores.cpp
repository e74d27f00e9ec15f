#include "storage/sqlite/stores.hpp"

#include "observability/log.hpp"
#include "storage/sqlite/rows.hpp"

#include <algorithm>
#include <array>

namespace authd::storage::sqlite {
namespace {

using session::session_record;
using session::token_hash;

// The user a one-parameter SELECT of (id, email, password_hash, role, disabled) finds, if any.
result<std::optional<auth::user>> find_user(connection& c, statement query, const std::string& key)
{
    query.bind(1, key);
    switch (query.step()) {
        case SQLITE_ROW: return std::optional{read_user(query)};
        case SQLITE_DONE: return std::optional<auth::user>{};
        default: return storage_failure(c, "find user");
    }
}

bool insert_session(connection& c, const session_record& r)
{
    statement s = c.query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, "
        "expires_at, remember_me, ip_address, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, r.hash)
        .bind(2, r.user_id)
        .bind(3, r.csrf_token)
        .bind(4, to_unix_ms(r.created_at))
        .bind(5, to_unix_ms(r.last_seen_at))
        .bind(6, to_unix_ms(r.expires_at))
        .bind(7, std::int64_t{r.remember_me ? 1 : 0})
        .bind(8, r.ip_address)
        .bind(9, r.user_agent);
    return s.step() == SQLITE_DONE;
}

// Deletes one session: whether a row was there, or errc::store_unavailable.
result<bool> delete_session(connection& c, const token_hash& hash)
{
    statement s = c.query("DELETE FROM sessions WHERE token_hash = ?");
    s.bind(1, hash);
    if (s.step() != SQLITE_DONE) {
        return fail(storage_failure(c, "delete session"));
    }
    return c.changes() == 1;
}

bool session_exists(connection& c, const token_hash& hash, const std::string& user_id, bool& exists)
{
    statement s = c.query("SELECT 1 FROM sessions WHERE token_hash = ? AND user_id = ?");
    s.bind(1, hash).bind(2, user_id);
    const int rc = s.step();
    exists = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

}  // namespace

task<result<void>> sqlite_session_store::insert(session_record record)
{
    return db_.write([record = std::move(record)](connection& c) -> result<void> {
        if (!insert_session(c, record)) {
            return storage_failure(c, "insert session");
        }
        return {};
    });
}

task<result<void>> sqlite_session_store::insert_many(std::vector<session_record> records)
{
    return db_.write([records = std::move(records)](connection& c) -> result<void> {
        for (const auto& record : records) {
            if (!insert_session(c, record)) {
                return storage_failure(c, "insert session");
            }
        }
        return {};
    });
}

task<result<std::optional<session_record>>> sqlite_session_store::find(token_hash hash)
{
    return ready(db_.read([&hash](connection& c) -> result<std::optional<session_record>> {
        statement s = c.query(
            "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, "
            "remember_me, ip_address, user_agent FROM sessions WHERE token_hash = ?");
        s.bind(1, hash);
        switch (s.step()) {
            case SQLITE_ROW: return std::optional{read_session(s)};
            case SQLITE_DONE: return std::optional<session_record>{};
            default: return storage_failure(c, "find session");
        }
    }));
}

task<result<std::vector<session_record>>> sqlite_session_store::list_for_user(std::string user_id)
{
    return ready(db_.read([&user_id](connection& c) -> result<std::vector<session_record>> {
        statement s = c.query(
            "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, "
            "remember_me, ip_address, user_agent FROM sessions WHERE user_id = ? "
            "ORDER BY created_at");
        s.bind(1, user_id);
        std::vector<session_record> out;
        for (;;) {
            const int rc = s.step();
            if (rc == SQLITE_DONE) {
                return out;
            }
            if (rc != SQLITE_ROW) {
                return storage_failure(c, "list sessions");
            }
            out.push_back(read_session(s));
        }
    }));
}

task<result<bool>> sqlite_session_store::remove(token_hash hash)
{
    return db_.write([hash](connection& c) -> result<bool> { return delete_session(c, hash); });
}

task<result<session::recorded_removal>> sqlite_session_store::remove_recorded(token_hash hash,
                                                                              audit::audit_log& audit,
                                                                              audit::audit_event entry)
{
    const auto* local = dynamic_cast<const sqlite_audit_log*>(&audit);
    if (local == nullptr || !local->writes_to(db_)) {
        return session_store::remove_recorded(hash, audit, std::move(entry));
    }
    return db_.write([hash, entry = std::move(entry)](connection& c) -> result<session::recorded_removal> {
        const auto removed = delete_session(c, hash);
        if (!removed) {
            return removed.error();
        }
        if (!*removed) {
            return session::recorded_removal{.removed = false, .audit_failed = false};
        }
        // The audit row in a nested savepoint: if it fails, the removal still commits.
        if (!c.run("SAVEPOINT audit")) {
            return storage_failure(c, "savepoint");
        }
        const bool recorded = insert_audit_event(c, entry);
        if (!recorded) {
            log::error("audit write failed", {{"error", c.error()}});
            if (!c.run("ROLLBACK TO audit")) {
                return storage_failure(c, "rollback audit");
            }
        }
        if (!c.run("RELEASE audit")) {
            return storage_failure(c, "release savepoint");
        }
        return session::recorded_removal{.removed = true, .audit_failed = !recorded};
    });
}

task<result<std::optional<std::size_t>>> sqlite_session_store::remove_user_sessions(std::string user_id,
                                                                                    token_hash current,
                                                                                    bool keep_current)
{
    return db_.write([user_id = std::move(user_id), current,
                      keep_current](connection& c) -> result<std::optional<std::size_t>> {
        bool exists = false;
        if (!session_exists(c, current, user_id, exists)) {
            return storage_failure(c, "find session");
        }
        if (!exists) {
            return std::optional<std::size_t>{};
        }
        const int removed = delete_user_sessions(c, user_id, keep_current ? &current : nullptr);
        if (removed < 0) {
            return storage_failure(c, "delete user sessions");
        }
        return std::optional{static_cast<std::size_t>(removed)};
    });
}

task<result<std::size_t>> sqlite_session_store::replace_user_sessions(std::string user_id, token_hash current,
                                                                      session_record replacement)
{
    return db_.write([user_id = std::move(user_id), current,
                      replacement = std::move(replacement)](connection& c) -> result<std::size_t> {
        bool had_current = false;
        if (!session_exists(c, current, user_id, had_current)) {
            return storage_failure(c, "find session");
        }
        const int removed = delete_user_sessions(c, user_id, nullptr);
        if (removed < 0) {
            return storage_failure(c, "delete user sessions");
        }
        if (!insert_session(c, replacement)) {
            return storage_failure(c, "insert session");
        }
        return static_cast<std::size_t>(removed) - (had_current ? 1 : 0);
    });
}

void sqlite_session_store::touch(token_hash hash, sys_ms seen_at)
{
    // An UPDATE, never an upsert: a touch that lands after the logout finds no row and does nothing.
    db_.write_detached([hash, seen = to_unix_ms(seen_at)](connection& c) {
        statement s =
            c.query("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?");
        s.bind(1, seen).bind(2, hash).bind(3, seen);
        return s.step() == SQLITE_DONE;
    });
}

task<result<std::size_t>> sqlite_session_store::purge_range(int first_byte, sys_ms now, sys_ms idle_cutoff)
{
    return db_.write([first_byte, now = to_unix_ms(now),
                      cutoff = to_unix_ms(idle_cutoff)](connection& c) -> result<std::size_t> {
        // The sessions whose token hash starts with `first_byte`: 1/256 of the table.
        const std::array<std::uint8_t, 1> low{static_cast<std::uint8_t>(first_byte)};
        const std::array<std::uint8_t, 1> high{static_cast<std::uint8_t>(first_byte + 1)};
        statement s = first_byte < 255
                          ? c.query(
                                "DELETE FROM sessions WHERE token_hash >= ? AND token_hash < ? AND "
                                "(expires_at <= ? OR (remember_me = 0 AND last_seen_at <= ?))")
                          : c.query(
                                "DELETE FROM sessions WHERE token_hash >= ? AND ?2 IS NOT NULL AND "
                                "(expires_at <= ? OR (remember_me = 0 AND last_seen_at <= ?))");
        s.bind(1, low).bind(2, high).bind(3, now).bind(4, cutoff);
        if (s.step() != SQLITE_DONE) {
            return storage_failure(c, "purge sessions");
        }
        return static_cast<std::size_t>(c.changes());
    });
}

task<result<std::size_t>> sqlite_session_store::purge_expired(sys_ms now, sys_ms idle_cutoff)
{
    // In 256 small writes, one per range of token hashes, so that logouts queued meanwhile are
    // committed between them instead of waiting for one scan of the whole table.
    std::size_t purged = 0;
    for (int first_byte = 0; first_byte < 256; ++first_byte) {
        task<result<std::size_t>> step = purge_range(first_byte, now, idle_cutoff);
        const auto removed = co_await std::move(step);
        if (!removed) {
            co_return removed.error();
        }
        purged += *removed;
    }
    co_return purged;
}

task<result<std::uint64_t>> sqlite_session_store::count_live(sys_ms now, sys_ms idle_cutoff)
{
    // A full scan (tens of milliseconds at a million sessions): on the background reader thread.
    return db_.read_in_background([now = to_unix_ms(now),
                                   cutoff = to_unix_ms(idle_cutoff)](connection& c) -> result<std::uint64_t> {
        statement s = c.query(
            "SELECT count(*) FROM sessions WHERE expires_at > ? AND (remember_me = 1 OR last_seen_at > ?)");
        s.bind(1, now).bind(2, cutoff);
        if (s.step() != SQLITE_ROW) {
            return storage_failure(c, "count sessions");
        }
        return static_cast<std::uint64_t>(s.column_int(0));
    });
}

task<result<void>> sqlite_session_store::ping()
{
    // A real round trip through the writer: readiness means logouts can be committed.
    return db_.write([](connection& c) -> result<void> {
        statement s = c.query("SELECT count(*) FROM sessions WHERE token_hash = x''");
        if (s.step() != SQLITE_ROW) {
            return storage_failure(c, "ping");
        }
        return {};
    });
}

task<result<void>> sqlite_user_store::insert(auth::user u)
{
    return db_.write([u = std::move(u)](connection& c) -> result<void> {
        statement s =
            c.query("INSERT INTO users (id, email, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)");
        s.bind(1, u.id)
            .bind(2, u.email)
            .bind(3, u.password_hash)
            .bind(4, u.role)
            .bind(5, format_iso8601(u.created_at));
        const int rc = s.step();
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
            return errc::email_taken;
        }
        if (rc != SQLITE_DONE) {
            return storage_failure(c, "insert user");
        }
        return {};
    });
}

task<result<std::optional<auth::user>>> sqlite_user_store::find_by_email(std::string email)
{
    return ready(db_.read([&email](connection& c) {
        return find_user(
            c, c.query("SELECT id, email, password_hash, role, disabled FROM users WHERE email = ?"), email);
    }));
}

task<result<std::optional<auth::user>>> sqlite_user_store::find_by_id(std::string id)
{
    return ready(db_.read([&id](connection& c) {
        return find_user(
            c, c.query("SELECT id, email, password_hash, role, disabled FROM users WHERE id = ?"), id);
    }));
}

task<result<void>> sqlite_user_store::update_password_hash(std::string id, std::string password_hash)
{
    return db_.write([id = std::move(id), hash = std::move(password_hash)](connection& c) -> result<void> {
        statement s = c.query("UPDATE users SET password_hash = ? WHERE id = ?");
        s.bind(1, hash).bind(2, id);
        if (s.step() != SQLITE_DONE) {
            return storage_failure(c, "update password");
        }
        return {};
    });
}

task<result<void>> sqlite_audit_log::append(audit::audit_event event)
{
    return db_.write([e = std::move(event)](connection& c) -> result<void> {
        if (!insert_audit_event(c, e)) {
            return storage_failure(c, "insert audit event");
        }
        return {};
    });
}

}  // namespace authd::storage::sqlite
