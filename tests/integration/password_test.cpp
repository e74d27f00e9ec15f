// POST /auth/password: a new password ends every other session and rotates the current one.
#include "audit_db.hpp"
#include "auth_api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

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

// Whether the answer sets no new session (an expiring cookie, or none).
bool starts_no_session(const http_response& res)
{
    const auto cookies = set_cookies_named(res, "session");
    return std::all_of(cookies.begin(), cookies.end(), [](const auto& c) { return c.value.empty(); });
}

// A change written up to its last byte, to be released at a chosen moment.
pending_request prepared_change(const http_client& client, const session_handle& s,
                                std::string_view replacement)
{
    header_list headers = s.headers();
    headers.emplace_back("Content-Type", "application/json");
    return client.prepare({.method = "POST",
                           .target = "/auth/password",
                           .headers = std::move(headers),
                           .body = boost::json::serialize(boost::json::object{
                               {"current_password", default_password}, {"new_password", replacement}})});
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

// A double (or quadruple) submit: all four pass authentication before any has hashed its
// passwords. Exactly one changes the password; the others find their session ended and change
// nothing, as concurrent logouts with one cookie do.
TEST(Password, OfConcurrentChangesWithOneCookieExactlyOneSucceeds)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);

    constexpr int n = 4;
    std::vector<pending_request> pending;
    pending.reserve(n);
    for (int i = 0; i < n; ++i) {
        pending.push_back(prepared_change(client, s, "new passphrase number " + std::to_string(i)));
    }
    const std::vector<http_response> answers = finish_together(pending);
    int winner = -1;
    for (int i = 0; i < n; ++i) {
        const auto& res = answers[static_cast<std::size_t>(i)];
        if (res.status == 200) {
            EXPECT_EQ(winner, -1) << "a second 200: " << res.body;
            winner = i;
        } else {
            EXPECT_EQ(res.status, 401) << res.body;
            EXPECT_EQ(res.error_code(), "NOT_AUTHENTICATED");
            EXPECT_TRUE(starts_no_session(res));
        }
    }
    ASSERT_NE(winner, -1) << "no change succeeded";
    const auto& won = answers[static_cast<std::size_t>(winner)];
    const auto cookies = set_cookies_named(won, "session");
    ASSERT_EQ(cookies.size(), 1U);
    const session_handle rotated =
        session_for(cookies[0].value, std::string(won.json().at("csrf_token").as_string()));
    EXPECT_EQ(me(client, rotated).status, 200) << "the winner's new cookie works";
    EXPECT_EQ(me(client, s).status, 401);
    for (int i = 0; i < n; ++i) {
        const auto login = log_in(client, s.email, "new passphrase number " + std::to_string(i));
        EXPECT_EQ(login.status, i == winner ? 200 : 401) << "password " << i << ": " << login.body;
    }
    EXPECT_EQ(log_in(client, s.email, default_password).status, 401);
    EXPECT_EQ(read_logs(server.db_path(), "PASSWORD_CHANGED").size(), 1U);
}

// Someone changes the password with a copied cookie; the user sees it and logs out everywhere from
// another device while the change is still hashing. The change must not hand its sender a new
// session, nor change the password.
TEST(Password, AChangeStillHashingWhenItsSessionIsLoggedOutEverywhereChangesNothing)
{
    server_process server;
    http_client client(server.port());
    const session_handle copied = new_session(client);
    const session_handle phone = log_in_ok(client, copied.email);

    // Registrations keep both hashing threads busy, so the change, which authenticates at once,
    // then waits behind them for its hashes: the logout lands in that wait.
    constexpr int registrations = 8;
    std::vector<pending_request> busy;
    for (int i = 0; i < registrations; ++i) {
        busy.push_back(
            client.prepare({.method = "POST",
                            .target = "/auth/register",
                            .headers = {{"Content-Type", "application/json"}},
                            .body = boost::json::serialize(boost::json::object{
                                {"email", unique_email("busy")}, {"password", default_password}})}));
    }
    pending_request change = prepared_change(client, copied, new_password);
    std::vector<std::thread> senders;
    for (auto& b : busy) {
        senders.emplace_back([&b] { EXPECT_EQ(b.finish().status, 201); });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
    http_response changed;
    senders.emplace_back([&] { changed = change.finish(); });
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
    const auto everywhere = log_out(client, phone, "?all_devices=true");
    for (auto& t : senders) {
        t.join();
    }

    ASSERT_EQ(everywhere.status, 200) << everywhere.body;
    EXPECT_EQ(everywhere.json().at("sessions_ended").to_number<int>(), 2);
    EXPECT_EQ(changed.status, 401) << changed.body;
    EXPECT_EQ(changed.error_code(), "NOT_AUTHENTICATED");
    EXPECT_TRUE(starts_no_session(changed)) << "no new session cookie";
    EXPECT_EQ(me(client, copied).status, 401);
    EXPECT_EQ(log_in(client, copied.email, new_password).status, 401) << "the password did not change";
    EXPECT_EQ(log_in(client, copied.email, default_password).status, 200);
    EXPECT_TRUE(read_logs(server.db_path(), "PASSWORD_CHANGED").empty());
}

}  // namespace
}  // namespace authd::test
