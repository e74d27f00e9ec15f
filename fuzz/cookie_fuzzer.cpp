// The Cookie header parser (src/http/cookie.cpp) and the session cookie policy on top of it
// (src/api/session_cookie.cpp). Input: "<cookie name>\0<Cookie header>"; without a NUL byte the
// whole input is the header and the name is "session". An invalid name falls back to "session".
// Invariants: every value found is a piece of the header without ';' and without surrounding
// blanks (unless it was quoted); first_cookie_value and session_cookie::read agree with the first
// of cookie_values; a well-formed "name=value" pair placed in front of the fuzzed header is found
// first and verbatim; Set-Cookie renders carry the name, value and flags.
#include "api/session_cookie.hpp"
#include "common.hpp"
#include "http/cookie.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using authd::fuzz::check;
using authd::fuzz::take_until;

bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

bool within(std::string_view part, std::string_view whole)
{
    return part.empty() ||
           (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

// RFC 6265 cookie-octet: what a server may put in a cookie value unquoted.
bool is_cookie_octet(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u == 0x21 || (u >= 0x23 && u <= 0x2b) || (u >= 0x2d && u <= 0x3a) || (u >= 0x3c && u <= 0x5b) ||
           (u >= 0x5d && u <= 0x7e);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace authd;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string name = "session";
    if (input.find('\0') != std::string_view::npos) {
        const std::string_view candidate = take_until(input, '\0');
        if (http::is_valid_cookie_name(candidate)) {
            name = std::string(candidate);
        }
    }
    const std::string_view header = input;

    if (http::is_valid_cookie_name(header)) {
        for (const char c : header) {
            check(static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f && c != ';' &&
                      c != '=' && c != ',',
                  "is_valid_cookie_name accepted a separator or control character", header);
        }
    }

    const auto values = http::cookie_values(header, name);
    for (const auto value : values) {
        check(within(value, header), "a cookie value outside the header", value);
        check(value.find(';') == std::string_view::npos, "a cookie value with ';'", value);
        const bool was_quoted = value.data() > header.data() && value.data()[-1] == '"';
        if (!was_quoted && !value.empty()) {
            check(!is_blank(value.front()) && !is_blank(value.back()), "a cookie value with blanks around it",
                  value);
        }
    }
    const auto first = http::first_cookie_value(header, name);
    check(first.has_value() == !values.empty(), "first_cookie_value disagrees with cookie_values");
    if (first) {
        check(first->data() == values.front().data() && first->size() == values.front().size(),
              "first_cookie_value is not the first of cookie_values");
    }
    const api::session_cookie cookie(http::cookie_attributes{.name = name,
                                                             .domain = std::string("example.com"),
                                                             .path = "/",
                                                             .secure = true,
                                                             .http_only = true,
                                                             .same_site = "Lax"});
    const auto read = cookie.read(header);
    check(read == first, "session_cookie::read disagrees with first_cookie_value");

    // Our own pair in front: found first, verbatim, whatever follows.
    std::string value;
    for (const char c : header.substr(0, 64)) {
        if (is_cookie_octet(c)) {
            value += c;
        }
    }
    const std::string prefixed = name + "=" + value + ";" + std::string(header);
    const auto found = http::first_cookie_value(prefixed, name);
    check(found.has_value() && *found == value, "a well-formed pair in front of the header was not found",
          prefixed);
    // Another cookie's pair in front changes nothing.
    const std::string other = "x" + name + "=1; " + std::string(header);
    check(http::cookie_values(other, name).size() == values.size(),
          "another cookie's pair was taken for ours", other);

    const std::string set = cookie.set(value, std::chrono::seconds{60});
    check(set.starts_with(name + "=" + value + "; Path=/; Domain=example.com; Max-Age=60"), "Set-Cookie",
          set);
    check(set.ends_with("; HttpOnly; Secure; SameSite=Lax"), "Set-Cookie flags", set);
    const std::string expired = cookie.expire();
    check(expired.starts_with(name + "=; Path=/; Domain=example.com; Max-Age=0; Expires="), "expired cookie",
          expired);
    // A value rendered into Set-Cookie and read back from a Cookie header is the same value.
    const std::string_view sent = std::string_view(set).substr(0, set.find(';'));
    const auto round_trip = http::first_cookie_value(sent, name);
    check(round_trip.has_value() && *round_trip == value, "Set-Cookie value does not read back", set);
    return 0;
}
