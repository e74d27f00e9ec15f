// The route table: every endpoint with what it requires (a session, CSRF), matched path-then-verb.
#pragma once

#include "api/handlers.hpp"

#include <boost/beast/http/verb.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace authd::api {

// What a route does with the caller's session.
enum class session_use {
    none,     // it needs none
    checked,  // 401 before the handler when it is missing or ended; the request counts as activity
    ended,    // as checked, but the route ends it: no activity is recorded (no last_seen_at write)
};

struct route {
    boost::beast::http::verb method;
    std::string_view pattern;  // "/auth/sessions/{id}": {name} matches one non-empty segment
    session_use session;
    bool needs_csrf;        // 403 before the handler unless the CSRF token and Origin pass
    errc on_store_failure;  // the answer when the store fails while authenticating
    task<reply> (*handle)(handlers&, request_context&);
    // For a route that ends its session: whether this request ends it in one checked step. Then
    // the dispatcher does not read the session (nor 401/403 itself): it hands the handler the
    // cookie's hash and the checks, and the store runs them on the row where it ends it, so a
    // logout reads its session once (request_context::session_end).
    bool (*ends_in_one_step)(const request_context&) = nullptr;
};

std::span<const route> route_table();

struct route_match {
    const route* matched = nullptr;  // null: see allow
    std::vector<std::string> params;
    std::string allow;  // when the path exists but not for this method: its methods ("GET, POST")
};

route_match match_route(std::string_view path, boost::beast::http::verb method);

}  // namespace authd::api
