// POST /auth/logout, the centerpiece: the token is dead afterwards, exactly once, everywhere.
#include "audit_db.hpp"
#include "auth_api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>

namespace authd::test {
namespace {

const std::vector<std::string> expired_cookie_attributes = normalized(
    {"Path=/", "Max-Age=0", "Expires=Thu, 01 Jan 1970 00:00:00 GMT", "HttpOnly", "Secure", "SameSite=Lax"});

void expect_expires_session_cookie(const http_response& res)
{
    const auto cookies = set_cookies_named(res, "session");
    ASSERT_EQ(cookies.size(), 1U) << "response must expire the session cookie exactly once";
    EXPECT_EQ(cookies[0].value, "");
    EXPECT_EQ(cookies[0].normalized_attributes(), expired_cookie_attributes);
}

TEST(Logout, RegisterLoginMeLogoutThenTheTokenIsDead)
{
    server_process server;
    http_client client(server.port());
    const std::string email = unique_email();

    const auto registered = register_user(client, email);
    ASSERT_EQ(registered.status, 201) << registered.body;
    const auto reg = registered.json().as_object();
    EXPECT_EQ(reg.at("email").as_string(), email);
    EXPECT_EQ(reg.at("role").as_string(), "user");
    EXPECT_FALSE(reg.at("id").as_string().empty());

    const session_handle s = log_in_ok(client, email);
    EXPECT_EQ(s.user_id, reg.at("id").as_string());

    const auto before = me(client, s);
    ASSERT_EQ(before.status, 200) << before.body;
    EXPECT_EQ(before.json().at("user").at("email").as_string(), email);

    const auto out = log_out(client, s);
    ASSERT_EQ(out.status, 200) << out.body;
    EXPECT_EQ(out.json(), boost::json::parse(R"({"message":"Logout successful"})"));
    EXPECT_EQ(out.header("Cache-Control"), "no-store");
    expect_expires_session_cookie(out);

    const auto after = me(client, s);
    EXPECT_EQ(after.status, 401);
    EXPECT_EQ(after.error_code(), "NOT_AUTHENTICATED");
    EXPECT_EQ(after.error_message(), "User is not logged in.");
}

TEST(Logout, SecondLogoutWithSameCookieGets401AndStillExpiresTheCookie)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);

    ASSERT_EQ(log_out(client, s).status, 200);
    const auto again = log_out(client, s);
    EXPECT_EQ(again.status, 401) << again.body;
    EXPECT_EQ(again.error_code(), "NOT_AUTHENTICATED");
    EXPECT_EQ(again.header("Cache-Control"), "no-store");
    expect_expires_session_cookie(again);
}

TEST(Logout, WithoutAnyCookieGets401NotAuthenticated)
{
    server_process server;
    http_client client(server.port());
    const auto res = client.post("/auth/logout");
    EXPECT_EQ(res.status, 401) << res.body;
    EXPECT_EQ(res.error_code(), "NOT_AUTHENTICATED");
}

TEST(Logout, AcceptsAnEmptyBodyAndNoBodyAtAll)
{
    server_process server;
    http_client client(server.port());
    const session_handle a = new_session(client);
    const session_handle b = log_in_ok(client, a.email);

    // "Content-Length: 0"
    const auto with_empty = client.post("/auth/logout", {}, a.headers());
    EXPECT_EQ(with_empty.status, 200) << with_empty.body;
    // No Content-Length and no body.
    const auto without = client.send({.method = "POST",
                                      .target = "/auth/logout",
                                      .headers = b.headers(),
                                      .body = {},
                                      .send_content_length = false});
    EXPECT_EQ(without.status, 200) << without.body;
}

TEST(Logout, AllDevicesEndsEverySessionOfTheUserAndNoOtherUsers)
{
    server_process server;
    http_client client(server.port());
    const session_handle first = new_session(client);
    const session_handle second = log_in_ok(client, first.email);
    const session_handle stranger = new_session(client);

    const auto res = log_out(client, second, "?all_devices=true");
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(res.json().at("message").as_string(), "Logout successful");
    EXPECT_EQ(res.json().at("sessions_ended").to_number<int>(), 2);
    expect_expires_session_cookie(res);

    EXPECT_EQ(me(client, first).status, 401);
    EXPECT_EQ(me(client, second).status, 401);
    EXPECT_EQ(me(client, stranger).status, 200) << "another user's session must survive";
}

