#include "observability/metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace authd::metrics {

namespace {

std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(counter::count_)> counters{};

void append_seconds(std::string& out, std::uint64_t microseconds)
{
    char text[32];
    const int n = std::snprintf(text, sizeof text, "%.6f", static_cast<double>(microseconds) / 1e6);
    out.append(text, static_cast<std::size_t>(n));
}

void append_braced(std::string& out, std::string_view labels)
{
    if (!labels.empty()) {
        out += '{';
        out += labels;
        out += '}';
    }
}

}  // namespace

void add(counter c, std::uint64_t n) noexcept
{
    counters[static_cast<std::size_t>(c)].fetch_add(n, std::memory_order_relaxed);
}

std::uint64_t value(counter c) noexcept
{
    return counters[static_cast<std::size_t>(c)].load(std::memory_order_relaxed);
}

void histogram::observe(std::chrono::microseconds elapsed) noexcept
{
    const auto us = static_cast<std::uint64_t>(std::max<std::int64_t>(elapsed.count(), 0));
    const auto bucket = static_cast<std::size_t>(
        std::lower_bound(latency_bounds_us.begin(), latency_bounds_us.end(), us) - latency_bounds_us.begin());
    buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
    sum_us_.fetch_add(us, std::memory_order_relaxed);
}

void histogram::render(std::string& out, std::string_view name, std::string_view labels) const
{
    const std::string_view separator = labels.empty() ? "" : ",";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        cumulative += buckets_[i].load(std::memory_order_relaxed);
        out += name;
        out += "_bucket{";
        out += labels;
        out += separator;
        out += "le=\"";
        if (i < latency_bounds_us.size()) {
            append_seconds(out, latency_bounds_us[i]);
        } else {
            out += "+Inf";
        }
        out += "\"} ";
        out += std::to_string(cumulative);
        out += '\n';
    }
    out += name;
    out += "_sum";
    append_braced(out, labels);
    out += ' ';
    append_seconds(out, sum_us_.load(std::memory_order_relaxed));
    out += '\n';
    out += name;
    out += "_count";
    append_braced(out, labels);
    out += ' ';
    out += std::to_string(cumulative);
    out += '\n';
}

histogram& hash_wait()
{
    static histogram instance;
    return instance;
}

void render_family_header(std::string& out, std::string_view name, std::string_view type,
                          std::string_view help)
{
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

void render_sample(std::string& out, std::string_view name, std::string_view labels, std::uint64_t value)
{
    out += name;
    append_braced(out, labels);
    out += ' ';
    out += std::to_string(value);
    out += '\n';
}

std::string label_value(std::string_view raw)
{
    std::string out;
    out.reserve(raw.size());
    for (const char c : raw) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            case '\n': out += "\\n"; break;
            default: out += c;
        }
    }
    return out;
}

void render_counters(std::string& out)
{
    struct series {
        std::string_view name;
        std::string_view help;  // on the first series of a family only
        std::string_view labels;
        counter source;
    };
    static constexpr std::array<series, 9> table{{
        {"authd_logins_total", "Successful logins.", "", counter::logins},
        {"authd_login_failures_total", "Logins refused for a wrong email or password.", "",
         counter::login_failures},
        {"authd_rate_limited_total", "Requests refused with 429 by the login limits.", "",
         counter::rate_limited},
        {"authd_logouts_total",
         "Successful logouts by kind: this session, all devices, other devices, one named session.",
         R"(kind="current")", counter::logouts_current},
        {"authd_logouts_total", "", R"(kind="all_devices")", counter::logouts_all_devices},
        {"authd_logouts_total", "", R"(kind="other_devices")", counter::logouts_other_devices},
        {"authd_logouts_total", "", R"(kind="one_session")", counter::logouts_one_session},
        {"authd_audit_write_failures_total",
         "Audit rows that could not be written while the action itself succeeded.", "",
         counter::audit_write_failures},
        {"authd_password_hash_rejected_total",
         "Password hashes refused with 503 because the hashing queue was full.", "",
         counter::hash_rejected_busy},
    }};
    for (const series& s : table) {
        if (!s.help.empty()) {
            render_family_header(out, s.name, "counter", s.help);
        }
        render_sample(out, s.name, s.labels, value(s.source));
    }
}

}  // namespace authd::metrics
