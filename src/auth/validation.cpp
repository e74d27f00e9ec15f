#include "auth/validation.hpp"

#include <algorithm>
#include <cctype>

namespace authd::auth {
namespace {

constexpr std::size_t min_password_chars = 8;
constexpr std::size_t max_password_chars = 1024;
constexpr std::size_t max_email_length = 254;  // RFC 5321 path limit
constexpr std::size_t max_local_part_length = 64;

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Characters, not bytes (the JSON decoder has already rejected invalid UTF-8).
std::size_t utf8_length(std::string_view s)
{
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

}  // namespace

std::string normalize_email(std::string_view email)
{
    while (!email.empty() && is_space(email.front())) {
        email.remove_prefix(1);
    }
    while (!email.empty() && is_space(email.back())) {
        email.remove_suffix(1);
    }
    std::string out(email);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::optional<std::string_view> email_problem(std::string_view e)
{
    if (e.empty() || e.size() > max_email_length) {
        return "must be a valid email address";
    }
    const auto at = e.find('@');
    if (at == std::string_view::npos || at == 0 || e.find('@', at + 1) != std::string_view::npos) {
        return "must be a valid email address";
    }
    const std::string_view local = e.substr(0, at);
    const std::string_view domain = e.substr(at + 1);
    if (local.size() > max_local_part_length || domain.size() < 3 ||
        domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
        domain.find("..") != std::string_view::npos || local.front() == '.' || local.back() == '.' ||
        local.find("..") != std::string_view::npos) {
        return "must be a valid email address";
    }
    const bool bad_char = std::any_of(e.begin(), e.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
               c == ';' || c == ':' || c == '\\' || c == '"' || c == '[' || c == ']';
    });
    if (bad_char) {
        return "must be a valid email address";
    }
    return std::nullopt;
}

std::optional<std::string_view> password_problem(std::string_view password)
{
    const std::size_t length = utf8_length(password);
    if (length < min_password_chars) {
        return "must be at least 8 characters";
    }
    if (length > max_password_chars) {
        return "must be at most 1024 characters";
    }
    if (std::all_of(password.begin(), password.end(), is_space)) {
        return "must not be only whitespace";
    }
    return std::nullopt;
}

}  // namespace authd::auth
