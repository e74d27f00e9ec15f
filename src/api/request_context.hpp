// Everything a handler may know about the request it serves.
#pragma once

#include "api/error_catalog.hpp"
#include "http/server.hpp"
#include "session/session_record.hpp"
#include "session/session_service.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authd::api {

// A session that a route ends in one checked step (route::ends_in_one_step): the dispatcher has
// not read it; the store runs `check` (expiry, CSRF) on the row it ends.
struct pending_session_end {
    session::token_hash hash;
    session::removal_check check;
};

struct request_context {
    const http::request& req;
    std::string_view path;
    std::vector<std::pair<std::string, std::string>> query;  // decoded
    std::vector<std::string> path_params;                    // the {placeholders} of the route, in order
    std::string_view client_address;                         // the client's IP (see dispatcher::client_of)
    language lang = language::en;
    std::string request_id;
    std::optional<std::string_view> session_cookie;  // the raw cookie value, if one was sent
    std::optional<session::session_record> session;  // set for routes that need a session
    std::optional<pending_session_end> session_end;  // instead of `session`, see pending_session_end
    std::string_view route = "unmatched";            // the matched route's pattern, for the access log
    std::size_t route_index = static_cast<std::size_t>(-1);  // its position in route_table(), for metrics

    // Who is asking, as sessions and audit rows record it. Built on demand: only the routes that
    // write them pay for cleaning the User-Agent text.
    session::client_info client() const;

    const std::string* query_param(std::string_view name) const
    {
        for (const auto& [k, v] : query) {
            if (k == name) {
                return &v;
            }
        }
        return nullptr;
    }
};

}  // namespace authd::api
