// The logout pipeline as a client sees it, without a socket: dispatcher::handle over memory stores.
#include "api/dispatcher.hpp"

#include "session/memory_store.hpp"
#include "support/failing_stores.hpp"
#include "support/memory_user_store.hpp"
#include "support/run.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

namespace authd::api {
namespace {

namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using test::run;

const std::string expired_cookie =
    "session=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax";

http::cookie_attributes session_cookie_named(std::string name)
{
    http::cookie_attributes a;
    a.name = std::move(name);
    return a;
}

class DispatcherTest : public ::testing::Test {
protected:
    session::started_session start_session(const std::string& user_id = "user-1")
    {
        auto s = run(ioc, sessions.start(user_id, false, {"203.0.113.7", "agent"}));
        EXPECT_TRUE(s.has_value());
        return std::move(*s);
    }
    http::request logout_request(const session::started_session& s, std::string target = "/auth/logout")
    {
        http::request req{bhttp::verb::post, target, 11};
        req.set(bhttp::field::host, "localhost:8080");
        req.set(bhttp::field::cookie, "theme=dark; session=" + s.cookie_value);
        req.set("X-CSRF-Token", s.record.csrf_token);
        req.prepare_payload();
        return req;
    }
    http::response send(http::request req)
    {
        return run(ioc, dispatch.handle(std::move(req), "203.0.113.7"));
    }
    static std::string error_code_of(const http::response& res)
    {
        return std::string(boost::json::parse(res.body()).at("detail").at("error_code").as_string());
    }
    static std::vector<std::string> set_cookies(const http::response& res)
    {
        std::vector<std::string> out;
        for (const std::string_view cookie : res.values("Set-Cookie")) {
            out.emplace_back(cookie);
        }
        return out;
    }
    bool exists(const session::token_hash& h) { return run(ioc, memory.find(h))->has_value(); }

