// The one place that reads Cookie headers and writes Set-Cookie headers.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authd::http {

// The values of every cookie called `name` in a Cookie header, in order ("a=1; b=2").
// Malformed pairs are skipped; quotes around a value are removed.
std::vector<std::string_view> cookie_values(std::string_view cookie_header, std::string_view name);
// The first of them, without allocating (the session check runs this on every request).
std::optional<std::string_view> first_cookie_value(std::string_view cookie_header, std::string_view name);
// Whether there are two or more of them, without allocating (asked on every logout).
bool has_several_cookie_values(std::string_view cookie_header, std::string_view name);

struct cookie_attributes {
    std::string name;
    std::optional<std::string> domain;  // unset: a host-only cookie
    std::string path = "/";
    bool secure = true;
    bool http_only = true;
    std::string same_site = "Lax";
};

// "name=value; Path=/; [Domain=..; ][Max-Age=N; ]HttpOnly; Secure; SameSite=Lax".
// Without max_age the cookie lives for the browser session.
std::string render_set_cookie(const cookie_attributes& attributes, std::string_view value,
                              std::optional<std::chrono::seconds> max_age);

// The Set-Cookie that deletes the cookie: same name, Path, Domain and flags, empty value,
// Max-Age=0 and an Expires in the past.
std::string render_expired_cookie(const cookie_attributes& attributes);

// Whether the name is a valid cookie name (an RFC 7230 token).
bool is_valid_cookie_name(std::string_view name);

}  // namespace authd::http
