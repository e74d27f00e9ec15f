// The service log: one JSON object per line on stderr. Callers pass only non-secret fields;
// nothing here can know a token, a password or a CSRF token.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace authd::log {

enum class level { debug, info, warn, error };

std::optional<level> parse_level(std::string_view text);
void set_level(level minimum);
bool enabled(level l);

// json: one JSON object per line, for log collectors (the default). text: logfmt-style
// "TIME LEVEL message key=value ..." for people reading a terminal.
enum class format { json, text };
std::optional<format> parse_format(std::string_view text);
void set_format(format f);

struct field {
    std::string_view key;
    std::variant<std::string_view, std::int64_t, bool> value;

    field(std::string_view k, std::string_view v) : key(k), value(v) {}
    field(std::string_view k, const std::string& v) : key(k), value(std::string_view{v}) {}
    field(std::string_view k, const char* v) : key(k), value(std::string_view{v}) {}
    field(std::string_view k, std::int64_t v) : key(k), value(v) {}
    field(std::string_view k, int v) : key(k), value(std::int64_t{v}) {}
    field(std::string_view k, unsigned v) : key(k), value(std::int64_t{v}) {}
    field(std::string_view k, std::size_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
    field(std::string_view k, bool v) : key(k), value(v) {}
};

void write(level l, std::string_view message, std::initializer_list<field> fields = {});

inline void debug(std::string_view m, std::initializer_list<field> f = {})
{
    write(level::debug, m, f);
}
inline void info(std::string_view m, std::initializer_list<field> f = {})
{
    write(level::info, m, f);
}
inline void warn(std::string_view m, std::initializer_list<field> f = {})
{
    write(level::warn, m, f);
}
inline void error(std::string_view m, std::initializer_list<field> f = {})
{
    write(level::error, m, f);
}

// Redirects finished lines (without the newline) away from stderr; an empty function restores
// stderr. For tests that assert what was logged.
void set_sink(std::function<void(std::string_view line)> sink);

}  // namespace authd::log
