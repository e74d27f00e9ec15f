#include "storage/sqlite/database.hpp"

#include "observability/log.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/rows.hpp"

#include <pthread.h>

#include <chrono>
#include <filesystem>
#include <system_error>

namespace authd::storage::sqlite {
namespace {

// Jobs gathered into one transaction at most; more simply wait for the next commit.
constexpr std::size_t max_batch = 1024;

// How often the checkpointer copies committed WAL frames back into the database file.
constexpr auto checkpoint_interval = std::chrono::milliseconds{100};

bool configure(connection& c, bool writer, std::string& error)
{
    // busy_timeout bounds how long a statement waits for another process's lock (e.g. a tool
    // reading the file) before it fails cleanly instead of hanging.
    const char* settings = writer ? "PRAGMA busy_timeout = 5000;"
                                    "PRAGMA journal_mode = WAL;"
                                    "PRAGMA synchronous = FULL;"  // an acknowledged commit survives a crash
                                    "PRAGMA foreign_keys = ON;"
                                    // The checkpointer thread keeps the WAL backfilled; past
                                    // 1000 pages the writer finishes the job itself (bounded WAL).
                                    "PRAGMA wal_autocheckpoint = 1000;"
                                    // 16 MiB of pages: the B-tree interior pages of a few million
                                    // sessions stay in memory; leaves come from the OS page cache.
                                    "PRAGMA cache_size = -16384;"
                                  : "PRAGMA busy_timeout = 5000;"
                                    "PRAGMA foreign_keys = ON;";
    if (!c.exec(settings)) {
        error = c.error();
        return false;
    }
    if (writer) {
        statement mode = c.query("PRAGMA journal_mode");
        if (mode.step() != SQLITE_ROW || mode.column_text(0) != "wal") {
            error = "cannot switch the database to WAL mode";
            return false;
        }
    }
    return true;
}

// Names the thread in top -H, perf and /proc/PID/task/*/comm (at most 15 characters).
void name_this_thread(const char* name)
{
    pthread_setname_np(pthread_self(), name);
}

}  // namespace

std::unique_ptr<database> database::open(const std::string& path, std::string& error)
{
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(parent, ec);
        if (ec) {
            error = "cannot create directory " + parent.string() + ": " + ec.message();
            return nullptr;
        }
    }
    auto writer = connection::open(path, false, error);
    if (!writer || !configure(*writer, true, error) || !migrate(*writer, error)) {
        return nullptr;
    }
    auto marker = shared_epoch::open(path, error, shared_epoch::slot::revocations);
    if (!marker) {
        return nullptr;
    }
    auto db = std::unique_ptr<database>(new database(path, std::move(writer), std::move(marker)));
    // Before any write is queued: from here on the writer keeps the mirror current itself.
    if (!db->revoked_.catch_up(*db->writer_, db->revocation_marker())) {
        error = "cannot read the revocation log: " + db->writer_->error();
        return nullptr;
    }
    return db;
}

database::database(std::string path, std::unique_ptr<connection> writer, std::unique_ptr<shared_epoch> marker)
    : path_(std::move(path)), writer_(std::move(writer)), revocation_marker_(std::move(marker))
{
    std::string error;
    checkpointer_ = connection::open(path_, false, error);
    if (checkpointer_ && checkpointer_->exec("PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL;")) {
        checkpoint_thread_ = std::thread([this] {
            name_this_thread("sqlite-ckpt");
            run_checkpointer();
        });
    } else {
        // Without it the writer checkpoints alone, as SQLite does by default.
        log::warn("no checkpoint connection; the writer checkpoints", {{"error", error}});
    }
    writer_thread_ = std::thread([this] {
        name_this_thread("sqlite-writer");
        run_writer();
    });
}

database::~database()
{
    stop();
}

void database::stop()
{
    {
        std::lock_guard lock(queue_mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
    }
    queue_ready_.notify_all();
    checkpoint_wakeup_.notify_all();
    if (writer_thread_.joinable()) {
        writer_thread_.join();
    }
    if (checkpoint_thread_.joinable()) {
        checkpoint_thread_.join();
    }
    background_reads_.join();
    writer_->exec("PRAGMA optimize");
}

void database::submit(std::unique_ptr<write_job> job)
{
    {
        std::lock_guard lock(queue_mutex_);
        if (!stopping_) {
            queue_.push_back(std::move(job));
        }
    }
    if (job) {
        job->finish(false);  // submitted after stop(): refused, never silently dropped
        return;
    }
    queue_ready_.notify_one();
}

void database::write_detached(std::function<bool(connection&)> fn)
{
    struct detached_job final : write_job {
        explicit detached_job(std::function<bool(connection&)> f)
            : write_job(rollback::own_savepoint), fn(std::move(f))
        {
        }
        bool run(connection& c) override
        {
            ok = fn(c);
            if (!ok) {
                log::warn("background write failed", {{"error", c.error()}});
            }
            return ok;
        }
        void finish(bool) override {}
        std::function<bool(connection&)> fn;
        bool ok = false;
    };
    submit(std::make_unique<detached_job>(std::move(fn)));
}

void database::run_writer()
{
    std::vector<std::unique_ptr<write_job>> batch;
    for (;;) {
        {
            std::unique_lock lock(queue_mutex_);
            queue_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) {
                return;  // stopping, and everything queued is done
            }
            if (queue_.size() <= max_batch) {
                batch.swap(queue_);
            } else {
                batch.assign(std::make_move_iterator(queue_.begin()),
                             std::make_move_iterator(queue_.begin() + max_batch));
                queue_.erase(queue_.begin(), queue_.begin() + max_batch);
            }
        }
        commit_batch(batch);
        batch.clear();
    }
}

