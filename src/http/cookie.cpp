#include "http/cookie.hpp"

#include <algorithm>

namespace authd::http {
namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

std::string common_attributes(const cookie_attributes& a)
{
    std::string out = "; Path=" + a.path;
    if (a.domain) {
        out += "; Domain=" + *a.domain;
    }
    return out;
}

std::string flags(const cookie_attributes& a)
{
    std::string out;
    if (a.http_only) {
        out += "; HttpOnly";
    }
    if (a.secure) {
        out += "; Secure";
    }
    out += "; SameSite=" + a.same_site;
    return out;
}

// The value of the next `name=value` pair of our name in `header` (consumed up to it), or nullopt
// when there is none. Malformed pairs are skipped; quotes around a value are removed.
std::optional<std::string_view> next_value(std::string_view& header, std::string_view name)
{
    while (!header.empty()) {
        const auto end = header.find(';');
        const std::string_view pair = trim(header.substr(0, end));
        header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != name) {
            continue;
        }
        std::string_view value = trim(pair.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        return value;
    }
    return std::nullopt;
}

}  // namespace

std::vector<std::string_view> cookie_values(std::string_view header, std::string_view name)
{
    std::vector<std::string_view> out;
    while (const auto value = next_value(header, name)) {
        out.push_back(*value);
    }
    return out;
}

std::optional<std::string_view> first_cookie_value(std::string_view header, std::string_view name)
{
    return next_value(header, name);
}

bool has_several_cookie_values(std::string_view header, std::string_view name)
{
    return next_value(header, name) && next_value(header, name);
}

std::string render_set_cookie(const cookie_attributes& attributes, std::string_view value,
                              std::optional<std::chrono::seconds> max_age)
{
    std::string out = attributes.name;
    out += '=';
    out += value;
    out += common_attributes(attributes);
    if (max_age) {
        out += "; Max-Age=" + std::to_string(max_age->count());
    }
    out += flags(attributes);
    return out;
}

std::string render_expired_cookie(const cookie_attributes& attributes)
{
    return attributes.name + "=" + common_attributes(attributes) +
           "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT" + flags(attributes);
}

bool is_valid_cookie_name(std::string_view name)
{
    static constexpr std::string_view separators = "()<>@,;:\\\"/[]?={} \t";
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f && separators.find(c) == std::string_view::npos;
    });
}

}  // namespace authd::http
