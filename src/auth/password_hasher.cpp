#include "auth/password_hasher.hpp"

#include <sodium.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include "observability/metrics.hpp"

#include <chrono>
#include <stdexcept>

namespace authd::auth {

std::string hash_password(const std::string& password, const argon2_cost& cost)
{
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops_limit, cost.mem_limit,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return {};  // out of memory
    }
    return out;
}

bool verify_password(const std::string& password_hash, const std::string& password)
{
    if (password_hash.rfind("$argon2id$", 0) != 0) {
        return false;
    }
    return crypto_pwhash_str_verify(password_hash.c_str(), password.data(), password.size()) == 0;
}

password_hasher::password_hasher(std::size_t threads, std::size_t queue_limit, argon2_cost cost)
    : pool_(threads),
      queue_limit_(queue_limit),
      cost_(cost),
      dummy_hash_(hash_password("authd-dummy-password", cost))
{
    if (dummy_hash_.empty()) {
        throw std::runtime_error("argon2id: not enough memory for the configured cost");
    }
}

password_hasher::~password_hasher()
{
    stop();
}

void password_hasher::stop()
{
    pool_.stop();
    pool_.join();
}

namespace {

// Hashing threads run under SCHED_IDLE (else nice 19): when a login flood and session checks
// compete for a core, the scheduler serves the checks first, and the flood backs up into the
// bounded queue (503) instead of into everyone's latency. On an idle core logins run at full speed.
void lower_this_thread_priority_once()
{
    thread_local bool lowered = false;
    if (!lowered) {
        lowered = true;
        const sched_param idle{};
        if (sched_setscheduler(gettid(), SCHED_IDLE, &idle) != 0) {
            (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19);
        }
    }
}

}  // namespace

template <class Fn>
task<std::invoke_result_t<Fn&>> password_hasher::submit(Fn fn)
{
    // The count covers a job from submission until it has run: it is the queue depth.
    if (in_flight_.fetch_add(1, std::memory_order_relaxed) >= queue_limit_) {
        in_flight_.fetch_sub(1, std::memory_order_relaxed);
        metrics::add(metrics::counter::hash_rejected_busy);
        return ready(std::invoke_result_t<Fn&>{errc::service_busy});
    }
    const auto queued_at = std::chrono::steady_clock::now();
    return run_on(pool_.get_executor(), [this, queued_at, fn = std::move(fn)]() mutable {
        metrics::hash_wait().observe(std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - queued_at));
        lower_this_thread_priority_once();
        auto value = fn();
        in_flight_.fetch_sub(1, std::memory_order_relaxed);
        return value;
    });
}

task<result<std::string>> password_hasher::hash(std::string password)
{
    return submit([password = std::move(password), cost = cost_]() -> result<std::string> {
        std::string hashed = hash_password(password, cost);
        if (hashed.empty()) {
            return errc::internal_error;
        }
        return hashed;
    });
}

task<result<bool>> password_hasher::verify(std::string password_hash, std::string password)
{
    return submit([hash = std::move(password_hash), password = std::move(password)]() -> result<bool> {
        return verify_password(hash, password);
    });
}

task<result<bool>> password_hasher::verify_dummy(std::string password)
{
    return submit([this, password = std::move(password)]() -> result<bool> {
        (void)verify_password(dummy_hash_, password);
        return false;  // even if someone types the dummy password: there is no account
    });
}

}  // namespace authd::auth
