#include "api/request_metrics.hpp"

#include "api/routes.hpp"

#include <algorithm>

namespace authd::api {

request_metrics::request_metrics()
    : slots_(route_table().size() + 1), routes_(std::make_unique<per_route[]>(slots_))
{
}

request_metrics& request_metrics::instance()
{
    static request_metrics metrics;
    return metrics;
}

void request_metrics::observe(std::size_t route_index, unsigned status,
                              std::chrono::microseconds latency) noexcept
{
    per_route& slot = routes_[std::min(route_index, slots_ - 1)];
    const auto* found = std::find(statuses.begin(), statuses.end(), status);
    slot.by_status[static_cast<std::size_t>(found - statuses.begin())].fetch_add(1,
                                                                                 std::memory_order_relaxed);
    slot.latency.observe(latency);
}

void request_metrics::render(std::string& out) const
{
    const auto routes = route_table();
    const auto labels_of = [&](std::size_t i) {
        if (i + 1 == slots_) {
            return std::string(R"(method="",route="unmatched")");
        }
        return R"(method=")" + std::string(boost::beast::http::to_string(routes[i].method)) + R"(",route=")" +
               metrics::label_value(routes[i].pattern) + '"';
    };

    metrics::render_family_header(out, "authd_http_requests_total", "counter",
                                  "HTTP requests answered, by route and status.");
    for (std::size_t i = 0; i < slots_; ++i) {
        const std::string labels = labels_of(i);
        for (std::size_t s = 0; s <= statuses.size(); ++s) {
            const std::uint64_t n = routes_[i].by_status[s].load(std::memory_order_relaxed);
            if (n == 0) {
                continue;  // a series appears once it has happened
            }
            const std::string status = s < statuses.size() ? std::to_string(statuses[s]) : "other";
            metrics::render_sample(out, "authd_http_requests_total", labels + R"(,status=")" + status + '"',
                                   n);
        }
    }
    metrics::render_family_header(out, "authd_http_request_duration_seconds", "histogram",
                                  "Time from a request's last byte to its answer, by route.");
    for (std::size_t i = 0; i < slots_; ++i) {
        routes_[i].latency.render(out, "authd_http_request_duration_seconds", labels_of(i));
    }
}

}  // namespace authd::api
