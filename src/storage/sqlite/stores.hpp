// The domain's store interfaces over one SQLite database: reads on pooled read connections,
// writes through the group-committing writer.
#pragma once

#include "audit/audit_log.hpp"
#include "auth/user.hpp"
#include "session/session_store.hpp"
#include "storage/sqlite/database.hpp"

namespace authd::storage::sqlite {

// db is owned by the application and outlives the stores.
class sqlite_session_store final : public session::session_store {
public:
    // `purge_backlog`: how many revoked sessions may wait for the purge before purge_due() asks
    // for it early. Each waits in every process's mirror (250k fill a table of 2^19 slots,
    // 12 MiB), and a larger backlog costs less per row to delete, since more of its rows share a
    // leaf page: 19.4 µs of CPU per row at 100k, 12.8 at 250k, 10.5 at 500k (bench/purge_cost.sh).
    // `quiet_row_deletes_per_second`: how many ends a second delete their row in their own
    // transaction (quiet_row_deletes); 0 leaves every row to the purges, as in a storm.
    explicit sqlite_session_store(database& db, std::size_t purge_backlog = 250'000,
                                  std::int64_t quiet_row_deletes_per_second = quiet_ends)
        : db_(db), purge_backlog_(purge_backlog), quiet_deletes_(quiet_row_deletes_per_second)
    {
    }

    task<result<void>> insert(session::session_record record) override;
    task<result<std::optional<session::session_record>>> find(session::token_hash hash) override;
    task<result<std::vector<session::session_record>>> list_for_user(std::string user_id) override;
    task<result<bool>> remove(session::token_hash hash) override;
    // One write job when `audit` is a sqlite_audit_log on the same database.
    task<result<session::recorded_removal>> remove_recorded(session::token_hash hash, audit::audit_log& audit,
                                                            audit::audit_event entry) override;
    // The same, with the read and the check in that write job.
    task<result<session::recorded_removal>> remove_checked(session::token_hash hash,
                                                           session::removal_check check,
                                                           audit::audit_log& audit,
                                                           audit::audit_event entry) override;
    task<result<std::optional<std::size_t>>> remove_user_sessions(std::string user_id,
                                                                  session::token_hash current,
                                                                  bool keep_current,
                                                                  session::liveness counted) override;
    task<result<std::optional<std::size_t>>> replace_user_sessions(std::string user_id,
                                                                   session::token_hash current,
                                                                   session::session_record replacement,
                                                                   session::liveness counted) override;
    void touch(session::token_hash hash, sys_ms seen_at) override;
    // Also deletes the revoked sessions and their revocations.
    task<result<std::size_t>> purge_expired(sys_ms now, sys_ms idle_cutoff) override;
    bool purge_due() const override;
    // Deletes the revoked sessions (by key, in key order) and their revocations.
    task<result<std::size_t>> purge_revoked() override;
    // Deletes the rows of the revocations numbered since the last call, in one write, when there
    // are at most `quiet_ends` of them; more are left to the purges (a storm, where the deferred,
    // in-key-order delete is what keeps a logout cheap). The revocations and the mirror stay as
    // they are until a purge drops them.
    task<result<std::size_t>> delete_recently_ended() override;
    // delete_recently_ended() deletes at most this many rows at a time, a millisecond or two of
    // random leaf writes on the writer: called every second, it keeps up with 32 logouts a second.
    // And the first this many ends of each second delete their row in their own transaction.
    static constexpr std::int64_t quiet_ends = 32;

    // How many ends may still delete their row at once in the current second. Only write jobs use
    // it, and they run one at a time on the writer thread.
    class quiet_row_deletes {
    public:
        explicit quiet_row_deletes(std::int64_t per_second) : per_second_(per_second) {}
        bool take();

    private:
        std::int64_t per_second_;
        std::int64_t second_ = -1;
        std::int64_t taken_ = 0;
    };
    task<result<std::uint64_t>> count_live(sys_ms now, sys_ms idle_cutoff) override;
    task<result<void>> ping() override;
    std::optional<std::uint64_t> revocation_marker() const override { return db_.revocation_marker(); }
    task<result<bool>> revoked(session::token_hash hash, std::uint64_t marker) override;
    void before_forgetting_revocations(std::function<void()> before) override
    {
        before_forgetting_ = std::move(before);
    }

    // Bulk import in one transaction (seeding benchmarks); all or nothing.
    task<result<void>> insert_many(std::vector<session::session_record> records);

private:
    // The purge sweeps the table in this many key ranges, one write each: ≈ 1,000 rows per range
    // at a million sessions, a few milliseconds of writer time even when many revoked rows wait.
    static constexpr int purge_ranges = 1024;
    struct range_purged {
        std::size_t expired = 0;                   // expired rows deleted
        std::vector<session::token_hash> revoked;  // revoked rows deleted
    };
    task<result<range_purged>> purge_range(int range, sys_ms now, sys_ms idle_cutoff);
    // purge_revoked() deletes this many rows per write: well under a millisecond of writer time,
    // so that the logouts committed beside each of them barely wait for it.
    static constexpr std::size_t revoked_per_purge_write = 64;
    // The purges delete their revocations this many per write (each row costs about a microsecond).
    static constexpr std::size_t revocations_per_drop_write = 1024;
    // The purges' first step: catches the mirror up; every revocation numbered up to the result
    // has its row deleted by the purge that follows. Then runs before_forgetting_.
    result<std::int64_t> revocations_to_purge();
    // Their last step, once those rows are gone: deletes the revocations and forgets them.
    task<result<void>> drop_purged_revocations(std::int64_t through);

    database& db_;
    std::size_t purge_backlog_;
    std::function<void()> before_forgetting_;
    // Every revocation numbered up to this had its row deleted by delete_recently_ended(), or was
    // left to the purges. Only the purge loop calls it, one call at a time.
    std::int64_t ended_rows_deleted_through_ = 0;
    quiet_row_deletes quiet_deletes_;
};

class sqlite_user_store final : public auth::user_store {
public:
    explicit sqlite_user_store(database& db) : db_(db) {}

    task<result<void>> insert(auth::user u) override;
    task<result<std::optional<auth::user>>> find_by_email(std::string email) override;
    task<result<std::optional<auth::user>>> find_by_id(std::string id) override;
    task<result<void>> update_password_hash(std::string id, std::string password_hash) override;

private:
    database& db_;
};

class sqlite_audit_log final : public audit::audit_log {
public:
    explicit sqlite_audit_log(database& db) : db_(db) {}
    task<result<void>> append(audit::audit_event event) override;
    bool writes_to(const database& db) const { return &db == &db_; }

private:
    database& db_;
};

}  // namespace authd::storage::sqlite
