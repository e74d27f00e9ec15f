// The few calls every integration test makes: register, log in, send the session back, read
// Set-Cookie. They throw std::runtime_error (with the response) when the service says no.
#pragma once

#include "http_client.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authd::test {

inline constexpr std::string_view default_password = "correct horse battery staple";

// A fresh address per call: tests never depend on each other's accounts.
std::string unique_email(std::string_view tag = "user");

struct set_cookie {
    std::string name;
    std::string value;
    std::vector<std::pair<std::string, std::string>> attributes;  // in order; flags have ""

    bool has(std::string_view attribute) const;                        // case-insensitive name
    std::optional<std::string> get(std::string_view attribute) const;  // its value
    // "Name" or "Name=value" per attribute, sorted: compares attribute sets regardless of order.
    std::vector<std::string> normalized_attributes() const;
};

set_cookie parse_set_cookie(std::string_view header);
// Every Set-Cookie of the response for the cookie called `name`.
std::vector<set_cookie> set_cookies_named(const http_response& res, std::string_view name);
// Attribute list "a; b; c" → sorted normalized list (see set_cookie::normalized_attributes).
std::vector<std::string> normalized(std::vector<std::string> attributes);

struct session_handle {
    std::string token;  // the session cookie's value
    std::string csrf;   // the csrf_token of the login answer
    std::string user_id;
    std::string email;
    std::string password;
    std::string cookie_name = "session";

    std::string cookie() const { return cookie_name + "=" + token; }
    // Cookie (and X-CSRF-Token when with_csrf) headers for a request on this session.
    header_list headers(bool with_csrf = true) const;
};

// A handle for a cookie value the test got some other way (e.g. the rotated cookie of a password change).
session_handle session_for(std::string token, std::string csrf = {}, std::string cookie_name = "session");

http_response register_user(const http_client& client, const std::string& email,
                            std::string_view password = default_password);
http_response log_in(const http_client& client, const std::string& email,
                     std::string_view password = default_password, bool remember_me = false,
                     header_list headers = {});
// A 200 login, as a handle (throws otherwise).
session_handle log_in_ok(const http_client& client, const std::string& email,
                         std::string_view password = default_password, bool remember_me = false,
                         std::string_view cookie_name = "session");
// Registers a fresh account and logs it in.
session_handle new_session(const http_client& client, std::string_view cookie_name = "session");

// Shorthands for requests on a session.
http_response me(const http_client& client, const session_handle& s);
http_response log_out(const http_client& client, const session_handle& s, std::string_view query = "");

// Whether the text contains `needle` (never true for an empty needle).
bool contains(std::string_view text, std::string_view needle);

}  // namespace authd::test
