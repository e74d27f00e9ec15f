// One SQLite database file in WAL mode: a single writer thread that group-commits the writes
// queued while it was busy (one transaction, one fsync, each job in its own savepoint unless it
// can fail only before changing anything), and a pool of read connections used on the caller's
// thread (WAL readers never wait for the writer).
#pragma once

#include "core/async.hpp"
#include "core/errc.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/revocations.hpp"
#include "storage/sqlite/shared_epoch.hpp"

#include <boost/asio/thread_pool.hpp>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

namespace authd::storage::sqlite {

class database {
public:
    // Opens or creates the file (and its directory), applies pending migrations and starts the
    // writer. nullptr and `error` on failure.
    static std::unique_ptr<database> open(const std::string& path, std::string& error);
    ~database();  // drains the queued writes, then closes every connection
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    // Runs fn(connection&) -> result<T> on the writer thread, in a transaction it may share with
    // other writes. The caller resumes once that transaction is durably committed; if fn failed,
    // its own changes were rolled back and its error is returned; if the commit failed, every job
    // in it gets errc::store_unavailable and none of their changes happened.
    template <class Fn>
    auto write(Fn fn) -> task<std::invoke_result_t<Fn&, connection&>>
    {
        return submit_write(std::move(fn), rollback::own_savepoint);
    }
    // write() for a job that, whenever it fails, has changed nothing: each of its statements before
    // the failing one only read, and a failed statement undoes itself. It runs without the
    // savepoint that would undo it, which costs more than the rest of a logout's SQLite work
    // (bench/RESULTS.md). A job that breaks this rule fails its whole transaction instead: no
    // change of a failed job is ever committed.
    template <class Fn>
    auto write_changing_nothing_on_failure(Fn fn) -> task<std::invoke_result_t<Fn&, connection&>>
    {
        return submit_write(std::move(fn), rollback::whole_transaction);
    }

    // Queues a write nobody waits for (best effort; failures are logged).
    void write_detached(std::function<bool(connection&)> fn);

    // The sessions revoked in this database and not purged yet (storage/sqlite/revocations.hpp).
    // The writer adds its own after each commit that revoked, before they are answered.
    revoked_sessions& revocations() { return revoked_; }

    // For a write job (on the writer, inside its transaction): whether `hash` is revoked, counting
    // this transaction's own revocations so far. The first call in a transaction catches the mirror
    // up; the writer holds the write lock, so that loads every other process's too.
    result<bool> revoked_in_transaction(connection& c, const session::token_hash& hash);
    // For a write job: appends the revocation of `hash`. Once the transaction has committed, the
    // writer adds it to the mirror and advances the revocation marker, a counter shared by every
    // process on this database, before the job is answered. A process whose mirror caught up at
    // marker M therefore knows every revocation acknowledged before M was read.
    result<void> revoke_in_transaction(connection& c, const session::token_hash& hash,
                                       std::int64_t revoked_at_ms);
    std::uint64_t revocation_marker() const { return revocation_marker_->current(); }

    // Runs fn(connection&) on a pooled read connection, on the calling thread.
    template <class Fn>
    auto read(Fn fn) -> std::invoke_result_t<Fn&, connection&>;

    // fn() on a background thread, for work too long to run on an I/O thread (fn must not throw).
    template <class Fn>
    auto run_in_background(Fn fn) -> task<std::invoke_result_t<Fn&>>
    {
        return run_on(background_reads_.get_executor(), std::move(fn));
    }
    // read() on a background thread, for scans too long to run on an I/O thread (metrics).
    template <class Fn>
    auto read_in_background(Fn fn) -> task<std::invoke_result_t<Fn&, connection&>>
    {
        return run_in_background([this, fn = std::move(fn)]() mutable { return read(fn); });
    }

    // Stops accepting writes, finishes the queued ones and joins the writer.
    void stop();

    const std::string& path() const { return path_; }

private:
    // How a failed job's changes are undone.
    enum class rollback { own_savepoint, whole_transaction };
    struct write_job {
        explicit write_job(rollback r) : on_failure(r) {}
        virtual ~write_job() = default;
        // Runs the job's statements; false when it failed and its changes must be undone.
        virtual bool run(connection& c) = 0;
        // Called once its transaction is over; `committed` tells whether it is durable.
        virtual void finish(bool committed) = 0;
        const rollback on_failure;
    };
    template <class T, class Fn, class Handler>
    struct typed_job;