void database::run_checkpointer()
{
    for (;;) {
        {
            std::unique_lock lock(queue_mutex_);
            if (checkpoint_wakeup_.wait_for(lock, checkpoint_interval, [&] { return stopping_; })) {
                break;
            }
        }
        // PASSIVE: copies what it can without blocking the writer or readers.
        if (!checkpointer_->exec("PRAGMA wal_checkpoint(PASSIVE)")) {
            log::warn("WAL checkpoint failed", {{"error", checkpointer_->error()}});
        }
    }
    checkpointer_->exec("PRAGMA wal_checkpoint(TRUNCATE)");  // a clean, short WAL at shutdown
}

result<void> database::catch_up_in_transaction(connection& c)
{
    if (!batch_caught_up_) {
        // Before this transaction's first append, so that what it loads is committed data only.
        if (!revoked_.catch_up(c, revocation_marker())) {
            return storage_failure(c, "read revocations");
        }
        batch_caught_up_ = true;
    }
    return {};
}

result<bool> database::revoked_in_transaction(connection& c, const session::token_hash& hash)
{
    if (const auto caught_up = catch_up_in_transaction(c); !caught_up) {
        return fail(caught_up.error());
    }
    return batch_revoked_.contains(hash) || revoked_.contains(hash);
}

result<void> database::revoke_in_transaction(connection& c, const session::token_hash& hash,
                                             std::int64_t revoked_at_ms)
{
    // add_committed() relies on the catch-up having run before this transaction's first append.
    if (const auto caught_up = catch_up_in_transaction(c); !caught_up) {
        return caught_up;
    }
    const auto seq = revoked_sessions::append(c, hash, revoked_at_ms);
    if (!seq) {
        return storage_failure(c, "revoke session");
    }
    batch_revocations_.emplace_back(hash, *seq);
    batch_revoked_.insert(hash);
    return {};
}

void database::forget_revocations_after(std::size_t kept)
{
    for (std::size_t i = kept; i < batch_revocations_.size(); ++i) {
        batch_revoked_.erase(batch_revocations_[i].first);
    }
    batch_revocations_.resize(kept);
}

void database::commit_batch(std::vector<std::unique_ptr<write_job>>& batch)
{
    connection& db = *writer_;
    batch_revocations_.clear();
    batch_revoked_.clear();
    batch_caught_up_ = false;
    auto fail_all = [&](const char* what) {
        log::error("database write failed", {{"stage", what}, {"error", db.error()}, {"jobs", batch.size()}});
        if (db.in_transaction()) {
            db.run("ROLLBACK");
        }
        for (auto& job : batch) {
            job->finish(false);
        }
    };

    if (!db.run("BEGIN IMMEDIATE")) {
        fail_all("begin");
        return;
    }
    for (auto& job : batch) {
        const bool own_savepoint = job->on_failure == rollback::own_savepoint;
        if (own_savepoint && !db.run("SAVEPOINT job")) {
            fail_all("savepoint");
            return;
        }
        const std::size_t revocations_before = batch_revocations_.size();
        const std::int64_t changes_before = db.total_changes();
        const bool ok = job->run(db);
        if (!db.in_transaction()) {
            // SQLite rolled the whole transaction back (I/O error, disk full): nothing in it happened.
            fail_all("statement");
            return;
        }
        if (!own_savepoint) {
            if (!ok &&
                (db.total_changes() != changes_before || batch_revocations_.size() != revocations_before)) {
                // It promised to fail only before changing anything; nothing else can undo it now.
                fail_all("job without a savepoint failed after a change");
                return;
            }
            continue;  // done, or failed having changed nothing
        }
        if (!ok) {
            if (!db.run("ROLLBACK TO job")) {
                fail_all("rollback to savepoint");
                return;
            }
            forget_revocations_after(revocations_before);
        }
        if (!db.run("RELEASE job")) {
            fail_all("release savepoint");
            return;
        }
    }
    if (!db.run("COMMIT")) {
        fail_all("commit");
        return;
    }
    if (!batch_revocations_.empty()) {
        // Before any job is answered, so that an acknowledged logout is already in the mirror.
        revoked_.add_committed(batch_revocations_);
        revocation_marker_->advance();  // after the commit, before any answer (see revoke_in_transaction)
    }
    for (auto& job : batch) {
        job->finish(true);
    }
}

std::unique_ptr<connection> database::borrow_reader()
{
    {
        std::lock_guard lock(readers_mutex_);
        if (!idle_readers_.empty()) {
            auto reader = std::move(idle_readers_.back());
            idle_readers_.pop_back();
            return reader;
        }
    }
    std::string error;
    auto reader = connection::open(path_, true, error);
    if (!reader || !configure(*reader, false, error)) {
        log::error("cannot open a read connection", {{"error", error}});
        return nullptr;
    }
    return reader;
}

void database::return_reader(std::unique_ptr<connection> reader)
{
    std::lock_guard lock(readers_mutex_);
    idle_readers_.push_back(std::move(reader));
}

}  // namespace authd::storage::sqlite
