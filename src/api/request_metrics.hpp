// Requests by route, method and status, and a latency histogram per route, for GET /metrics.
// One set of relaxed atomics per route of the route table: observing a request takes no lock.
#pragma once

#include "observability/metrics.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace authd::api {

class request_metrics {
public:
    static constexpr std::size_t unmatched = static_cast<std::size_t>(-1);

    request_metrics();

    // The process-wide instance the dispatcher fills and GET /metrics renders.
    static request_metrics& instance();

    // `route_index` is the position in route_table(), or `unmatched` (404s and requests refused
    // before routing).
    void observe(std::size_t route_index, unsigned status, std::chrono::microseconds latency) noexcept;
    void render(std::string& out) const;

private:
    // The statuses authd answers with; anything else is counted as status="other".
    static constexpr std::array<unsigned, 19> statuses{200, 201, 204, 301, 304, 400, 401, 403, 404, 405,
                                                       408, 409, 413, 415, 422, 429, 431, 500, 503};
    struct per_route {
        std::array<std::atomic<std::uint64_t>, statuses.size() + 1> by_status{};
        metrics::histogram latency;
    };

    std::size_t slots_;  // routes + 1: the last one is `unmatched`
    std::unique_ptr<per_route[]> routes_;
};

}  // namespace authd::api