    boost::asio::io_context ioc;
    manual_clock clock{from_unix_ms(1'795'549'419'000)};
    session::memory_store memory;
    test::failing_session_store store{memory};
    session::session_service sessions{store, clock, session::session_policy{}};
    test::memory_user_store users;
    audit::memory_audit_log audit_log;
    auth::password_hasher hasher{1, 4, auth::argon2_cost{.ops_limit = 1, .mem_limit = 8192}};
    auth::login_limiter limiter{clock, auth::login_limits{}};
    auth::auth_service auth{users, sessions, audit_log, hasher, limiter};
    session_cookie cookie{session_cookie_named("session")};
    handlers handle{auth, sessions, cookie, handler_options{}};
    dispatcher dispatch{handle, sessions, cookie, auth::origin_policy{}};
};

TEST_F(DispatcherTest, LogoutEndsTheSessionAndExpiresTheCookie)
{
    const auto s = start_session();
    const http::response res = send(logout_request(s));
    EXPECT_EQ(res.result(), bhttp::status::ok);
    EXPECT_EQ(boost::json::parse(res.body()), boost::json::parse(R"({"message": "Logout successful"})"));
    EXPECT_EQ(set_cookies(res), std::vector<std::string>{expired_cookie});
    EXPECT_EQ(res[bhttp::field::cache_control], "no-store");
    EXPECT_EQ(res[bhttp::field::content_type], "application/json; charset=utf-8");
    EXPECT_TRUE(res.values("Clear-Site-Data").empty()) << "off by default";
    EXPECT_FALSE(exists(s.record.hash));
}

TEST_F(DispatcherTest, SecondLogoutWithTheSameCookieGets401AndTheCookieExpired)
{
    const auto s = start_session();
    ASSERT_EQ(send(logout_request(s)).result(), bhttp::status::ok);
    const http::response res = send(logout_request(s));
    EXPECT_EQ(res.result(), bhttp::status::unauthorized);
    EXPECT_EQ(error_code_of(res), "NOT_AUTHENTICATED");
    EXPECT_EQ(set_cookies(res), std::vector<std::string>{expired_cookie});
}

TEST_F(DispatcherTest, LogoutWithoutACookieGets401)
{
    http::request req{bhttp::verb::post, "/auth/logout", 11};
    req.set(bhttp::field::host, "localhost:8080");
    const http::response res = send(std::move(req));
    EXPECT_EQ(res.result(), bhttp::status::unauthorized);
    EXPECT_EQ(error_code_of(res), "NOT_AUTHENTICATED");
    EXPECT_EQ(std::string(boost::json::parse(res.body()).at("detail").at("message").as_string()),
              "User is not logged in.");
}

TEST_F(DispatcherTest, LogoutWithAMalformedCookieGets401AndTheCookieExpired)
{
    http::request req{bhttp::verb::post, "/auth/logout", 11};
    req.set(bhttp::field::cookie, "session=garbage");
    const http::response res = send(std::move(req));
    EXPECT_EQ(res.result(), bhttp::status::unauthorized);
    EXPECT_EQ(set_cookies(res), std::vector<std::string>{expired_cookie});
}

TEST_F(DispatcherTest, LogoutWithAnExpiredSessionGets401)
{
    const auto s = start_session();
    clock.advance(30min);
    const http::response res = send(logout_request(s));
    EXPECT_EQ(res.result(), bhttp::status::unauthorized);
    EXPECT_EQ(error_code_of(res), "NOT_AUTHENTICATED");
}

TEST_F(DispatcherTest, LogoutWithoutTheCsrfTokenGets403AndKeepsTheSession)
{
    const auto s = start_session();
    http::request req = logout_request(s);
    req.erase("X-CSRF-Token");
    const http::response res = send(std::move(req));
    EXPECT_EQ(res.result(), bhttp::status::forbidden);
    EXPECT_EQ(error_code_of(res), "CSRF_FAILED");
    EXPECT_TRUE(exists(s.record.hash));
}

TEST_F(DispatcherTest, LogoutWithAnotherSessionsCsrfTokenGets403)
{
    const auto s = start_session();
    const auto other = start_session();
    http::request req = logout_request(s);
    req.set("X-CSRF-Token", other.record.csrf_token);
    EXPECT_EQ(send(std::move(req)).result(), bhttp::status::forbidden);
    EXPECT_TRUE(exists(s.record.hash));
}

TEST_F(DispatcherTest, LogoutFromAForeignOriginGets403)
{
    const auto s = start_session();
    http::request req = logout_request(s);
    req.set(bhttp::field::origin, "https://evil.example");
    const http::response res = send(std::move(req));
    EXPECT_EQ(res.result(), bhttp::status::forbidden);
    EXPECT_TRUE(exists(s.record.hash));
}

TEST_F(DispatcherTest, UnknownSessionGets401BeforeAnyCsrfCheck)
{
    http::request req{bhttp::verb::post, "/auth/logout", 11};
    req.set(bhttp::field::cookie, "session=" + session::issue_token().cookie_value);
    req.set(bhttp::field::origin, "https://evil.example");
    EXPECT_EQ(send(std::move(req)).result(), bhttp::status::unauthorized);
}

TEST_F(DispatcherTest, LogoutFromAllDevicesReportsTheCount)
{
    const auto a = start_session();
    const auto b = start_session();
    const auto other_user = start_session("user-2");
    const http::response res = send(logout_request(a, "/auth/logout?all_devices=true"));
    EXPECT_EQ(res.result(), bhttp::status::ok);
    const auto body = boost::json::parse(res.body());
    EXPECT_EQ(body.at("message").as_string(), "Logout successful");
    EXPECT_EQ(body.at("sessions_ended").to_number<std::int64_t>(), 2);
    EXPECT_FALSE(exists(b.record.hash));
    EXPECT_TRUE(exists(other_user.record.hash));
}

TEST_F(DispatcherTest, LogoutWithAMalformedAllDevicesFlagIs422AndEndsNothing)
{
    const auto s = start_session();
    const http::response res = send(logout_request(s, "/auth/logout?all_devices=maybe"));
    EXPECT_EQ(res.result(), bhttp::status::unprocessable_entity);
    EXPECT_EQ(error_code_of(res), "VALIDATION_ERROR");
    EXPECT_TRUE(exists(s.record.hash));
}

TEST_F(DispatcherTest, LogoutWhenTheStoreCannotEndTheSessionIs500LogoutFailed)
{
    const auto s = start_session();
    store.fail_removals = true;
    test::log_capture quiet;
    const http::response res = send(logout_request(s));
    EXPECT_EQ(res.result(), bhttp::status::internal_server_error);
    EXPECT_EQ(error_code_of(res), "LOGOUT_FAILED");
    EXPECT_EQ(std::string(boost::json::parse(res.body()).at("detail").at("message").as_string()),
              "An error occurred during logout. Please try again later.");
    EXPECT_TRUE(exists(s.record.hash));
    EXPECT_EQ(res.body().find(s.cookie_value), std::string::npos);
}

TEST_F(DispatcherTest, LogoutWhenTheStoreCannotBeReadIs500LogoutFailed)
{
    const auto s = start_session();
    store.fail_find = true;
    test::log_capture quiet;
    const http::response res = send(logout_request(s));
    EXPECT_EQ(res.result(), bhttp::status::internal_server_error);
    EXPECT_EQ(error_code_of(res), "LOGOUT_FAILED");
}

TEST_F(DispatcherTest, ErrorsArePolishWhenTheClientPrefersPolish)
{
    http::request req{bhttp::verb::post, "/auth/logout", 11};
    req.set(bhttp::field::accept_language, "pl-PL,pl;q=0.9,en;q=0.8");
    const http::response res = send(std::move(req));
    EXPECT_EQ(std::string(boost::json::parse(res.body()).at("detail").at("message").as_string()),
              "Użytkownik nie jest zalogowany.");
}

TEST_F(DispatcherTest, WrongMethodIs405WithAllow)
{
    http::request req{bhttp::verb::put, "/auth/sessions", 11};
    const http::response res = send(std::move(req));
    EXPECT_EQ(res.result(), bhttp::status::method_not_allowed);
    EXPECT_EQ(res[bhttp::field::allow], "GET, HEAD, DELETE");
    EXPECT_EQ(error_code_of(res), "METHOD_NOT_ALLOWED");
}

TEST_F(DispatcherTest, UnknownPathIs404)
{
    http::request req{bhttp::verb::get, "/nope", 11};
    const http::response res = send(std::move(req));
    EXPECT_EQ(res.result(), bhttp::status::not_found);
    EXPECT_EQ(error_code_of(res), "NOT_FOUND");
}

}  // namespace
}  // namespace authd::api
