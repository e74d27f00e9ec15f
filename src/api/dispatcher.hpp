// The request pipeline between the transport and the handlers, in one fixed order:
// request id -> route (404/405) -> authenticate (401) -> CSRF guard (403) -> handler ->
// common headers -> access log line. Also the one try/catch that turns a bug into a fixed 500.
// A route that ends its session in one step (route::ends_in_one_step) gets the authentication
// and CSRF checks as a removal_check that the store runs, in the same order, on the row it ends.
#pragma once

#include "api/handlers.hpp"
#include "api/session_cookie.hpp"
#include "auth/csrf.hpp"
#include "http/server.hpp"
#include "session/session_service.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace authd::api {

class dispatcher final : public http::request_handler {
public:
    // Every dependency is owned by the application and outlives the dispatcher.
    // `trusted_proxies`: peer addresses whose X-Forwarded-For names the client (its last entry).
    dispatcher(handlers& handlers, session::session_service& sessions, const session_cookie& cookie,
               auth::origin_policy origins, std::vector<std::string> trusted_proxies = {});

    task<http::response> handle(http::request req, std::string client_address) override;
    http::response reject(http::rejection why, const http::request* header,
                          const std::string& client_address) override;

private:
    task<reply> run_pipeline(request_context& ctx);
    // 401 for a request whose session cookie names no live session; it also expires the cookie.
    reply not_authenticated(const request_context& ctx) const;
    // The Origin (or Referer) check of the CSRF rules.
    bool origin_allowed(const http::request& req) const;
    // The synchronizer-token check, with the Origin check's outcome; a failure is logged.
    static bool csrf_passes(const session::session_record& session, std::string_view token, bool origin_ok,
                            std::string_view request_id);
    // The checks for a session ended in one step (route::ends_in_one_step), run by the store.
    session::removal_check end_check(const request_context& ctx, bool needs_csrf) const;
    std::string next_request_id();
    // The client's address: the TCP peer, or what a trusted proxy says it saw.
    std::string client_of(const http::request& req, std::string peer) const;
    http::response finish(reply r, unsigned version, const std::string& request_id) const;

    handlers& handlers_;
    session::session_service& sessions_;
    const session_cookie& cookie_;
    auth::origin_policy origins_;
    std::vector<std::string> trusted_proxies_;
    std::string id_prefix_;  // random per process, so ids from several instances do not collide
    std::atomic<std::uint64_t> counter_{0};
};

}  // namespace authd::api
