// Argon2id password hashing on a bounded pool of worker threads, off the I/O threads, so that a
// login flood queues here (and overflows into 503) instead of stalling logouts and session checks.
#pragma once

#include "core/async.hpp"
#include "core/errc.hpp"

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstddef>
#include <string>

namespace authd::auth {

struct argon2_cost {
    unsigned long long ops_limit = 2;               // t: OWASP minimum for m = 19 MiB
    std::size_t mem_limit = std::size_t{19} << 20;  // m = 19 MiB
};

class password_hasher {
public:
    // `threads` hashing threads; at most `queue_limit` hashes waiting or running at once.
    password_hasher(std::size_t threads, std::size_t queue_limit, argon2_cost cost = {});
    ~password_hasher();
    password_hasher(const password_hasher&) = delete;
    password_hasher& operator=(const password_hasher&) = delete;

    // errc::service_busy when the queue is full; errc::internal_error if hashing itself fails.
    task<result<std::string>> hash(std::string password);
    // False for a wrong password or a hash that is not Argon2id.
    task<result<bool>> verify(std::string password_hash, std::string password);
    // The same work as verify() against a fixed hash: unknown emails cost what wrong passwords do.
    task<result<bool>> verify_dummy(std::string password);

    std::size_t queued() const { return in_flight_.load(std::memory_order_relaxed); }
    void stop();

private:
    // Queues fn on the pool unless the queue is full. Not a coroutine (see run_on in core/async.hpp).
    template <class Fn>
    task<std::invoke_result_t<Fn&>> submit(Fn fn);

    boost::asio::thread_pool pool_;
    std::size_t queue_limit_;
    argon2_cost cost_;
    std::string dummy_hash_;
    std::atomic<std::size_t> in_flight_{0};
};

// The plain functions the pool runs (also unit-tested directly).
std::string hash_password(const std::string& password, const argon2_cost& cost);
bool verify_password(const std::string& password_hash, const std::string& password);

}  // namespace authd::auth
