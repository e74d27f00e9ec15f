#include "app/app.hpp"

#include "api/dispatcher.hpp"
#include "api/handlers.hpp"
#include "api/session_cookie.hpp"
#include "auth/auth_service.hpp"
#include "auth/cached_user_store.hpp"
#include "auth/login_limiter.hpp"
#include "auth/password_hasher.hpp"
#include "core/crypto.hpp"
#include "http/server.hpp"
#include "observability/log.hpp"
#include "session/cached_store.hpp"
#include "session/session_service.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/shared_epoch.hpp"
#include "storage/sqlite/stores.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>
#include <vector>

namespace authd::app {
namespace {

unsigned cores()
{
    return std::max(1U, std::thread::hardware_concurrency());
}

// Many keep-alive clients need many descriptors: use the hard limit the system grants.
void raise_descriptor_limit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

std::string endpoint_text(const net::ip::tcp::endpoint& e)
{
    std::string out;
    if (e.address().is_v6()) {
        out += '[';
        out += e.address().to_string();
        out += ']';
    } else {
        out += e.address().to_string();
    }
    out += ':';
    out += std::to_string(e.port());
    return out;
}

// Deletes expired (and lazily deleted, ended) sessions every `interval`, or sooner when the
// store says too much waits for it, until the timer is cancelled. In the seconds between, the rows
// of sessions just ended are deleted when there are few of them (session_store::delete_recently_ended).
task<void> purge_expired_sessions(session::session_service& sessions, net::steady_timer& timer,
                                  std::chrono::milliseconds interval)
{
    const std::chrono::milliseconds check = std::min(interval, std::chrono::milliseconds{1000});
    auto next = std::chrono::steady_clock::now() + interval;
    for (;;) {
        timer.expires_after(check);
        auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
        if (ec) {
            co_return;
        }
        if (std::chrono::steady_clock::now() < next) {
            if (sessions.store().purge_due()) {
                // Only the ended sessions: cheaper than the expiry scan, which keeps its interval.
                const auto purged = co_await sessions.purge_revoked();
                if (!purged) {
                    log::error("ended-session purge failed", {{"error", purged.error().message()}});
                }
            } else if (const auto deleted = co_await sessions.delete_recently_ended(); !deleted) {
                log::error("ended-session delete failed", {{"error", deleted.error().message()}});
            }
            continue;
        }
        next = std::chrono::steady_clock::now() + interval;
        const auto purged = co_await sessions.purge_expired();
        if (!purged) {
            log::error("session purge failed", {{"error", purged.error().message()}});
        } else if (*purged > 0) {
            log::info("expired sessions purged", {{"count", *purged}});
        }
    }
}

// After a stop signal: waits until every connection has closed, or the grace period is over.
task<void> drain(http::server& server, net::io_context& ioc, std::chrono::milliseconds grace)
{
    const auto deadline = std::chrono::steady_clock::now() + grace;
    net::steady_timer tick(co_await net::this_coro::executor);
    while (server.open_connections() > 0 && std::chrono::steady_clock::now() < deadline) {
        tick.expires_after(std::chrono::milliseconds{20});
        co_await tick.async_wait(net::as_tuple(net::use_awaitable));
    }
    if (server.open_connections() > 0) {
        log::warn("shutdown grace period over; closing remaining connections",
                  {{"connections", server.open_connections()}});
    }
    ioc.stop();
}

}  // namespace

int run(const config::settings& settings)
{
    log::set_level(settings.log_level);
    log::set_format(settings.log_format);
    std::signal(SIGPIPE, SIG_IGN);
    raise_descriptor_limit();
    if (!crypto::initialize()) {
        log::error("libsodium could not be initialized");
        return 1;
    }

    std::string error;
    auto db = storage::sqlite::database::open(settings.db, error);
    if (!db) {
        log::error("cannot open the database", {{"db", settings.db}, {"error", error}});
        std::cerr << "authd: cannot open database " << settings.db << ": " << error << "\n";
        return 1;
    }
    storage::sqlite::sqlite_session_store sqlite_sessions(*db);
    storage::sqlite::sqlite_user_store sqlite_users(*db);
    // Every authd process on this database shares the change epoch, so a logout on any of them
    // invalidates the caches of all (see session/cached_store.hpp).
    auto epoch = storage::sqlite::shared_epoch::open(settings.db, error);
    if (!epoch) {
        log::error("cannot map the shared change epoch", {{"error", error}});
        std::cerr << "authd: " << error << "\n";
        return 1;
    }
    session::cached_store session_store(sqlite_sessions, *epoch, settings.session_cache);
    auth::cached_user_store user_store(sqlite_users, *epoch, settings.session_cache);
    storage::sqlite::sqlite_audit_log audit_log(*db);

    system_clock clock;
    session::session_service sessions(session_store, clock,
                                      {.idle_timeout = settings.session_idle,
                                       .absolute_lifetime = settings.session_absolute,
                                       .remember_me_lifetime = settings.session_remember});
    auth::password_hasher hasher(
        settings.hash_threads != 0 ? settings.hash_threads : std::max(1U, cores() / 2), settings.hash_queue);
    auth::login_limiter limiter(clock, {.max_failures_per_account = settings.login_max_failures,
                                        .max_failures_per_address = settings.login_max_failures_per_address,
                                        .window = settings.login_failure_window});
    auth::auth_service auth(user_store, sessions, audit_log, hasher, limiter);

    const api::session_cookie cookie({.name = settings.cookie_name,
                                      .domain = settings.cookie_domain,
                                      .path = "/",
                                      .secure = !settings.insecure_cookies,
                                      .http_only = true,
                                      .same_site = "Lax"});
    api::handlers handlers(auth, sessions, cookie,
                           {.clear_site_data = settings.clear_site_data, .version = AUTHD_VERSION});
    api::dispatcher dispatcher(handlers, sessions, cookie, {.allowed = settings.allowed_origins},
                               settings.trusted_proxies);

    const unsigned io_threads = settings.threads != 0 ? settings.threads : cores();
    net::io_context ioc(static_cast<int>(io_threads));
    http::server server(ioc, dispatcher,
                        {.header_limit = settings.max_header,
                         .body_limit = settings.max_body,
                         .max_connections = settings.max_connections,
                         .request_timeout = settings.request_timeout,
                         .keepalive_timeout = settings.keepalive_timeout,
                         .write_timeout = settings.request_timeout},
                        io_threads);
    net::ip::tcp::endpoint bound;
    try {
        bound = server.listen(settings.listen);
    } catch (const std::exception& e) {
        log::error("cannot listen", {{"error", e.what()}});
        std::cerr << "authd: " << e.what() << "\n";
        return 1;
    }
    server.start();

    net::steady_timer purge_timer(ioc);
    net::co_spawn(ioc, purge_expired_sessions(sessions, purge_timer, settings.purge_interval), net::detached);

    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) {
            return;
        }
        log::info("shutting down", {{"signal", signal}});
        server.stop();
        purge_timer.cancel();
        net::co_spawn(ioc, drain(server, ioc, settings.shutdown_grace), net::detached);
    });

    const std::string address = endpoint_text(bound);
    log::info("listening on " + address, {{"db", settings.db}, {"threads", io_threads}});
    std::cout << "listening on " << address << std::endl;

    std::vector<std::thread> workers;
    for (unsigned i = 1; i < io_threads; ++i) {
        workers.emplace_back([&ioc] { ioc.run(); });
    }
    ioc.run();
    for (auto& w : workers) {
        w.join();
    }
    hasher.stop();
    db->stop();
    log::info("stopped");
    return 0;
}

}  // namespace authd::app
