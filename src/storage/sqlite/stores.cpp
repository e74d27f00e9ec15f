#include "storage/sqlite/stores.hpp"

#include "observability/log.hpp"
#include "storage/sqlite/rows.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <iterator>
#include <span>

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

// The session's row, revoked or not.
result<std::optional<session_record>> read_session_row(connection& c, const token_hash& hash)
{
    statement s = c.query(
        "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, "
        "remember_me, ip_address, user_agent FROM sessions WHERE token_hash = ?");
    s.bind(1, hash);
    switch (s.step()) {
        case SQLITE_ROW: return std::optional{read_session(s)};
        case SQLITE_DONE: return std::optional<session_record>{};
        default: return storage_failure(c, "find session");
    }
}

// Whether a write may still end the session: its row exists (and is `user_id`'s, when given) and
// it is not revoked.
result<bool> live_in_transaction(connection& c, database& db, const token_hash& hash,
                                 const std::string* user_id)
{
    statement s = user_id != nullptr ? c.query("SELECT 1 FROM sessions WHERE token_hash = ? AND user_id = ?")
                                     : c.query("SELECT 1 FROM sessions WHERE token_hash = ?");
    s.bind(1, hash);
    if (user_id != nullptr) {
        s.bind(2, *user_id);
    }
    const int rc = s.step();
    if (rc == SQLITE_DONE) {
        return false;
    }
    if (rc != SQLITE_ROW) {
        return fail(storage_failure(c, "find session"));
    }
    const auto is_revoked = db.revoked_in_transaction(c, hash);
    if (!is_revoked) {
        return fail(is_revoked.error());
    }
    return !*is_revoked;
}

// In a write job, for a session known to be live: appends its revocation (database::
// revoke_in_transaction). True, or errc::store_unavailable.
result<bool> append_revocation(connection& c, database& db, const token_hash& hash)
{
    const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
    if (const auto revoked = db.revoke_in_transaction(c, hash, to_unix_ms(now)); !revoked) {
        return fail(revoked.error());
    }
    return true;
}

// Deletes these sessions' rows, by key (for the purges, in key order when `hashes` is sorted): how
// many rows there were.
result<std::size_t> delete_sessions(connection& c, std::span<const token_hash> hashes)
{
    std::size_t deleted = 0;
    for (const auto& hash : hashes) {
        statement del = c.query("DELETE FROM sessions WHERE token_hash = ?");
        del.bind(1, hash);
        if (del.step() != SQLITE_DONE) {
            return storage_failure(c, "delete sessions");
        }
        deleted += static_cast<std::size_t>(c.changes());
    }
    return deleted;
}

// In a write job, right after a live session's revocation: while ends are few, deletes its row in
// the same transaction, so that an ordinary logout leaves nothing of the session in `sessions` when
// it is acknowledged (API.md's logout deletes the session from the store). In a storm the rows wait
// for the purges, which delete them in key order for a fraction of the cost. The revocation has
// ended the session either way, so a failed delete only leaves the row to the purges.
void delete_row_while_quiet(connection& c, const token_hash& hash,
                            sqlite_session_store::quiet_row_deletes& quiet)
{
    if (quiet.take()) {
        (void)delete_sessions(c, std::span(&hash, 1));  // a failure is logged, and the row left to the purges
    }
}

// In a write job: ends one session by appending its revocation (and has the writer advance the
// revocation marker after the commit): whether it was live, or errc::store_unavailable.
result<bool> revoke_session(connection& c, database& db, const token_hash& hash,
                            sqlite_session_store::quiet_row_deletes& quiet)
{
    const auto live = live_in_transaction(c, db, hash, nullptr);
    if (!live || !*live) {
        return live;
    }
    const auto appended = append_revocation(c, db, hash);
    if (appended) {
        delete_row_while_quiet(c, hash, quiet);
    }
    return appended;
}

// The audit row of a session end, in the end's write job. If it fails, the end still commits: a
// failed single-row INSERT changes nothing (SQLite undoes the statement); an error that ends the
// whole transaction is caught by the writer, which then fails every job in it.
session::recorded_removal record_end(connection& c, const audit::audit_event& entry)
{
    const bool recorded = insert_audit_event(c, entry);
    if (!recorded) {
        log::error("audit write failed", {{"error", c.error()}});
    }
    return session::recorded_removal{.removed = true, .audit_failed = !recorded};
}

