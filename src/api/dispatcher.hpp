// The request pipeline between the transport and the handlers, in one fixed order:
// request id -> route (404/405) -> authenticate (401) -> CSRF guard (403) -> handler ->
// common headers -> access log line. Also the one try/catch that turns a bug into a fixed 500.
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
