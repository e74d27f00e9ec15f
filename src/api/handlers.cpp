#include "api/handlers.hpp"

#include "auth/validation.hpp"
#include "core/json_text.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/value.hpp>

#include "api/json_body.hpp"

namespace authd::api {

using boost::beast::http::status;
namespace json = boost::json;

namespace {

json::object user_json(const auth::user& u)
{
    return {{"id", u.id}, {"email", u.email}, {"role", u.role}};
}

// "all_devices=true": true/1/yes/on or false/0/no/off (case-insensitive), like FastAPI's bool.
std::optional<bool> parse_flag(const std::string& text)
{
    std::string v;
    for (const char c : text) {
        v.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    if (v == "true" || v == "1" || v == "yes" || v == "on")
        return true;
    if (v == "false" || v == "0" || v == "no" || v == "off")
        return false;
    return std::nullopt;
}

}  // namespace

handlers::handlers(auth::auth_service& auth, session::session_service& sessions, const session_cookie& cookie,
                   handler_options options)
    : auth_(auth), sessions_(sessions), cookie_(cookie), options_(options)
{
}

std::string handlers::set_cookie_for(const session::started_session& started) const
{
    std::optional<std::chrono::seconds> max_age;
    if (started.record.remember_me) {
        max_age = std::chrono::duration_cast<std::chrono::seconds>(started.record.expires_at -
                                                                   started.record.created_at);
    }
    return cookie_.set(started.cookie_value, max_age);
}

task<reply> handlers::register_user(request_context& ctx)
{
    std::vector<field_error> errors;
    const auto body = json_body::parse(ctx.req, errors);
    std::optional<std::string> email;
    std::optional<std::string> password;
    if (body) {
        email = body->required_string("email", errors);
        password = body->required_string("password", errors);
    }
    if (email) {
        *email = auth::normalize_email(*email);
        if (const auto problem = auth::email_problem(*email)) {
            errors.push_back({"email", std::string(*problem)});
        }
    }
    if (password) {
        if (const auto problem = auth::password_problem(*password)) {
            errors.push_back({"password", std::string(*problem)});
        }
    }
    if (!errors.empty()) {
        co_return error_reply(errc::validation_error, ctx.lang, errors);
    }
    auto created = co_await auth_.register_user(std::move(*email), std::move(*password), ctx.client());
    if (!created) {
        co_return error_reply(to_errc(created.error()), ctx.lang);
    }
    co_return json_reply(status::created, user_json(*created));
}

task<reply> handlers::log_in(request_context& ctx)
{
    std::vector<field_error> errors;
    const auto body = json_body::parse(ctx.req, errors);
    std::optional<std::string> email;
    std::optional<std::string> password;
    std::optional<bool> remember_me;
    if (body) {
        email = body->required_string("email", errors);
        password = body->required_string("password", errors);
        remember_me = body->optional_bool("remember_me", false, errors);
    }
    if (!errors.empty()) {
        co_return error_reply(errc::validation_error, ctx.lang, errors);
    }
    const std::string account = auth::normalize_email(*email);
    std::optional<std::string> previous;
    if (ctx.session_cookie) {
        previous = std::string(*ctx.session_cookie);
    }
    auto logged_in =
        co_await auth_.log_in(account, std::move(*password), *remember_me, ctx.client(), previous);
    if (!logged_in) {
        const errc e = to_errc(logged_in.error());
        reply r = error_reply(e, ctx.lang);
        if (e == errc::rate_limited) {
            r.headers.emplace_back(
                "Retry-After",
                std::to_string(auth_.login_retry_after(account, std::string(ctx.client_address)).count()));
        }
        co_return r;
    }
    reply r = json_reply(status::ok, json::object{{"message", "Login successful"},
                                                  {"user", user_json(logged_in->account)},
                                                  {"csrf_token", logged_in->session.record.csrf_token}});
    r.set_cookies.push_back(set_cookie_for(logged_in->session));
    co_return r;
}

bool handlers::logs_out_one_session(const request_context& ctx)
{
    const std::string* flag = ctx.query_param("all_devices");
    return flag == nullptr || parse_flag(*flag) == false;
}

task<reply> handlers::log_out(request_context& ctx)
{
    bool all_devices = false;
    if (const std::string* flag = ctx.query_param("all_devices")) {
        const auto parsed = parse_flag(*flag);
        if (!parsed) {
            co_return error_reply(errc::validation_error, ctx.lang,
                                  {{"all_devices", "must be true or false"}});
        }
        all_devices = *parsed;
    }
    // Without ctx.session the dispatcher did not read the session: the store checks it where it
    // ends it.
    task<result<std::size_t>> logout =
        ctx.session_end
            ? auth_.log_out_checked(ctx.session_end->hash, std::move(ctx.session_end->check), ctx.client())
            : auth_.log_out(*ctx.session, all_devices, ctx.client());
    const auto ended = co_await std::move(logout);
    if (!ended) {
        const errc e = to_errc(ended.error());
        reply r = error_reply(e, ctx.lang);
        if (e == errc::not_authenticated) {
            r.set_cookies.push_back(cookie_.expire());  // never leave a dead cookie in the browser
        }
        co_return r;
    }
    json::object body{{"message", "Logout successful"}};
    if (all_devices) {
        body["sessions_ended"] = *ended;
    }
    reply r = json_reply(status::ok, body);
    r.set_cookies.push_back(cookie_.expire());
    if (options_.clear_site_data) {
        r.headers.emplace_back("Clear-Site-Data", "\"cookies\"");
    }
    co_return r;
}

task<reply> handlers::me(request_context& ctx)
{
    auto account = co_await auth_.current_user(*ctx.session);
    if (!account) {
        co_return error_reply(to_errc(account.error()), ctx.lang);
    }
    // Rendered directly: this is the session check behind every page of an application, and
    // building a JSON document first showed in profiles. Same shape as user_json().
    const session::session_record& s = *ctx.session;
    std::string body;
    body.reserve(320);
    body += R"({"user":{"id":)";
    append_json_string(body, account->id);
    body += R"(,"email":)";
    append_json_string(body, account->email);
    body += R"(,"role":)";
    append_json_string(body, account->role);
    body += R"(},"session":{"id":")";
    body += session::public_id(s.hash);
    body += R"(","created_at":")";
    body += format_iso8601(s.created_at);
    body += R"(","expires_at":")";
    body += format_iso8601(sessions_.effective_expiry(s));
    body += R"("}})";
    co_return reply{.status = status::ok, .body = std::move(body), .set_cookies = {}, .headers = {}};
}

