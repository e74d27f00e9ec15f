// One function per endpoint: decode the request, call one domain function, render the contract's
// JSON. Authentication and CSRF have already run when a handler is called (see routes.cpp), except
// for a session ended in one step: request_context::session_end carries them to the store.
#pragma once

#include "api/reply.hpp"
#include "api/request_context.hpp"
#include "api/session_cookie.hpp"
#include "auth/auth_service.hpp"
#include "core/async.hpp"
#include "session/session_service.hpp"

namespace authd::api {

struct handler_options {
    bool clear_site_data = false;
    std::string_view version = "unknown";  // for the build-info metric
};

class handlers {
public:
    // Every dependency is owned by the application and outlives the handlers.
    handlers(auth::auth_service& auth, session::session_service& sessions, const session_cookie& cookie,
             handler_options options);

    task<reply> register_user(request_context& ctx);
    task<reply> log_in(request_context& ctx);
    task<reply> log_out(request_context& ctx);
    // Whether a logout ends only the caller's session, so that its session can be read and
    // checked where it is ended (route::ends_in_one_step).
    static bool logs_out_one_session(const request_context& ctx);
    task<reply> me(request_context& ctx);
    task<reply> csrf(request_context& ctx);
    task<reply> list_sessions(request_context& ctx);
    task<reply> revoke_session(request_context& ctx);
    task<reply> revoke_other_sessions(request_context& ctx);
    task<reply> change_password(request_context& ctx);
    task<reply> health(request_context& ctx);
    task<reply> ready(request_context& ctx);
    // Forward auth (nginx auth_request, Traefik forwardAuth, Caddy forward_auth): the user in headers.
    task<reply> verify(request_context& ctx);
    // Prometheus text format (api/operations_handlers.cpp).
    task<reply> metrics(request_context& ctx);
    // A file compiled into the binary (web UI, Swagger UI, the OpenAPI document), by path.
    task<reply> static_file(request_context& ctx);
    // GET /ui: the UI lives under /ui/ so that its relative links work.
    task<reply> redirect_to_ui(request_context& ctx);

private:
    // Set-Cookie for a freshly started session ("remember me" sessions get a Max-Age).
    std::string set_cookie_for(const session::started_session& started) const;

    auth::auth_service& auth_;
    session::session_service& sessions_;
    const session_cookie& cookie_;
    handler_options options_;
};

}  // namespace authd::api