    template <class Fn>
    auto submit_write(Fn fn, rollback on_failure) -> task<std::invoke_result_t<Fn&, connection&>>;

    database(std::string path, std::unique_ptr<connection> writer, std::unique_ptr<shared_epoch> marker);
    void submit(std::unique_ptr<write_job> job);
    void run_writer();
    void run_checkpointer();
    void commit_batch(std::vector<std::unique_ptr<write_job>>& batch);
    // Loads the revocations committed since the mirror last caught up, once per transaction.
    result<void> catch_up_in_transaction(connection& c);
    // Drops this transaction's revocations past the first `kept` (their job was rolled back).
    void forget_revocations_after(std::size_t kept);

    std::unique_ptr<connection> borrow_reader();
    void return_reader(std::unique_ptr<connection> reader);

    std::string path_;
    std::unique_ptr<connection> writer_;  // used only by writer_thread_ once it runs
    revoked_sessions revoked_;
    std::unique_ptr<shared_epoch> revocation_marker_;
    // The current transaction's revocations, in append order and as a set, and whether the mirror
    // was caught up inside it (writer thread only).
    std::vector<std::pair<session::token_hash, std::int64_t>> batch_revocations_;
    std::unordered_set<session::token_hash, session::token_hash_hasher> batch_revoked_;
    bool batch_caught_up_ = false;

    std::mutex queue_mutex_;
    std::condition_variable queue_ready_;
    std::vector<std::unique_ptr<write_job>> queue_;  // guarded by queue_mutex_
    bool stopping_ = false;                          // guarded by queue_mutex_
    std::thread writer_thread_;
    // WAL checkpoints run here, on their own connection, so that a commit never waits for one.
    std::unique_ptr<connection> checkpointer_;
    std::condition_variable checkpoint_wakeup_;  // with queue_mutex_, so that stop() ends the wait
    std::thread checkpoint_thread_;

    net::thread_pool background_reads_{1};

    std::mutex readers_mutex_;
    std::vector<std::unique_ptr<connection>> idle_readers_;  // guarded by readers_mutex_
};

template <class T, class Fn, class Handler>
struct database::typed_job final : database::write_job {
    typed_job(Fn f, Handler h, rollback undo)
        : write_job(undo),
          fn(std::move(f)),
          handler(std::move(h)),
          guard(net::make_work_guard(net::get_associated_executor(handler)))
    {
    }

    bool run(connection& c) override
    {
        outcome.emplace(fn(c));
        return outcome->has_value();
    }

    void finish(bool committed) override
    {
        T value = !outcome                              ? T{errc::store_unavailable}
                  : (outcome->has_error() || committed) ? std::move(*outcome)
                                                        : T{errc::store_unavailable};
        complete_on_own_executor(std::move(handler), std::move(value));
    }

    Fn fn;
    Handler handler;
    // Keeps the awaiting coroutine's io_context running while the job waits for the writer.
    net::executor_work_guard<net::associated_executor_t<Handler>> guard;
    std::optional<T> outcome;
};

template <class Fn>
auto database::submit_write(Fn fn, rollback on_failure) -> task<std::invoke_result_t<Fn&, connection&>>
{
    // Not a coroutine, for the reason given at run_on() in core/async.hpp.
    using value_type = std::invoke_result_t<Fn&, connection&>;
    return net::async_initiate<const net::use_awaitable_t<>&, void(value_type)>(
        [this, on_failure, fn = std::move(fn)](auto handler) mutable {
            using handler_type = decltype(handler);
            submit(std::make_unique<typed_job<value_type, Fn, handler_type>>(std::move(fn),
                                                                             std::move(handler), on_failure));
        },
        net::use_awaitable);
}

template <class Fn>
auto database::read(Fn fn) -> std::invoke_result_t<Fn&, connection&>
{
    using value_type = std::invoke_result_t<Fn&, connection&>;
    std::unique_ptr<connection> reader = borrow_reader();
    if (!reader) {
        return value_type{errc::store_unavailable};
    }
    value_type value = fn(*reader);
    return_reader(std::move(reader));
    return value;
}

}  // namespace authd::storage::sqlite