task<reply> handlers::verify(request_context& ctx)
{
    auto account = co_await auth_.current_user(*ctx.session);
    if (!account) {
        co_return error_reply(to_errc(account.error()), ctx.lang);
    }
    // Header values only: the proxy copies them to the application with auth_request_set or its
    // equivalent. Validation keeps control characters out of emails, so they are safe header values.
    co_return reply{.status = status::ok,
                    .body = {},
                    .set_cookies = {},
                    .headers = {{"X-Authd-User-Id", account->id},
                                {"X-Authd-User-Email", account->email},
                                {"X-Authd-Role", account->role},
                                {"X-Authd-Session", session::log_ref(ctx.session->hash)}}};
}

task<reply> handlers::csrf(request_context& ctx)
{
    co_return json_reply(status::ok, json::object{{"csrf_token", ctx.session->csrf_token}});
}

task<reply> handlers::list_sessions(request_context& ctx)
{
    auto listed = co_await auth_.list_sessions(*ctx.session);
    if (!listed) {
        co_return error_reply(to_errc(listed.error()), ctx.lang);
    }
    json::array items;
    for (const auto& s : *listed) {
        items.push_back(json::object{
            {"id", session::public_id(s.hash)},
            {"created_at", format_iso8601(s.created_at)},
            {"last_seen_at", format_iso8601(s.last_seen_at)},
            {"expires_at", format_iso8601(sessions_.effective_expiry(s))},
            {"ip_address", s.ip_address},
            {"user_agent", s.user_agent},
            {"current", s.hash == ctx.session->hash},
        });
    }
    co_return json_reply(status::ok, json::object{{"sessions", std::move(items)}});
}

task<reply> handlers::revoke_session(request_context& ctx)
{
    const auto target = session::parse_public_id(ctx.path_params.at(0));
    if (!target) {
        co_return error_reply(errc::not_found, ctx.lang);
    }
    auto revoked = co_await auth_.revoke_session(*ctx.session, *target, ctx.client());
    if (!revoked) {
        co_return error_reply(to_errc(revoked.error()), ctx.lang);
    }
    reply r{.status = status::no_content, .body = {}, .set_cookies = {}, .headers = {}};
    if (*target == ctx.session->hash) {
        r.set_cookies.push_back(cookie_.expire());  // the caller ended its own session
    }
    co_return r;
}

task<reply> handlers::revoke_other_sessions(request_context& ctx)
{
    auto ended = co_await auth_.revoke_other_sessions(*ctx.session, ctx.client());
    if (!ended) {
        reply r = error_reply(to_errc(ended.error()), ctx.lang);
        if (to_errc(ended.error()) == errc::not_authenticated) {
            r.set_cookies.push_back(cookie_.expire());
        }
        co_return r;
    }
    co_return json_reply(status::ok, json::object{{"sessions_ended", *ended}});
}

task<reply> handlers::change_password(request_context& ctx)
{
    std::vector<field_error> errors;
    const auto body = json_body::parse(ctx.req, errors);
    std::optional<std::string> current;
    std::optional<std::string> replacement;
    if (body) {
        current = body->required_string("current_password", errors);
        replacement = body->required_string("new_password", errors);
    }
    if (replacement) {
        if (const auto problem = auth::password_problem(*replacement)) {
            errors.push_back({"new_password", std::string(*problem)});
        }
    }
    if (!errors.empty()) {
        co_return error_reply(errc::validation_error, ctx.lang, errors);
    }
    auto changed = co_await auth_.change_password(*ctx.session, std::move(*current), std::move(*replacement),
                                                  ctx.client());
    if (!changed) {
        const errc e = to_errc(changed.error());
        reply r = error_reply(e, ctx.lang);
        if (e == errc::rate_limited) {
            // The limits are the login limits, kept per email: the user's, from the session.
            auto account = co_await auth_.current_user(*ctx.session);
            std::string email;
            if (account) {
                email = account->email;
            }
            r.headers.emplace_back(
                "Retry-After",
                std::to_string(auth_.login_retry_after(email, std::string(ctx.client_address)).count()));
        }
        co_return r;
    }
    reply r = json_reply(status::ok, json::object{{"message", "Password changed"},
                                                  {"sessions_ended", changed->sessions_ended},
                                                  {"csrf_token", changed->session.record.csrf_token}});
    r.set_cookies.push_back(set_cookie_for(changed->session));
    co_return r;
}

task<reply> handlers::health(request_context&)
{
    co_return json_reply(status::ok, json::object{{"status", "ok"}});
}

task<reply> handlers::ready(request_context& ctx)
{
    if (auto pinged = co_await sessions_.store().ping(); !pinged) {
        co_return error_reply(errc::not_ready, ctx.lang);
    }
    co_return json_reply(status::ok, json::object{{"status", "ok"}});
}

}  // namespace authd::api