// API.md: an expired session is treated exactly like a missing one, so it is not among the ended.
TEST(Logout, AllDevicesDoesNotCountASessionThatHadAlreadyExpired)
{
    server_process server({"--session-idle", "1s", "--purge-interval", "1h"});
    http_client client(server.port());
    const session_handle idle = new_session(client);
    const session_handle remembered = log_in_ok(client, idle.email, default_password, true);
    std::this_thread::sleep_for(std::chrono::milliseconds{1500});
    ASSERT_EQ(me(client, idle).status, 401) << "idle past its timeout";
    const session_handle fresh = log_in_ok(client, idle.email);

    const auto res = log_out(client, remembered, "?all_devices=true");
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(res.json().at("sessions_ended").to_number<int>(), 2) << "this one and the fresh one";
    EXPECT_EQ(me(client, fresh).status, 401);
    const auto rows = read_logs(server.db_path(), "USER_LOGOUT_ALL");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_TRUE(contains(rows[0].message, "(2 sessions)")) << rows[0].message;
}

TEST(Logout, AllDevicesFalseEndsOnlyTheCurrentSession)
{
    server_process server;
    http_client client(server.port());
    const session_handle first = new_session(client);
    const session_handle second = log_in_ok(client, first.email);

    ASSERT_EQ(log_out(client, first, "?all_devices=false").status, 200);
    EXPECT_EQ(me(client, first).status, 401);
    EXPECT_EQ(me(client, second).status, 200);
}

TEST(Logout, InvalidAllDevicesValueGets422AndTheSessionStays)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);

    const auto res = log_out(client, s, "?all_devices=maybe");
    EXPECT_EQ(res.status, 422) << res.body;
    EXPECT_EQ(res.error_code(), "VALIDATION_ERROR");
    EXPECT_EQ(me(client, s).status, 200);
}

TEST(Logout, ThirtyTwoConcurrentLogoutsWithOneCookieExactlyOneSucceeds)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);

    constexpr int n = 32;
    std::vector<pending_request> pending;
    pending.reserve(n);
    for (int i = 0; i < n; ++i) {
        pending.push_back(
            client.prepare({.method = "POST", .target = "/auth/logout", .headers = s.headers(), .body = {}}));
    }
    int ok = 0;
    int unauthorized = 0;
    int other = 0;
    for (const auto& res : finish_together(pending)) {
        if (res.status == 200) {
            ++ok;
        } else if (res.status == 401 && !set_cookies_named(res, "session").empty()) {
            ++unauthorized;
        } else {
            ++other;
        }
    }
    EXPECT_EQ(ok, 1);
    EXPECT_EQ(unauthorized, n - 1);
    EXPECT_EQ(other, 0);
    EXPECT_EQ(me(client, s).status, 401);
    EXPECT_EQ(read_logs(server.db_path(), "USER_LOGOUT").size(), 1U) << "one logout, one audit row";
}

TEST(Logout, RequestsInFlightDuringLogoutNeverBringTheSessionBack)
{
    // A short idle timeout makes every authenticated request refresh last_seen_at.
    server_process server({"--session-idle", "500ms"});
    http_client client(server.port());
    const session_handle s = new_session(client);

    std::atomic<bool> stop{false};
    std::vector<std::thread> readers;
    for (int i = 0; i < 4; ++i) {
        readers.emplace_back([&] {
            while (!stop) {
                try {
                    (void)me(client, s);
                } catch (const std::exception&) {
                }
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{150});
    std::optional<http_response> out;
    std::string failure;
    try {
        out = log_out(client, s);
    } catch (const std::exception& e) {
        failure = e.what();  // reported below, once the readers are joined
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{150});
    stop = true;
    for (auto& t : readers) {
        t.join();
    }
    ASSERT_TRUE(out) << "the logout request failed: " << failure;
    ASSERT_EQ(out->status, 200) << out->body;
    EXPECT_EQ(me(client, s).status, 401);
    EXPECT_EQ(count_sessions(server.db_path()), 0);
}

}  // namespace
}  // namespace authd::test
