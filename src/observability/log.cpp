#include "observability/log.hpp"

#include "core/clock.hpp"
#include "core/json_text.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>

namespace authd::log {
namespace {

std::atomic<level> minimum_level{level::info};
std::atomic<format> line_format{format::json};
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

void append_field_value(std::string& line, const field& f, format how)
{
    if (const auto* s = std::get_if<std::string_view>(&f.value)) {
        // Text values are quoted (and escaped like JSON) in both formats when they need it.
        const bool bare =
            how == format::text && !s->empty() && s->find_first_of(" \"=\\") == std::string_view::npos &&
            std::all_of(s->begin(), s->end(), [](char c) { return static_cast<unsigned char>(c) > 0x20; });
        if (bare) {
            line += *s;
        } else {
            line += '"';
            append_json_escaped(line, *s);
            line += '"';
        }
    } else if (const auto* i = std::get_if<std::int64_t>(&f.value)) {
        line += std::to_string(*i);
    } else {
        line += std::get<bool>(f.value) ? "true" : "false";
    }
}

std::string json_line(level l, std::string_view message, std::initializer_list<field> fields)
{
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
        append_field_value(line, f, format::json);
    }
    line += '}';
    return line;
}

std::string text_line(level l, std::string_view message, std::initializer_list<field> fields)
{
    std::string line;
    line.reserve(256);
    line += format_iso8601(system_clock{}.now());
    line += ' ';
    for (const char c : name_of(l)) {
        line += static_cast<char>(c - 'a' + 'A');
    }
    line += ' ';
    append_json_escaped(line, message);
    for (const auto& f : fields) {
        line += ' ';
        line += f.key;
        line += '=';
        append_field_value(line, f, format::text);
    }
    return line;
}

}  // namespace

std::optional<format> parse_format(std::string_view text)
{
    if (text == "json") {
        return format::json;
    }
    if (text == "text") {
        return format::text;
    }
    return std::nullopt;
}

void set_format(format f)
{
    line_format.store(f, std::memory_order_relaxed);
}

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
    std::string line = line_format.load(std::memory_order_relaxed) == format::json
                           ? json_line(l, message, fields)
                           : text_line(l, message, fields);

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
