// Process-wide counters and histograms for GET /metrics. Every update is one relaxed atomic
// add: counting must never become a lock on the hot path. Rendering reads the atomics one by
// one, so a scrape may see a request in a histogram bucket a moment before its status counter;
// Prometheus tolerates that, and a histogram's _count is derived from its own buckets.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace authd::metrics {

// Domain events counted where they happen (auth service, password hasher, storage).
enum class counter : std::size_t {
    logins,                 // successful logins
    login_failures,         // wrong email or password
    rate_limited,           // requests answered 429
    logouts_current,        // POST /auth/logout: this session
    logouts_all_devices,    // POST /auth/logout?all_devices=true
    logouts_other_devices,  // DELETE /auth/sessions
    logouts_one_session,    // DELETE /auth/sessions/{id}
    audit_write_failures,   // an audit row that could not be written (the action itself succeeded)
    hash_rejected_busy,     // password hashes refused with 503 because the queue was full
    count_,
};

void add(counter c, std::uint64_t n = 1) noexcept;
std::uint64_t value(counter c) noexcept;

// Latency buckets in microseconds, the upper bounds of a Prometheus histogram (+Inf implied).
inline constexpr std::array<std::uint64_t, 15> latency_bounds_us{
    100,    250,     500,     1'000,   2'500,     5'000,     10'000,    25'000,
    50'000, 100'000, 250'000, 500'000, 1'000'000, 2'500'000, 10'000'000};

class histogram {
public:
    void observe(std::chrono::microseconds elapsed) noexcept;
    // Appends the _bucket/_sum/_count lines of `name` with `labels` ("" or `route="/x"`).
    void render(std::string& out, std::string_view name, std::string_view labels) const;

private:
    std::array<std::atomic<std::uint64_t>, latency_bounds_us.size() + 1> buckets_{};  // last: +Inf only
    std::atomic<std::uint64_t> sum_us_{0};
};

// How long a password hash waited for a hashing thread.
histogram& hash_wait();

// Prometheus text-format helpers (exposition format 0.0.4).
void render_family_header(std::string& out, std::string_view name, std::string_view type,
                          std::string_view help);
void render_sample(std::string& out, std::string_view name, std::string_view labels, std::uint64_t value);
// A label value with \, " and newline escaped as the format requires.
std::string label_value(std::string_view raw);

// Every domain counter, with HELP and TYPE lines.
void render_counters(std::string& out);

}  // namespace authd::metrics
