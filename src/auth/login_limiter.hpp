// Brute-force limits for login: failures are counted per account and per client address in a
// sliding window. Past either limit, every attempt is refused with 429 until old failures age out,
// so the real user is locked out for at most one window, never forever.
#pragma once

#include "core/clock.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace authd::auth {

struct login_limits {
    std::size_t max_failures_per_account = 5;
    std::size_t max_failures_per_address = 100;
    std::chrono::milliseconds window{std::chrono::minutes{15}};
};

class login_limiter {
public:
    // clock is owned by the application and outlives the limiter.
    login_limiter(const clock& clock, login_limits limits);

    // How long the caller must wait before another attempt, or nullopt when it may try now.
    std::optional<std::chrono::seconds> retry_after(const std::string& account, const std::string& address);
    void record_failure(const std::string& account, const std::string& address);
    // A successful login clears the account's failures (not the address's).
    void record_success(const std::string& account);

private:
    using failures = std::deque<sys_ms>;
    std::optional<std::chrono::seconds> wait_for(std::unordered_map<std::string, failures>& table,
                                                 const std::string& key, std::size_t limit, sys_ms now);
    void drop_expired(failures& f, sys_ms now) const;
    void sweep(sys_ms now);

    const clock& clock_;
    login_limits limits_;
    std::mutex mutex_;
    std::unordered_map<std::string, failures> by_account_;  // guarded by mutex_
    std::unordered_map<std::string, failures> by_address_;  // guarded by mutex_
    sys_ms next_sweep_{};                                   // guarded by mutex_
};

}  // namespace authd::auth
