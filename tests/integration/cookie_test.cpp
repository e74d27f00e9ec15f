// Set-Cookie on login and on logout: the exact attributes, and the flags that change them.
#include "audit_db.hpp"
#include "auth_api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <gtest/gtest.h>

namespace authd::test {
namespace {

const std::vector<std::string> session_cookie_attributes =
    normalized({"Path=/", "HttpOnly", "Secure", "SameSite=Lax"});
const std::vector<std::string> expired_cookie_attributes = normalized(
    {"Path=/", "Max-Age=0", "Expires=Thu, 01 Jan 1970 00:00:00 GMT", "HttpOnly", "Secure", "SameSite=Lax"});

// The one Set-Cookie of `name` in the response (fails the test when there is not exactly one).
set_cookie only_cookie(const http_response& res, std::string_view name = "session")
{
    const auto cookies = set_cookies_named(res, name);
    EXPECT_EQ(cookies.size(), 1U) << "Set-Cookie headers for '" << name << "' in: " << res.status << " "
                                  << res.body;
    return cookies.empty() ? set_cookie{} : cookies.front();
}

TEST(Cookie, LoginSetsAnHttpOnlySecureLaxCookieOnPathRoot)
{
    server_process server;
    http_client client(server.port());
    const std::string email = unique_email();
    ASSERT_EQ(register_user(client, email).status, 201);

    const auto res = log_in(client, email);
    ASSERT_EQ(res.status, 200) << res.body;
    const set_cookie c = only_cookie(res);
    EXPECT_EQ(c.value.size(), 43U) << "a 256-bit token, base64url: " << c.value;
    EXPECT_EQ(c.normalized_attributes(), session_cookie_attributes);
    EXPECT_EQ(res.header("Cache-Control"), "no-store");
    const auto body = res.json();
    EXPECT_EQ(body.at("message").as_string(), "Login successful");
    EXPECT_EQ(body.at("user").at("email").as_string(), email);
    EXPECT_EQ(body.at("user").at("role").as_string(), "user");
    EXPECT_FALSE(body.at("csrf_token").as_string().empty());
    EXPECT_NE(std::string(body.at("csrf_token").as_string()), c.value);
}

TEST(Cookie, LogoutExpiresTheCookieWithTheSameAttributes)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);

    const auto res = log_out(client, s);
    ASSERT_EQ(res.status, 200) << res.body;
    const set_cookie c = only_cookie(res);
    EXPECT_EQ(c.value, "");
    EXPECT_EQ(c.normalized_attributes(), expired_cookie_attributes);
    EXPECT_FALSE(res.header("Clear-Site-Data").has_value()) << "Clear-Site-Data is opt-in";
}

TEST(Cookie, RememberMeAddsMaxAgeOfTheRememberLifetime)
{
    server_process server({"--session-remember", "7d"});
    http_client client(server.port());
    const std::string email = unique_email();
    ASSERT_EQ(register_user(client, email).status, 201);

    const auto res = log_in(client, email, default_password, true);
    ASSERT_EQ(res.status, 200) << res.body;
    const set_cookie c = only_cookie(res);
    EXPECT_EQ(c.get("Max-Age"), "604800");
    EXPECT_EQ(c.normalized_attributes(),
              normalized({"Path=/", "Max-Age=604800", "HttpOnly", "Secure", "SameSite=Lax"}));

    const auto plain = log_in(client, email);
    ASSERT_EQ(plain.status, 200);
    EXPECT_FALSE(only_cookie(plain).has("Max-Age"))
        << "without remember_me the cookie lives for the browser session";
}

TEST(Cookie, CookieDomainFlagAddsDomainOnSetAndOnClear)
{
    server_process server({"--cookie-domain", "example.test"});
    http_client client(server.port());
    const std::string email = unique_email();
    ASSERT_EQ(register_user(client, email).status, 201);

    const auto in = log_in(client, email);
    ASSERT_EQ(in.status, 200) << in.body;
    const set_cookie set = only_cookie(in);
    EXPECT_EQ(set.normalized_attributes(),
              normalized({"Path=/", "Domain=example.test", "HttpOnly", "Secure", "SameSite=Lax"}));

    const session_handle s = session_for(set.value, std::string(in.json().at("csrf_token").as_string()));
    const auto out = log_out(client, s);
    ASSERT_EQ(out.status, 200) << out.body;
    const set_cookie cleared = only_cookie(out);
    EXPECT_EQ(cleared.value, "");
    EXPECT_EQ(cleared.normalized_attributes(),
              normalized({"Path=/", "Domain=example.test", "Max-Age=0",
                          "Expires=Thu, 01 Jan 1970 00:00:00 GMT", "HttpOnly", "Secure", "SameSite=Lax"}));
}

TEST(Cookie, DeadCookieIsExpiredWithTheConfiguredDomainAndName)
{
    server_process server({"--cookie-domain", "example.test", "--cookie-name", "sid"});
    http_client client(server.port());
    const session_handle s = new_session(client, "sid");
    ASSERT_EQ(log_out(client, s).status, 200);
    const auto res = log_out(client, s);
    EXPECT_EQ(res.status, 401);
    EXPECT_EQ(only_cookie(res, "sid").normalized_attributes(),
              normalized({"Path=/", "Domain=example.test", "Max-Age=0",
                          "Expires=Thu, 01 Jan 1970 00:00:00 GMT", "HttpOnly", "Secure", "SameSite=Lax"}));
}

