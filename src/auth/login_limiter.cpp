#include "auth/login_limiter.hpp"

#include <algorithm>

namespace authd::auth {

login_limiter::login_limiter(const clock& clock, login_limits limits) : clock_(clock), limits_(limits) {}

void login_limiter::drop_expired(failures& f, sys_ms now) const
{
    while (!f.empty() && f.front() + limits_.window <= now) {
        f.pop_front();
    }
}

std::optional<std::chrono::seconds> login_limiter::wait_for(std::unordered_map<std::string, failures>& table,
                                                            const std::string& key, std::size_t limit,
                                                            sys_ms now)
{
    const auto it = table.find(key);
    if (it == table.end()) {
        return std::nullopt;
    }
    drop_expired(it->second, now);
    if (it->second.size() < limit) {
        return std::nullopt;
    }
    // The attempt becomes possible when enough of the oldest failures have aged out.
    const sys_ms frees_at = it->second[it->second.size() - limit] + limits_.window;
    const auto wait = std::chrono::ceil<std::chrono::seconds>(frees_at - now);
    return std::max(wait, std::chrono::seconds{1});
}

std::optional<std::chrono::seconds> login_limiter::retry_after(const std::string& account,
                                                               const std::string& address)
{
    const sys_ms now = clock_.now();
    std::lock_guard lock(mutex_);
    const auto by_account = wait_for(by_account_, account, limits_.max_failures_per_account, now);
    const auto by_address = wait_for(by_address_, address, limits_.max_failures_per_address, now);
    if (by_account && by_address) {
        return std::max(*by_account, *by_address);
    }
    return by_account ? by_account : by_address;
}

void login_limiter::record_failure(const std::string& account, const std::string& address)
{
    const sys_ms now = clock_.now();
    std::lock_guard lock(mutex_);
    sweep(now);
    for (auto* f : {&by_account_[account], &by_address_[address]}) {
        drop_expired(*f, now);
        f->push_back(now);
        // Only the newest `limit` failures matter; keeps an attacker from growing memory per key.
        const std::size_t cap = std::max(limits_.max_failures_per_account, limits_.max_failures_per_address);
        while (f->size() > cap) {
            f->pop_front();
        }
    }
}

void login_limiter::record_success(const std::string& account)
{
    std::lock_guard lock(mutex_);
    by_account_.erase(account);
}

void login_limiter::sweep(sys_ms now)
{
    // Forget keys whose failures have all aged out, at most once per window.
    if (now < next_sweep_) {
        return;
    }
    next_sweep_ = now + limits_.window;
    for (auto* table : {&by_account_, &by_address_}) {
        for (auto it = table->begin(); it != table->end();) {
            drop_expired(it->second, now);
            it = it->second.empty() ? table->erase(it) : std::next(it);
        }
    }
}

}  // namespace authd::auth
