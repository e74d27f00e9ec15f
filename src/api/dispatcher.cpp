#include "api/dispatcher.hpp"

#include "api/request_metrics.hpp"
#include "api/routes.hpp"
#include "core/crypto.hpp"
#include "observability/log.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>

namespace authd::api {

namespace bhttp = boost::beast::http;

namespace {

// How many cookies of our name a request may have checked: a browser holds two at most (a
// host-only and a Domain one); more is someone probing, who gets no more session reads for it.
constexpr std::size_t max_session_cookies = 3;

log::level level_for(bhttp::status status)
{
    const unsigned code = static_cast<unsigned>(status);
    return code >= 500 ? log::level::error : log::level::info;
}

}  // namespace

dispatcher::dispatcher(handlers& handlers, session::session_service& sessions, const session_cookie& cookie,
                       auth::origin_policy origins, std::vector<std::string> trusted_proxies)
    : handlers_(handlers),
      sessions_(sessions),
      cookie_(cookie),
      origins_(std::move(origins)),
      trusted_proxies_(std::move(trusted_proxies))
{
    std::array<std::uint8_t, 4> prefix{};
    crypto::random_bytes(prefix);
    id_prefix_ = crypto::hex_encode(prefix);
}

std::string dispatcher::next_request_id()
{
    return id_prefix_ + "-" + std::to_string(counter_.fetch_add(1, std::memory_order_relaxed) + 1);
}

std::string dispatcher::client_of(const http::request& req, std::string peer) const
{
    if (trusted_proxies_.empty() ||
        std::find(trusted_proxies_.begin(), trusted_proxies_.end(), peer) == trusted_proxies_.end()) {
        return peer;  // a header from anyone else is the client's own claim, worth nothing
    }
    // The last entry is the one the trusted proxy appended: the address it saw. Earlier entries
    // came from the client and could be forged.
    std::string_view forwarded = req["X-Forwarded-For"];
    if (const auto comma = forwarded.rfind(','); comma != std::string_view::npos) {
        forwarded.remove_prefix(comma + 1);
    }
    while (!forwarded.empty() && (forwarded.front() == ' ' || forwarded.front() == '\t')) {
        forwarded.remove_prefix(1);
    }
    while (!forwarded.empty() && (forwarded.back() == ' ' || forwarded.back() == '\t')) {
        forwarded.remove_suffix(1);
    }
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(std::string(forwarded), ec);
    return ec ? peer : address.to_string();
}

http::response dispatcher::finish(reply r, unsigned version, const std::string& request_id) const
{
    http::response res{r.status, version};
    if (!r.body.empty()) {
        res.insert(bhttp::field::content_type, r.content_type.empty()
                                                   ? std::string_view("application/json; charset=utf-8")
                                                   : r.content_type);
        res.body() = std::move(r.body);
    }
    // Answers about sessions must never be cached by a browser or a proxy. (insert, not set: the
    // response is new, so none of these is there yet.)
    res.insert(bhttp::field::cache_control, "no-store");
    res.insert("X-Content-Type-Options", "nosniff");
    res.insert("Referrer-Policy", "no-referrer");
    res.insert("X-Frame-Options", "DENY");
    res.insert("X-Request-Id", request_id);
    for (auto& cookie : r.set_cookies) {
        res.insert(bhttp::field::set_cookie, cookie);
    }
    for (auto& [name, value] : r.headers) {
        res.set(name, value);  // a route's own header replaces a default (Cache-Control of an asset)
    }
    return res;
}

reply dispatcher::not_authenticated(const request_context& ctx) const
{
    reply denied = error_reply(errc::not_authenticated, ctx.lang);
    denied.set_cookies.push_back(cookie_.expire());  // a dead cookie is removed from the browser
    return denied;
}

bool dispatcher::origin_allowed(const http::request& req) const
{
    return auth::origin_allowed(origins_, req[bhttp::field::origin], req[bhttp::field::referer],
                                req[bhttp::field::host]);
}

bool dispatcher::csrf_passes(const session::session_record& session, std::string_view token, bool origin_ok,
                             std::string_view request_id)
{
    const bool token_ok = auth::csrf_token_matches(session.csrf_token, token);
    if (token_ok && origin_ok) {
        return true;
    }
    log::warn("csrf check failed", {{"request_id", request_id},
                                    {"reason", !token_ok ? "token" : "origin"},
                                    {"session", session::log_ref(session.hash)}});
    return false;
}

session::removal_check dispatcher::end_check(const request_context& ctx, bool needs_csrf) const
{
    // What authenticate() and the CSRF step would check, for the store's thread to run on the row:
    // so it owns copies of what it needs from the request.
    return [&sessions = sessions_, now = sessions_.now(), needs_csrf,
            token = std::string(ctx.req["X-CSRF-Token"]), origin_ok = needs_csrf && origin_allowed(ctx.req),
            request_id = ctx.request_id](const session::session_record& s) -> std::optional<errc> {
        if (sessions.is_expired(s, now)) {
            return errc::not_authenticated;
        }
        if (needs_csrf && !csrf_passes(s, token, origin_ok, request_id)) {
            return errc::csrf_failed;
        }
        return std::nullopt;
    };
}

task<reply> dispatcher::run_pipeline(request_context& ctx)
{
    const auto matched = match_route(ctx.path, ctx.req.method());
    if (matched.matched == nullptr) {
        if (matched.allow.empty()) {
            co_return error_reply(errc::not_found, ctx.lang);
        }
        reply r = error_reply(errc::method_not_allowed, ctx.lang);
        r.headers.emplace_back("Allow", matched.allow);
        co_return r;
    }
    const route& r = *matched.matched;
    ctx.route = r.pattern;
    ctx.route_index = static_cast<std::size_t>(matched.matched - route_table().data());
    ctx.path_params = matched.params;

    if (r.session != session_use::none) {
        // 401 comes before any CSRF check: no oracle for guessing tokens without a session.
        if (!ctx.session_cookie) {
            co_return error_reply(errc::not_authenticated, ctx.lang);
        }
        // With several cookies of our name, the one-step end cannot know which is live: the
        // session is found first, as for any other route.
        if (r.ends_in_one_step != nullptr && r.ends_in_one_step(ctx) &&
            !cookie_.sent_several(ctx.req[bhttp::field::cookie])) {
            const auto hash = session::hash_cookie_value(*ctx.session_cookie);
            if (!hash) {
                co_return not_authenticated(ctx);
            }
            ctx.session_end = pending_session_end{.hash = *hash, .check = end_check(ctx, r.needs_csrf)};
            co_return co_await r.handle(handlers_, ctx);
        }
        const bool activity = r.session == session_use::checked;
        auto authenticated = co_await sessions_.authenticate(*ctx.session_cookie, activity);
        if (!authenticated && to_errc(authenticated.error()) == errc::not_authenticated) {
            // A stale cookie of our name may come before the live one (see read_all): the others
            // are tried, a few at most. Only a failed check pays for this.
            const auto values = cookie_.read_all(ctx.req[bhttp::field::cookie]);
            for (std::size_t i = 1; i < values.size() && i < max_session_cookies; ++i) {
                auto another = co_await sessions_.authenticate(values[i], activity);
                if (another || to_errc(another.error()) != errc::not_authenticated) {
                    authenticated = std::move(another);
                    ctx.session_cookie = values[i];
                    break;
                }
            }
        }
        if (!authenticated) {
            if (to_errc(authenticated.error()) != errc::not_authenticated) {
                co_return error_reply(r.on_store_failure, ctx.lang);
            }
            co_return not_authenticated(ctx);
        }
        ctx.session = std::move(*authenticated);
    }
    if (r.needs_csrf && ctx.session) {
        const bool origin_ok = origin_allowed(ctx.req);
        if (!csrf_passes(*ctx.session, ctx.req["X-CSRF-Token"], origin_ok, ctx.request_id)) {
            co_return error_reply(errc::csrf_failed, ctx.lang);
        }
    }
    co_return co_await r.handle(handlers_, ctx);
}

task<http::response> dispatcher::handle(http::request req, std::string peer_address)
{
    const std::string client_address = client_of(req, std::move(peer_address));
    const auto started = std::chrono::steady_clock::now();
    std::string request_id = next_request_id();
    const language lang = preferred_language(req[bhttp::field::accept_language]);
    std::string_view route_name = "unmatched";
    std::size_t route_index = request_metrics::unmatched;
    reply r;
    try {
        const auto target = boost::urls::parse_origin_form(req.target());
        if (!target) {
            r = error_reply(errc::bad_request, lang);
        } else {
            request_context ctx{
                .req = req,
                .path = target->encoded_path(),
                .query = {},
                .path_params = {},
                .client_address = client_address,
                .lang = lang,
                .request_id = request_id,
                .session_cookie = cookie_.read(req[bhttp::field::cookie]),
                .session = std::nullopt,
                .session_end = std::nullopt,
            };
            for (const auto& param : target->params()) {
                ctx.query.emplace_back(param.key, param.value);
            }
            r = co_await run_pipeline(ctx);
            route_name = ctx.route;
            route_index = ctx.route_index;
        }
    } catch (const std::exception& e) {
        log::error("request failed with an exception", {{"request_id", request_id}, {"error", e.what()}});
        r = error_reply(errc::internal_error, lang);
    }
    const auto status = r.status;
    http::response res = finish(std::move(r), req.version(), request_id);
    const auto latency =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    request_metrics::instance().observe(route_index, static_cast<unsigned>(status), latency);
    if (log::enabled(level_for(status))) {
        log::write(level_for(status), "request",
                   {{"method", std::string_view(bhttp::to_string(req.method()))},
                    {"route", route_name},
                    {"status", static_cast<int>(status)},
                    {"latency_us", static_cast<std::int64_t>(latency.count())},
                    {"request_id", request_id},
                    {"client", client_address}});
    }
    co_return res;
}

http::response dispatcher::reject(http::rejection why, const http::request* header,
                                  const std::string& client_address)
{
    const std::string request_id = next_request_id();
    const language lang =
        header != nullptr ? preferred_language((*header)[bhttp::field::accept_language]) : language::en;
    errc e = errc::bad_request;
    switch (why) {
        case http::rejection::malformed: e = errc::bad_request; break;
        case http::rejection::headers_too_large: e = errc::headers_too_large; break;
        case http::rejection::body_too_large: e = errc::payload_too_large; break;
    }
    reply r = error_reply(e, lang);
    request_metrics::instance().observe(request_metrics::unmatched, static_cast<unsigned>(r.status),
                                        std::chrono::microseconds{0});
    log::warn(
        "request rejected",
        {{"status", static_cast<int>(r.status)}, {"request_id", request_id}, {"client", client_address}});
    return finish(std::move(r), header != nullptr ? header->version() : 11, request_id);
}

}  // namespace authd::api
