// POST /auth/password: a new password ends every other session and rotates the current one.
#include "audit_db.hpp"
#include "auth_api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <boost/json/object.hpp>
#include <gtest/gtest.h>

namespace authd::test {
namespace {

constexpr std::string_view new_password = "a brand new passphrase";

http_response change_password(const http_client& client, const session_handle& s, std::string_view current,
                              std::string_view replacement)
{
    return client.post_json("/auth/password",
                            boost::json::object{{"current_password", current}, {"new_password", replacement}},
                            s.headers());
}

TEST(Password, WrongCurrentPasswordGets401AndTheSessionStays)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);

    const auto res = change_password(client, s, "not the password", new_password);
    EXPECT_EQ(res.status, 401) << res.body;
    EXPECT_EQ(res.error_code(), "INVALID_CREDENTIALS");
    EXPECT_TRUE(set_cookies_named(res, "session").empty()) << "a wrong password must not touch the cookie";
    EXPECT_EQ(me(client, s).status, 200);
    EXPECT_EQ(log_in(client, s.email).status, 200) << "the old password still works";
}

// A stolen cookie must not turn the password-change form into an unlimited password oracle.
TEST(Password, WrongCurrentPasswordsAreAuditedAndLimitedLikeFailedLogins)
{
    server_process server({"--login-max-failures", "3"});
    http_client client(server.port());
    const session_handle s = new_session(client);
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(change_password(client, s, "guess number " + std::to_string(i), new_password).status, 401);
    }
    const auto limited = change_password(client, s, default_password, new_password);
    EXPECT_EQ(limited.status, 429) << "even the right password waits once the limit is reached";
    EXPECT_EQ(limited.error_code(), "RATE_LIMITED");
    const int retry_after = std::stoi(limited.header("Retry-After").value_or("0"));
    EXPECT_GE(retry_after, 1);
    EXPECT_LE(retry_after, 15 * 60);
    EXPECT_EQ(log_in(client, s.email).status, 429) << "one limit for login and password change";
    EXPECT_EQ(me(client, s).status, 200) << "the session itself stays";

    const auto failures = read_logs(server.db_path(), "USER_LOGIN_FAILED");
    ASSERT_GE(failures.size(), 3u);
    EXPECT_EQ(failures[0].user_id.value_or(""), s.user_id);
    EXPECT_TRUE(contains(failures[0].message, "Password change refused")) << failures[0].message;
    EXPECT_TRUE(read_logs(server.db_path(), "PASSWORD_CHANGED").empty());
}

TEST(Password, ChangeRotatesThisSessionEndsOthersAndSwapsThePassword)
{
    server_process server;
    http_client client(server.port());
    const session_handle mine = new_session(client);
    const session_handle laptop = log_in_ok(client, mine.email);
    const session_handle phone = log_in_ok(client, mine.email);

    const auto res = change_password(client, mine, default_password, new_password);
    ASSERT_EQ(res.status, 200) << res.body;
    const auto body = res.json();
    EXPECT_EQ(body.at("message").as_string(), "Password changed");
    EXPECT_EQ(body.at("sessions_ended").to_number<int>(), 2);
    const std::string csrf(body.at("csrf_token").as_string());
    EXPECT_FALSE(csrf.empty());
    EXPECT_NE(csrf, mine.csrf);
    const auto cookies = set_cookies_named(res, "session");
    ASSERT_EQ(cookies.size(), 1U);
    EXPECT_FALSE(cookies[0].value.empty());
    EXPECT_NE(cookies[0].value, mine.token);
    EXPECT_EQ(cookies[0].normalized_attributes(),
              normalized({"Path=/", "HttpOnly", "Secure", "SameSite=Lax"}));

    EXPECT_EQ(me(client, mine).status, 401) << "the old cookie of this device is dead";
    EXPECT_EQ(me(client, laptop).status, 401);
    EXPECT_EQ(me(client, phone).status, 401);

    const session_handle rotated = session_for(cookies[0].value, csrf);
    EXPECT_EQ(me(client, rotated).status, 200);
    const auto csrf_now = client.get("/auth/csrf", rotated.headers(false));
    ASSERT_EQ(csrf_now.status, 200);
    EXPECT_EQ(csrf_now.json().at("csrf_token").as_string(), csrf);

    const auto old_login = log_in(client, mine.email, default_password);
    EXPECT_EQ(old_login.status, 401) << old_login.body;
    EXPECT_EQ(old_login.error_code(), "INVALID_CREDENTIALS");
    EXPECT_EQ(log_in(client, mine.email, new_password).status, 200);

    EXPECT_EQ(log_out(client, rotated).status, 200) << "the new CSRF token guards the new session";
}

TEST(Password, TooShortNewPasswordGets422AndNothingChanges)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    const auto res = change_password(client, s, default_password, "short");
    EXPECT_EQ(res.status, 422) << res.body;
    EXPECT_EQ(res.error_code(), "VALIDATION_ERROR");
    EXPECT_EQ(me(client, s).status, 200);
    EXPECT_EQ(log_in(client, s.email).status, 200);
}

TEST(Password, MissingFieldsGet422)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    const auto res =
        client.post_json("/auth/password", boost::json::object{{"new_password", new_password}}, s.headers());
    EXPECT_EQ(res.status, 422) << res.body;
    EXPECT_EQ(me(client, s).status, 200);
}

TEST(Password, ChangeWithoutCsrfTokenGets403AndNothingChanges)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    const auto res = client.post_json(
        "/auth/password",
        boost::json::object{{"current_password", default_password}, {"new_password", new_password}},
        s.headers(false));
    EXPECT_EQ(res.status, 403) << res.body;
    EXPECT_EQ(res.error_code(), "CSRF_FAILED");
    EXPECT_EQ(me(client, s).status, 200);
    EXPECT_EQ(log_in(client, s.email).status, 200);
}

TEST(Password, ChangeWithoutSessionGets401)
{
    server_process server;
    http_client client(server.port());
    const auto res = client.post_json(
        "/auth/password",
        boost::json::object{{"current_password", default_password}, {"new_password", new_password}});
    EXPECT_EQ(res.status, 401) << res.body;
    EXPECT_EQ(res.error_code(), "NOT_AUTHENTICATED");
}

}  // namespace
}  // namespace authd::test
