#include "observability/log.hpp"

#include "core/clock.hpp"
#include "core/json_text.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace authd::log {
namespace {

std::atomic<level> minimum_level{level::info};
std::mutex sink_mutex;
std::function<void(std::string_view)> custom_sink;  // guarded by sink_mutex

std::string_view name_of(level l)
{
    switch (l) {
        case level::debug: return "debug";
        case level::info: return "info";
        case level::warn: return "warn";
        case level::error: return "error";
    }
    return "info";
}

}  // namespace

std::optional<level> parse_level(std::string_view text)
{
    for (const level l : {level::debug, level::info, level::warn, level::error}) {
        if (text == name_of(l)) {
            return l;
        }
    }
    if (text == "warning") {
        return level::warn;
    }
    return std::nullopt;
}

void set_level(level minimum)
{
    minimum_level.store(minimum, std::memory_order_relaxed);
}

bool enabled(level l)
{
    return l >= minimum_level.load(std::memory_order_relaxed);
}

void write(level l, std::string_view message, std::initializer_list<field> fields)
{
    if (!enabled(l)) {
        return;
    }
    std::string line;
    line.reserve(256);
    line += "{\"ts\":\"";
    line += format_iso8601(system_clock{}.now());
    line += "\",\"level\":\"";
    line += name_of(l);
    line += "\",\"msg\":\"";
    append_json_escaped(line, message);
    line += '"';
    for (const auto& f : fields) {
        line += ",\"";
        append_json_escaped(line, f.key);
        line += "\":";
        if (const auto* s = std::get_if<std::string_view>(&f.value)) {
            line += '"';
            append_json_escaped(line, *s);
            line += '"';
        } else if (const auto* i = std::get_if<std::int64_t>(&f.value)) {
            line += std::to_string(*i);
        } else {
            line += std::get<bool>(f.value) ? "true" : "false";
        }
    }
    line += '}';

    std::lock_guard lock(sink_mutex);
    if (custom_sink) {
        custom_sink(line);
        return;
    }
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
}

void set_sink(std::function<void(std::string_view line)> sink)
{
    std::lock_guard lock(sink_mutex);
    custom_sink = std::move(sink);
}

}  // namespace authd::log
