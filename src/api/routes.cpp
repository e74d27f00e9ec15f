#include "api/routes.hpp"

#include <array>

namespace authd::api {

using boost::beast::http::verb;

namespace {

// A plain function per handler (not a member pointer invoked inside co_await: g++ 12 miscompiles that).
template <task<reply> (handlers::*Member)(request_context&)>
task<reply> call(handlers& h, request_context& ctx)
{
    return (h.*Member)(ctx);
}

}  // namespace

std::span<const route> route_table()
{
    // Every state-changing route that runs with a session is CSRF-checked (API.md, "CSRF").
    static const std::array routes{
        route{verb::post, "/auth/register", session_use::none, false, errc::internal_error,
              call<&handlers::register_user>},
        route{verb::post, "/auth/login", session_use::none, false, errc::internal_error,
              call<&handlers::log_in>},
        route{verb::post, "/auth/logout", session_use::ended, true, errc::logout_failed,
              call<&handlers::log_out>, &handlers::logs_out_one_session},
        route{verb::get, "/auth/me", session_use::checked, false, errc::internal_error, call<&handlers::me>},
        route{verb::get, "/auth/csrf", session_use::checked, false, errc::internal_error,
              call<&handlers::csrf>},
        route{verb::get, "/auth/sessions", session_use::checked, false, errc::internal_error,
              call<&handlers::list_sessions>},
        route{verb::delete_, "/auth/sessions", session_use::checked, true, errc::internal_error,
              call<&handlers::revoke_other_sessions>},
        route{verb::delete_, "/auth/sessions/{id}", session_use::checked, true, errc::internal_error,
              call<&handlers::revoke_session>},
        route{verb::post, "/auth/password", session_use::checked, true, errc::internal_error,
              call<&handlers::change_password>},
        route{verb::get, "/health", session_use::none, false, errc::internal_error, call<&handlers::health>},
        route{verb::get, "/ready", session_use::none, false, errc::internal_error, call<&handlers::ready>},
        route{verb::get, "/auth/verify", session_use::checked, false, errc::internal_error,
              call<&handlers::verify>},
        route{verb::get, "/metrics", session_use::none, false, errc::internal_error,
              call<&handlers::metrics>},
        route{verb::get, "/openapi.json", session_use::none, false, errc::internal_error,
              call<&handlers::static_file>},
        route{verb::get, "/docs", session_use::none, false, errc::internal_error,
              call<&handlers::static_file>},
        route{verb::get, "/docs/{file}", session_use::none, false, errc::internal_error,
              call<&handlers::static_file>},
        route{verb::get, "/ui", session_use::none, false, errc::internal_error,
              call<&handlers::redirect_to_ui>},
        route{verb::get, "/ui/", session_use::none, false, errc::internal_error,
              call<&handlers::static_file>},
        route{verb::get, "/ui/{file}", session_use::none, false, errc::internal_error,
              call<&handlers::static_file>},
    };
    return routes;
}

namespace {

// Matches `path` against `pattern` segment by segment, collecting {placeholder} values.
bool matches(std::string_view pattern, std::string_view path, std::vector<std::string>& params)
{
    params.clear();
    while (!pattern.empty() && !path.empty()) {
        const auto p_end = pattern.find('/', 1);
        const auto s_end = path.find('/', 1);
        const std::string_view p_seg = pattern.substr(0, p_end);
        const std::string_view s_seg = path.substr(0, s_end);
        if (p_seg.size() > 2 && p_seg[1] == '{') {
            if (s_seg.size() < 2) {
                return false;  // "/" alone: an empty segment
            }
            params.emplace_back(s_seg.substr(1));
        } else if (p_seg != s_seg) {
            return false;
        }
        pattern = p_end == std::string_view::npos ? std::string_view{} : pattern.substr(p_end);
        path = s_end == std::string_view::npos ? std::string_view{} : path.substr(s_end);
    }
    return pattern.empty() && path.empty();
}

}  // namespace

route_match match_route(std::string_view path, verb method)
{
    route_match out;
    std::vector<std::string> params;
    for (const route& r : route_table()) {
        if (!matches(r.pattern, path, params)) {
            continue;
        }
        // HEAD is GET without the body (the server leaves it out): every GET route answers it.
        if (r.method == method || (method == verb::head && r.method == verb::get)) {
            out.matched = &r;
            out.params = std::move(params);
            return out;
        }
        if (!out.allow.empty()) {
            out.allow += ", ";
        }
        out.allow += std::string(boost::beast::http::to_string(r.method));
        if (r.method == verb::get) {
            out.allow += ", HEAD";
        }
    }
    return out;
}

}  // namespace authd::api