TEST(Cookie, InsecureCookiesFlagDropsSecureOnSetAndOnClear)
{
    server_process server({"--insecure-cookies"});
    http_client client(server.port());
    const session_handle s = new_session(client);
    const auto in = log_in(client, s.email);
    ASSERT_EQ(in.status, 200);
    EXPECT_EQ(only_cookie(in).normalized_attributes(), normalized({"Path=/", "HttpOnly", "SameSite=Lax"}));

    const auto out = log_out(client, s);
    ASSERT_EQ(out.status, 200) << out.body;
    EXPECT_EQ(only_cookie(out).normalized_attributes(),
              normalized({"Path=/", "Max-Age=0", "Expires=Thu, 01 Jan 1970 00:00:00 GMT", "HttpOnly",
                          "SameSite=Lax"}));
}

TEST(Cookie, ClearSiteDataIsSentOnlyOnLogoutWhenConfigured)
{
    server_process server({"--clear-site-data"});
    http_client client(server.port());
    const std::string email = unique_email();
    const auto reg = register_user(client, email);
    ASSERT_EQ(reg.status, 201);
    EXPECT_FALSE(reg.header("Clear-Site-Data").has_value());
    const auto in = log_in(client, email);
    ASSERT_EQ(in.status, 200);
    EXPECT_FALSE(in.header("Clear-Site-Data").has_value());
    const session_handle s = log_in_ok(client, email);
    const auto who = me(client, s);
    EXPECT_FALSE(who.header("Clear-Site-Data").has_value());

    const auto out = log_out(client, s);
    ASSERT_EQ(out.status, 200) << out.body;
    EXPECT_EQ(out.header("Clear-Site-Data"), "\"cookies\"");
    EXPECT_EQ(out.headers_named("Clear-Site-Data").size(), 1U);
}

TEST(Cookie, ClearSiteDataIsNotSentByDefault)
{
    server_process server;
    http_client client(server.port());
    const session_handle a = new_session(client);
    const session_handle b = log_in_ok(client, a.email);
    EXPECT_FALSE(log_out(client, a).header("Clear-Site-Data").has_value());
    EXPECT_FALSE(log_out(client, b, "?all_devices=true").header("Clear-Site-Data").has_value());
}

TEST(Cookie, CustomCookieNameIsSetReadAndCleared)
{
    server_process server({"--cookie-name", "sid"});
    http_client client(server.port());
    const session_handle s = new_session(client, "sid");

    // The default name is not read any more.
    const auto wrong_name = client.get("/auth/me", {{"Cookie", "session=" + s.token}});
    EXPECT_EQ(wrong_name.status, 401);
    EXPECT_EQ(me(client, s).status, 200);

    const auto out = log_out(client, s);
    ASSERT_EQ(out.status, 200) << out.body;
    EXPECT_EQ(only_cookie(out, "sid").normalized_attributes(), expired_cookie_attributes);
    EXPECT_TRUE(set_cookies_named(out, "session").empty());
}

TEST(Cookie, SessionCookieIsFoundAmongOtherCookies)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    const auto res = client.get("/auth/me", {{"Cookie", "theme=dark; session=" + s.token + "; lang=pl"}});
    EXPECT_EQ(res.status, 200) << res.body;
}

// A browser holding a host-only and a Domain cookie of one name (after --cookie-domain changed)
// sends both, the stale one possibly first: the live one is used, and the user is not locked out.
TEST(Cookie, AStaleCookieOfTheSameNameBeforeTheLiveOneDoesNotHideIt)
{
    server_process server;
    http_client client(server.port());
    const session_handle stale = new_session(client);
    ASSERT_EQ(log_out(client, stale).status, 200);
    const session_handle live = new_session(client);
    const std::string both = "session=" + stale.token + "; session=" + live.token;

    const auto me_res = client.get("/auth/me", {{"Cookie", both}});
    EXPECT_EQ(me_res.status, 200) << me_res.body;
    EXPECT_EQ(me_res.json().at("user").at("email").as_string(), live.email);

    const auto out = client.post("/auth/logout", {}, {{"Cookie", both}, {"X-CSRF-Token", live.csrf}});
    EXPECT_EQ(out.status, 200) << out.body;
    EXPECT_EQ(me(client, live).status, 401) << "the live session was the one logged out";
    const auto again = client.get("/auth/me", {{"Cookie", both}});
    EXPECT_EQ(again.status, 401) << "both dead now";
    EXPECT_FALSE(set_cookies_named(again, "session").empty()) << "and the 401 expires the cookie";
    EXPECT_EQ(read_logs(server.db_path(), "USER_LOGOUT").size(), 2U);
}

TEST(Cookie, LoginRotatesTheSessionAndEndsTheOneTheClientSent)
{
    server_process server;
    http_client client(server.port());
    const session_handle old = new_session(client);

    const auto res = log_in(client, old.email, default_password, false, {{"Cookie", old.cookie()}});
    ASSERT_EQ(res.status, 200) << res.body;
    const set_cookie fresh = only_cookie(res);
    EXPECT_NE(fresh.value, old.token) << "no session fixation: a new token at every login";
    EXPECT_EQ(me(client, old).status, 401);
    const session_handle now = session_for(fresh.value);
    EXPECT_EQ(me(client, now).status, 200);
}

TEST(Cookie, RequestWithDeadCookieGets401ThatExpiresTheCookie)
{
    server_process server;
    http_client client(server.port());
    const auto res =
        client.get("/auth/me", {{"Cookie", "session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}});
    EXPECT_EQ(res.status, 401);
    EXPECT_EQ(res.error_code(), "NOT_AUTHENTICATED");
    EXPECT_EQ(only_cookie(res).normalized_attributes(), expired_cookie_attributes);
}

}  // namespace
}  // namespace authd::test