// Whether `audit` writes into `db`, so that a session end and its record can share a write job.
bool audits_into(const audit::audit_log& audit, const database& db)
{
    const auto* local = dynamic_cast<const sqlite_audit_log*>(&audit);
    return local != nullptr && local->writes_to(db);
}

// Loads the revocations acknowledged since the mirror last caught up, unless it is known to hold
// them all already (the revocation marker has not moved since).
bool catch_up_if_needed(database& db, connection& c)
{
    const std::uint64_t marker = db.revocation_marker();
    return db.revocations().current_at(marker) || db.revocations().catch_up(c, marker);
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
    return ready(db_.read([this, &hash](connection& c) -> result<std::optional<session_record>> {
        // The revocations first: a revocation committed after this point is one whose logout
        // was not yet acknowledged when this read began.
        if (!catch_up_if_needed(db_, c)) {
            return storage_failure(c, "read revocations");
        }
        if (db_.revocations().contains(hash)) {
            return std::optional<session_record>{};
        }
        return read_session_row(c, hash);
    }));
}

task<result<std::vector<session_record>>> sqlite_session_store::list_for_user(std::string user_id)
{
    return ready(db_.read([this, &user_id](connection& c) -> result<std::vector<session_record>> {
        if (!catch_up_if_needed(db_, c)) {
            return storage_failure(c, "read revocations");
        }
        statement s = c.query(
            "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, "
            "remember_me, ip_address, user_agent FROM sessions WHERE user_id = ? "
            "ORDER BY created_at");
        s.bind(1, user_id);
        return read_unrevoked_sessions(c, s, db_.revocations());
    }));
}

task<result<bool>> sqlite_session_store::remove(token_hash hash)
{
    // In a local first: g++ 12 mishandles a capturing lambda temporary inside a co_await expression.
    task<result<bool>> write = db_.write([hash, &db = db_, &quiet = quiet_deletes_](connection& c) {
        return revoke_session(c, db, hash, quiet);
    });
    co_return co_await std::move(write);
}

task<result<session::recorded_removal>> sqlite_session_store::remove_recorded(token_hash hash,
                                                                              audit::audit_log& audit,
                                                                              audit::audit_event entry)
{
    if (!audits_into(audit, db_)) {
        task<result<session::recorded_removal>> generic =
            session_store::remove_recorded(hash, audit, std::move(entry));
        co_return co_await std::move(generic);
    }
    task<result<session::recorded_removal>> write =
        db_.write([hash, &db = db_, &quiet = quiet_deletes_,
                   entry = std::move(entry)](connection& c) -> result<session::recorded_removal> {
            const auto revoked_now = revoke_session(c, db, hash, quiet);
            if (!revoked_now) {
                return revoked_now.error();
            }
            if (!*revoked_now) {
                return session::recorded_removal{.removed = false, .audit_failed = false};
            }
            return record_end(c, entry);
        });
    co_return co_await std::move(write);
}

task<result<session::recorded_removal>> sqlite_session_store::remove_checked(token_hash hash,
                                                                             session::removal_check check,
                                                                             audit::audit_log& audit,
                                                                             audit::audit_event entry)
{
    if (!audits_into(audit, db_)) {
        task<result<session::recorded_removal>> generic =
            session_store::remove_checked(hash, std::move(check), audit, std::move(entry));
        co_return co_await std::move(generic);
    }
    // One write job reads the row, checks it, revokes it and records the end: the session is read
    // once (on the writer, whose page cache a commit does not reset), not on the I/O thread first.
    // Every failure below comes before its one change, the revocation, or is that change failing
    // (a failed audit row leaves the logout standing), so it needs no savepoint.
    task<result<session::recorded_removal>> write = db_.write_changing_nothing_on_failure(
        [hash, &db = db_, &quiet = quiet_deletes_, check = std::move(check),
         entry = std::move(entry)](connection& c) mutable -> result<session::recorded_removal> {
            const auto row = read_session_row(c, hash);
            if (!row) {
                return row.error();
            }
            const auto revoked = db.revoked_in_transaction(c, hash);
            if (!revoked) {
                return revoked.error();
            }
            if (!*row || *revoked) {
                return session::recorded_removal{.removed = false, .audit_failed = false};
            }
            if (const auto refusal = check(**row)) {
                return *refusal;
            }
            if (const auto appended = append_revocation(c, db, hash); !appended) {
                return appended.error();
            }
            delete_row_while_quiet(c, hash, quiet);
            entry.user_id = std::move((*row)->user_id);
            return record_end(c, entry);
        });
    co_return co_await std::move(write);
}

