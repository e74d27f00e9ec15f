#include "auth/validation.hpp"

#include <locale.h>
#include <wctype.h>

#include <algorithm>

namespace authd::auth {
namespace {

constexpr std::size_t min_password_chars = 8;
constexpr std::size_t max_password_chars = 1024;
constexpr std::size_t max_email_length = 254;  // RFC 5321 path limit
constexpr std::size_t max_local_part_length = 64;

// One code point of valid UTF-8 (the JSON decoder has already rejected anything else), and its
// length in bytes.
struct code_point {
    char32_t value;
    std::size_t length;
};

code_point decode_at(std::string_view s, std::size_t i)
{
    const auto byte = [&](std::size_t k) {
        return static_cast<char32_t>(static_cast<unsigned char>(s[i + k]));
    };
    const char32_t lead = byte(0);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    if (i + length > s.size()) {
        return {lead, 1};  // cannot happen on decoded JSON; never read past the end anyway
    }
    switch (length) {
        case 1: return {lead, 1};
        case 2: return {((lead & 0x1f) << 6) | (byte(1) & 0x3f), 2};
        case 3: return {((lead & 0x0f) << 12) | ((byte(1) & 0x3f) << 6) | (byte(2) & 0x3f), 3};
        default:
            return {
                ((lead & 0x07) << 18) | ((byte(1) & 0x3f) << 12) | ((byte(2) & 0x3f) << 6) | (byte(3) & 0x3f),
                4};
    }
}

void encode(char32_t c, std::string& out)
{
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xc0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xe0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    }
}

// Whitespace as Python's str.isspace() has it (the plan's normalization is str.strip()): ASCII's,
// the C1 "next line", and Unicode's space separators and line and paragraph separators, no-break
// spaces included. glibc's iswspace leaves the no-break ones out, so the list is spelled here.
bool is_space(char32_t c)
{
    return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
           c == 0x3000;
}

// The string without the whitespace at either end.
std::string_view trim(std::string_view s)
{
    std::size_t begin = 0;
    while (begin < s.size()) {
        const auto cp = decode_at(s, begin);
        if (!is_space(cp.value)) {
            break;
        }
        begin += cp.length;
    }
    std::size_t end = begin;
    for (std::size_t i = begin; i < s.size();) {
        const auto cp = decode_at(s, i);
        i += cp.length;
        if (!is_space(cp.value)) {
            end = i;
        }
    }
    return s.substr(begin, end - begin);
}

// Characters an address may not contain anywhere: controls (C0, DEL, C1), whitespace of any kind,
// and the specials that delimit addresses in headers.
bool forbidden_in_email(char32_t c)
{
    return c <= 0x20 || (c >= 0x7f && c <= 0x9f) || is_space(c) || c == '<' || c == '>' || c == '(' ||
           c == ')' || c == ',' || c == ';' || c == ':' || c == '\\' || c == '"' || c == '[' || c == ']';
}

// Unicode's simple lower-case mapping, from glibc's C.UTF-8 locale (built into glibc since 2.35).
char32_t to_lower(char32_t c)
{
    if (c < 0x80) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
    static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
    return utf8 == locale_t{} ? c : static_cast<char32_t>(towlower_l(static_cast<wint_t>(c), utf8));
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
    const std::string_view trimmed = trim(email);
    std::string out;
    out.reserve(trimmed.size());
    for (std::size_t i = 0; i < trimmed.size();) {
        const auto cp = decode_at(trimmed, i);
        encode(to_lower(cp.value), out);
        i += cp.length;
    }
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
    // No domain label starts or ends with a hyphen (RFC 1035): "a@-example.com" is no address.
    if (local.size() > max_local_part_length || domain.size() < 3 ||
        domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
        domain.find("..") != std::string_view::npos || domain.front() == '-' || domain.back() == '-' ||
        domain.find(".-") != std::string_view::npos || domain.find("-.") != std::string_view::npos ||
        local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
        return "must be a valid email address";
    }
    for (std::size_t i = 0; i < e.size();) {
        const auto cp = decode_at(e, i);
        if (forbidden_in_email(cp.value)) {
            return "must be a valid email address";
        }
        i += cp.length;
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
    if (trim(password).empty()) {
        return "must not be only whitespace";
    }
    return std::nullopt;
}

}  // namespace authd::auth
