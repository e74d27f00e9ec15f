// The session cookie as configured: how it is set at login and expired at logout or on 401,
// always with the same name, Path, Domain and flags.
#pragma once

#include "http/cookie.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authd::api {

class session_cookie {
public:
    explicit session_cookie(http::cookie_attributes attributes) : attributes_(std::move(attributes)) {}

    const std::string& name() const { return attributes_.name; }
    // The first value of our cookie in a Cookie header, if the client sent one.
    std::optional<std::string_view> read(std::string_view cookie_header) const;
    // Every value of our cookie in a Cookie header, in order. A browser sends two when it holds a
    // host-only cookie and a Domain cookie of the same name (after --cookie-domain changed).
    std::vector<std::string_view> read_all(std::string_view cookie_header) const;
    // Whether the header has more than one value of our cookie (without allocating).
    bool sent_several(std::string_view cookie_header) const;
    std::string set(std::string_view token, std::optional<std::chrono::seconds> max_age) const;
    std::string expire() const;

private:
    http::cookie_attributes attributes_;
};

}  // namespace authd::api