task<result<std::optional<std::size_t>>> sqlite_session_store::remove_user_sessions(std::string user_id,
                                                                                    token_hash current,
                                                                                    bool keep_current,
                                                                                    session::liveness counted)
{
    return db_.write([user_id = std::move(user_id), current, keep_current, counted,
                      &db = db_](connection& c) -> result<std::optional<std::size_t>> {
        const auto live = live_in_transaction(c, db, current, &user_id);
        if (!live) {
            return live.error();
        }
        if (!*live) {
            return std::optional<std::size_t>{};
        }
        const auto ended = delete_user_sessions(c, db, user_id, keep_current ? &current : nullptr, counted);
        if (!ended) {
            return ended.error();
        }
        return std::optional{*ended};
    });
}

task<result<std::optional<std::size_t>>> sqlite_session_store::replace_user_sessions(
    std::string user_id, token_hash current, session_record replacement, session::liveness counted)
{
    return db_.write([user_id = std::move(user_id), current, replacement = std::move(replacement), counted,
                      &db = db_](connection& c) -> result<std::optional<std::size_t>> {
        const auto live = live_in_transaction(c, db, current, &user_id);
        if (!live) {
            return live.error();
        }
        if (!*live) {
            return std::optional<std::size_t>{};
        }
        // The others first, counted; then this one, whose end the replacement is.
        const auto ended = delete_user_sessions(c, db, user_id, &current, counted);
        if (!ended) {
            return ended.error();
        }
        if (const auto deleted = delete_sessions(c, std::span(&current, 1)); !deleted) {
            return deleted.error();
        }
        if (!insert_session(c, replacement)) {
            return storage_failure(c, "insert session");
        }
        return std::optional{*ended};
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

task<result<sqlite_session_store::range_purged>> sqlite_session_store::purge_range(int range, sys_ms now,
                                                                                   sys_ms idle_cutoff)
{
    return db_.write([range, now = to_unix_ms(now), cutoff = to_unix_ms(idle_cutoff),
                      &revoked = db_.revocations()](connection& c) -> result<range_purged> {
        // The sessions whose token hash starts with a 16-bit prefix in [range, range + 1) ×
        // 65536 / purge_ranges: 1/purge_ranges of the table, scanned in key order, so the rows
        // deleted share leaf pages (a random delete costs a page write each; these cost a fraction
        // of one). A 32-byte hash compares with a 2-byte bound as its prefix does.
        constexpr int step = 65536 / purge_ranges;
        const auto bound = [](int prefix) {
            return std::array<std::uint8_t, 2>{static_cast<std::uint8_t>(prefix >> 8),
                                               static_cast<std::uint8_t>(prefix & 0xff)};
        };
        const auto low = bound(range * step);
        const auto high = bound((range + 1) * step);  // unused by the last range
        statement scan = range + 1 < purge_ranges
                             ? c.query(
                                   "SELECT token_hash, expires_at, remember_me, last_seen_at FROM sessions "
                                   "WHERE token_hash >= ? AND token_hash < ?")
                             : c.query(
                                   "SELECT token_hash, expires_at, remember_me, last_seen_at FROM sessions "
                                   "WHERE token_hash >= ? AND ?2 IS NOT NULL");
        scan.bind(1, low).bind(2, high);
        std::vector<token_hash> expired;
        std::vector<token_hash> revoked_rows;
        int rc = SQLITE_OK;
        while ((rc = scan.step()) == SQLITE_ROW) {
            const bool is_expired =
                scan.column_int(1) <= now || (scan.column_int(2) == 0 && scan.column_int(3) <= cutoff);
            (is_expired ? expired : revoked_rows).push_back(read_token_hash(scan, 0));
        }
        if (rc != SQLITE_DONE) {
            return storage_failure(c, "scan sessions");
        }
        revoked.keep_revoked(revoked_rows);
        // Both lists are in key order; merged, the deletes walk the leaves once.
        std::vector<token_hash> doomed;
        doomed.reserve(expired.size() + revoked_rows.size());
        std::merge(expired.begin(), expired.end(), revoked_rows.begin(), revoked_rows.end(),
                   std::back_inserter(doomed));
        if (const auto deleted = delete_sessions(c, doomed); !deleted) {
            return deleted.error();
        }
        return range_purged{.expired = expired.size(), .revoked = std::move(revoked_rows)};
    });
}

result<std::int64_t> sqlite_session_store::revocations_to_purge()
{
    revoked_sessions& revoked = db_.revocations();
    result<std::int64_t> through = db_.read([&revoked](connection& c) -> result<std::int64_t> {
        if (!revoked.catch_up(c)) {
            return storage_failure(c, "read revocations");
        }
        return revoked.watermark();
    });
    // After the watermark is fixed, not before: a cache entry checked after this point has read a
    // marker past every revocation this purge forgets (see session_store).
    if (through && before_forgetting_) {
        before_forgetting_();
    }
    return through;
}

task<result<void>> sqlite_session_store::drop_purged_revocations(std::int64_t through)
{
    for (;;) {
        task<result<std::size_t>> drop = db_.write([through](connection& c) -> result<std::size_t> {
            const auto dropped = revoked_sessions::drop_through(c, through, revocations_per_drop_write);
            if (!dropped) {
                return storage_failure(c, "purge revocations");
            }
            return *dropped;
        });
        const auto dropped = co_await std::move(drop);
        if (!dropped) {
            co_return dropped.error();
        }
        if (*dropped < revocations_per_drop_write) {
            break;
        }
    }
    revoked_sessions& revoked = db_.revocations();
    revoked.forget_through(through);  // what forget() did not reach: usually nothing is left
    // And what other processes' purges removed.
    (void)db_.read([&revoked](connection& c) -> result<void> {
        return revoked.forget_purged(c) ? result<void>{} : storage_failure(c, "read revocations");
    });
    co_return result<void>{};
}

task<result<std::size_t>> sqlite_session_store::purge_expired(sys_ms now, sys_ms idle_cutoff)
{
    // Every revocation loaded now has its session row deleted by the sweep below (the row is in
    // one of the ranges, each scanned after this point), so afterwards its revocation can go too.
    const result<std::int64_t> through = revocations_to_purge();
    if (!through) {
        co_return through.error();
    }
    // In many small writes, one per range of token hashes, so that logouts queued meanwhile are
    // committed between them instead of waiting for one scan of the whole table.
    std::size_t purged = 0;
    for (int range = 0; range < purge_ranges; ++range) {
        task<result<range_purged>> step = purge_range(range, now, idle_cutoff);
        const auto removed = co_await std::move(step);
        if (!removed) {
            co_return removed.error();
        }
        purged += removed->expired;
        // Their rows are gone for good: the mirror need not wait for the end of the sweep.
        db_.revocations().forget(removed->revoked, *through);
    }
    task<result<void>> drop = drop_purged_revocations(*through);
    if (const auto dropped = co_await std::move(drop); !dropped) {
        co_return dropped.error();
    }
    co_return purged;
}

task<result<std::size_t>> sqlite_session_store::purge_revoked()
{
    // The rows of the revocations loaded now, by key: no scan of the live rows around them (the
    // expiry sweep reads the whole table, which costs more than these deletes at millions of
    // sessions). Sorted, so that neighbouring rows are deleted together.
    const result<std::int64_t> through = revocations_to_purge();
    if (!through) {
        co_return through.error();
    }
    task<result<std::vector<token_hash>>> reading =
        db_.read_in_background([through = *through](connection& c) -> result<std::vector<token_hash>> {
            auto hashes = revoked_sessions::hashes_through(c, through);
            if (!hashes) {
                return storage_failure(c, "read revocations");
            }
            return std::move(*hashes);
        });
    const result<std::vector<token_hash>> read = co_await std::move(reading);
    if (!read) {
        co_return read.error();
    }
    const std::vector<token_hash>& doomed = *read;
    std::size_t deleted = 0;
    for (std::size_t first = 0; first < doomed.size(); first += revoked_per_purge_write) {
        const auto chunk =
            std::span(doomed).subspan(first, std::min(revoked_per_purge_write, doomed.size() - first));
        task<result<std::size_t>> step =
            db_.write([chunk](connection& c) { return delete_sessions(c, chunk); });
        const auto removed = co_await std::move(step);
        if (!removed) {
            co_return removed.error();
        }
        deleted += *removed;
        db_.revocations().forget(chunk, *through);
    }
    task<result<void>> drop = drop_purged_revocations(*through);
    if (const auto dropped = co_await std::move(drop); !dropped) {
        co_return dropped.error();
    }
    co_return deleted;
}

bool sqlite_session_store::purge_due() const
{
    return db_.revocations().size() >= purge_backlog_;
}

task<result<bool>> sqlite_session_store::revoked(token_hash hash, std::uint64_t marker)
{
    revoked_sessions& mirror = db_.revocations();
    // Usually another request already caught up at this marker: then no connection is needed.
    if (!mirror.current_at(marker)) {
        const result<void> caught = db_.read([&mirror, marker](connection& c) -> result<void> {
            if (!mirror.catch_up(c, marker)) {
                return storage_failure(c, "read revocations");
            }
            return {};
        });
        if (!caught) {
            return ready(result<bool>(fail(caught.error())));
        }
    }
    return ready(result<bool>(mirror.contains(hash)));
}

bool sqlite_session_store::quiet_row_deletes::take()
{
    const std::int64_t second =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
    if (second != second_) {
        second_ = second;
        taken_ = 0;
    }
    if (taken_ >= per_second_) {
        return false;
    }
    ++taken_;
    return true;
}

task<result<std::size_t>> sqlite_session_store::delete_recently_ended()
{
    if (db_.revocations().watermark() <= ended_rows_deleted_through_) {
        co_return std::size_t{0};  // no revocation this process knows of is newer: no write at all
    }
    struct outcome {
        std::int64_t through = 0;
        std::size_t deleted = 0;
    };
    task<result<outcome>> write =
        db_.write([from = ended_rows_deleted_through_](connection& c) -> result<outcome> {
            statement newest = c.query("SELECT coalesce(max(seq), 0) FROM revocations");
            if (newest.step() != SQLITE_ROW) {
                return storage_failure(c, "read revocations");
            }
            const std::int64_t through = newest.column_int(0);
            if (through <= from || through - from > quiet_ends) {
                return outcome{.through = through, .deleted = 0};  // nothing new, or a storm's
            }
            statement del = c.query(
                "DELETE FROM sessions WHERE token_hash IN "
                "(SELECT token_hash FROM revocations WHERE seq > ? AND seq <= ?)");
            del.bind(1, from).bind(2, through);
            if (del.step() != SQLITE_DONE) {
                return storage_failure(c, "delete ended sessions");
            }
            return outcome{.through = through, .deleted = static_cast<std::size_t>(c.changes())};
        });
    const result<outcome> done = co_await std::move(write);
    if (!done) {
        co_return done.error();
    }
    ended_rows_deleted_through_ = std::max(ended_rows_deleted_through_, done->through);
    co_return done->deleted;
}

task<result<std::uint64_t>> sqlite_session_store::count_live(sys_ms now, sys_ms idle_cutoff)
{
    // A full scan (tens of milliseconds at a million sessions): on the background reader thread.
    return db_.read_in_background([now = to_unix_ms(now),
                                   cutoff = to_unix_ms(idle_cutoff)](connection& c) -> result<std::uint64_t> {
        statement s = c.query(
            "SELECT count(*) FROM sessions WHERE expires_at > ? AND (remember_me = 1 OR last_seen_at > ?) "
            "AND token_hash NOT IN (SELECT token_hash FROM revocations)");
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
