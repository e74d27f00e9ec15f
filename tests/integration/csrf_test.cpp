// CSRF: synchronizer token and Origin/Referer check on every state-changing route with a session.
#include "auth_api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <gtest/gtest.h>

namespace authd::test {
namespace {

void expect_csrf_failed(const http_response& res)
{
    EXPECT_EQ(res.status, 403) << res.body;
    EXPECT_EQ(res.error_code(), "CSRF_FAILED");
    EXPECT_EQ(res.header("Cache-Control"), "no-store");
}

TEST(Csrf, LogoutWithoutTokenGets403AndTheSessionStillWorks)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    const auto res = client.post("/auth/logout", {}, s.headers(false));
    expect_csrf_failed(res);
    EXPECT_TRUE(set_cookies_named(res, "session").empty()) << "a 403 must not expire a live session's cookie";
    EXPECT_EQ(me(client, s).status, 200);
    EXPECT_EQ(log_out(client, s).status, 200);
}

TEST(Csrf, LogoutWithWrongTokenGets403AndTheSessionStillWorks)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    for (const std::string& wrong : std::vector<std::string>{
             std::string("x"), std::string(s.csrf.size(), 'A'), s.csrf + "A", s.csrf.substr(1)}) {
        expect_csrf_failed(
            client.post("/auth/logout", {}, {{"Cookie", s.cookie()}, {"X-CSRF-Token", wrong}}));
    }
    expect_csrf_failed(client.post("/auth/logout", {}, {{"Cookie", s.cookie()}, {"X-CSRF-Token", ""}}));
    EXPECT_EQ(me(client, s).status, 200);
}

TEST(Csrf, TokenOfAnotherSessionIsRejected)
{
    server_process server;
    http_client client(server.port());
    const session_handle a = new_session(client);
    const session_handle b = log_in_ok(client, a.email);
    expect_csrf_failed(client.post("/auth/logout", {}, {{"Cookie", a.cookie()}, {"X-CSRF-Token", b.csrf}}));
    EXPECT_EQ(me(client, a).status, 200);
}

TEST(Csrf, ForeignOriginGets403AndTheSessionStillWorks)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    auto headers = s.headers();
    headers.emplace_back("Origin", "http://evil.example");
    expect_csrf_failed(client.post("/auth/logout", {}, headers));
    EXPECT_EQ(me(client, s).status, 200);
}

TEST(Csrf, LookalikeOriginsGet403)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    for (const std::string& origin : std::vector<std::string>{
             "http://127.0.0.1:1", "http://127.0.0.1", "http://" + server.host() + ".evil.example",
             std::string("null"), "http://evil.example@" + server.host()}) {
        auto headers = s.headers();
        headers.emplace_back("Origin", origin);
        expect_csrf_failed(client.post("/auth/logout", {}, headers));
    }
    EXPECT_EQ(me(client, s).status, 200);
}

TEST(Csrf, ForeignRefererWithoutOriginGets403AndTheSessionStillWorks)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    auto headers = s.headers();
    headers.emplace_back("Referer", "http://evil.example/some/page?x=1");
    expect_csrf_failed(client.post("/auth/logout", {}, headers));
    EXPECT_EQ(me(client, s).status, 200);
}

TEST(Csrf, OwnOriginAndOwnRefererPass)
{
    server_process server;
    http_client client(server.port());
    const session_handle a = new_session(client);
    const session_handle b = log_in_ok(client, a.email);

    auto with_origin = a.headers();
    with_origin.emplace_back("Origin", server.origin());
    EXPECT_EQ(client.post("/auth/logout", {}, with_origin).status, 200);

    auto with_referer = b.headers();
    with_referer.emplace_back("Referer", server.origin() + "/account/settings");
    EXPECT_EQ(client.post("/auth/logout", {}, with_referer).status, 200);
}

TEST(Csrf, ForeignOriginWinsOverOwnReferer)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    auto headers = s.headers();
    headers.emplace_back("Origin", "http://evil.example");
    headers.emplace_back("Referer", server.origin() + "/");
    expect_csrf_failed(client.post("/auth/logout", {}, headers));
}

TEST(Csrf, AllowedOriginsFlagAcceptsOnlyTheListedOrigins)
{
    server_process server({"--allowed-origins", "https://app.example,https://admin.example:8443"});
    http_client client(server.port());
    const session_handle a = new_session(client);
    const session_handle b = log_in_ok(client, a.email);

    auto own = a.headers();
    own.emplace_back("Origin", server.origin());
    expect_csrf_failed(client.post("/auth/logout", {}, own));

    auto listed = a.headers();
    listed.emplace_back("Origin", "https://app.example");
    EXPECT_EQ(client.post("/auth/logout", {}, listed).status, 200);

    auto second = b.headers();
    second.emplace_back("Origin", "https://admin.example:8443");
    EXPECT_EQ(client.post("/auth/logout", {}, second).status, 200);
}

TEST(Csrf, TokenFromTheCsrfEndpointWorks)
{
    server_process server;
    http_client client(server.port());
    session_handle s = new_session(client);
    const auto fetched = client.get("/auth/csrf", s.headers(false));
    ASSERT_EQ(fetched.status, 200);
    s.csrf = std::string(fetched.json().at("csrf_token").as_string());
    EXPECT_EQ(log_out(client, s).status, 200);
}

TEST(Csrf, NoCookieGets401NotCsrfFailed)
{
    server_process server;
    http_client client(server.port());
    for (const char* method : {"POST", "DELETE"}) {
        const std::string target = std::string(method) == "POST" ? "/auth/logout" : "/auth/sessions";
        const auto res = client.send(
            {.method = method, .target = target, .headers = {{"Origin", "http://evil.example"}}, .body = {}});
        EXPECT_EQ(res.status, 401) << method << " " << target << ": " << res.body;
        EXPECT_EQ(res.error_code(), "NOT_AUTHENTICATED");
    }
}

TEST(Csrf, DeadCookieWithoutTokenGets401NotCsrfFailed)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    ASSERT_EQ(log_out(client, s).status, 200);
    const auto res = client.post("/auth/logout", {}, s.headers(false));
    EXPECT_EQ(res.status, 401) << res.body;
    EXPECT_EQ(res.error_code(), "NOT_AUTHENTICATED");
}

TEST(Csrf, EveryStateChangingSessionRouteIsChecked)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    const session_handle other = log_in_ok(client, s.email);
    const std::string other_id = std::string(me(client, other).json().at("session").at("id").as_string());

    expect_csrf_failed(client.del("/auth/sessions", s.headers(false)));
    expect_csrf_failed(client.del("/auth/sessions/" + other_id, s.headers(false)));
    expect_csrf_failed(client.post("/auth/logout?all_devices=true", {}, s.headers(false)));
    expect_csrf_failed(client.post(
        "/auth/password", R"({"current_password":"x","new_password":"yyyyyyyyyy"})", s.headers(false)));
    EXPECT_EQ(me(client, s).status, 200);
    EXPECT_EQ(me(client, other).status, 200);
}

TEST(Csrf, LoginAndRegisterNeedNoCsrfToken)
{
    server_process server;
    http_client client(server.port());
    const std::string email = unique_email();
    EXPECT_EQ(register_user(client, email).status, 201);
    EXPECT_EQ(log_in(client, email).status, 200);
}

}  // namespace
}  // namespace authd::test
