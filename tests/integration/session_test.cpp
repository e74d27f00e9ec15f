// A user's sessions ("devices"): /auth/me, /auth/csrf, listing, ending one or the others, expiry.
#include "audit_db.hpp"
#include "auth_api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace authd::test {
namespace {

// Reads `value()` every 100 ms until it equals `wanted` or `timeout` passes; returns the last read
// (the background purge takes an unknown moment).
template <class Read>
auto poll_until(std::chrono::milliseconds timeout, Read value, decltype(value()) wanted)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto last = value();
    while (last != wanted && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds{100});
        last = value();
    }
    return last;
}

using namespace std::chrono_literals;

bool is_iso8601_utc(std::string_view t)
{
    // 2024-01-02T03:04:05Z or with fractional seconds: 2024-01-02T03:04:05.678Z
    if (t.size() < 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' ||
        t.back() != 'Z') {
        return false;
    }
    return std::isdigit(static_cast<unsigned char>(t[0])) != 0 &&
           std::isdigit(static_cast<unsigned char>(t[18])) != 0;
}

std::string session_id_of(const http_client& client, const session_handle& s)
{
    const auto res = me(client, s);
    if (res.status != 200) {
        return {};
    }
    return std::string(res.json().at("session").at("id").as_string());
}

TEST(Sessions, MeShowsTheUserAndTheCurrentSession)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);

    const auto res = me(client, s);
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(res.header("Cache-Control"), "no-store");
    const auto body = res.json();
    EXPECT_EQ(body.at("user").at("id").as_string(), s.user_id);
    EXPECT_EQ(body.at("user").at("email").as_string(), s.email);
    EXPECT_EQ(body.at("user").at("role").as_string(), "user");
    const auto& session = body.at("session");
    EXPECT_FALSE(session.at("id").as_string().empty());
    EXPECT_TRUE(is_iso8601_utc(session.at("created_at").as_string())) << session;
    EXPECT_TRUE(is_iso8601_utc(session.at("expires_at").as_string())) << session;
    EXPECT_EQ(body.at("user").as_object().if_contains("password_hash"), nullptr);
    EXPECT_FALSE(contains(res.body, s.token));
}

TEST(Sessions, CsrfEndpointReturnsTheSessionsToken)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    const auto res = client.get("/auth/csrf", s.headers(false));
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(res.json().at("csrf_token").as_string(), s.csrf);
    EXPECT_EQ(client.get("/auth/csrf").status, 401);
}

TEST(Sessions, ListShowsEverySessionOfTheUserWithTheCurrentFlag)
{
    server_process server;
    http_client client(server.port());
    const session_handle first = new_session(client);
    http_client phone(server.port(), "phone-browser/2.0");
    const session_handle second = log_in_ok(phone, first.email);
    (void)new_session(client);  // another user's session is never listed

    const auto res = client.get("/auth/sessions", first.headers(false));
    ASSERT_EQ(res.status, 200) << res.body;
    const auto listed = res.json();
    const auto& list = listed.at("sessions").as_array();
    ASSERT_EQ(list.size(), 2U) << res.body;
    const std::string first_id = session_id_of(client, first);
    const std::string second_id = session_id_of(client, second);
    int current = 0;
    for (const auto& item : list) {
        const auto& o = item.as_object();
        for (const auto* key :
             {"id", "created_at", "last_seen_at", "expires_at", "ip_address", "user_agent", "current"}) {
            EXPECT_NE(o.if_contains(key), nullptr) << "missing " << key << " in " << item;
        }
        EXPECT_EQ(o.at("ip_address").as_string(), "127.0.0.1");
        EXPECT_TRUE(is_iso8601_utc(o.at("created_at").as_string()));
        EXPECT_TRUE(is_iso8601_utc(o.at("last_seen_at").as_string()));
        EXPECT_TRUE(is_iso8601_utc(o.at("expires_at").as_string()));
        const std::string id(o.at("id").as_string());
        if (id == first_id) {
            EXPECT_TRUE(o.at("current").as_bool());
            EXPECT_EQ(o.at("user_agent").as_string(), client.user_agent());
            ++current;
        } else {
            EXPECT_EQ(id, second_id);
            EXPECT_FALSE(o.at("current").as_bool());
            EXPECT_EQ(o.at("user_agent").as_string(), "phone-browser/2.0");
        }
    }
    EXPECT_EQ(current, 1);
    EXPECT_FALSE(contains(res.body, first.token));
    EXPECT_FALSE(contains(res.body, second.token));
    EXPECT_FALSE(contains(res.body, second.csrf)) << "another session's CSRF token must not be listed";
}

TEST(Sessions, DeleteOthersKeepsTheCurrentSessionAndEndsTheRest)
{
    server_process server;
    http_client client(server.port());
    const session_handle current = new_session(client);
    const session_handle other1 = log_in_ok(client, current.email);
    const session_handle other2 = log_in_ok(client, current.email);
    const session_handle stranger = new_session(client);

    const auto res = client.del("/auth/sessions", current.headers());
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(res.json().at("sessions_ended").to_number<int>(), 2);
    EXPECT_TRUE(set_cookies_named(res, "session").empty() ||
                !set_cookies_named(res, "session").front().value.empty())
        << "the current session's cookie must not be expired";

    EXPECT_EQ(me(client, current).status, 200);
    EXPECT_EQ(me(client, other1).status, 401);
    EXPECT_EQ(me(client, other2).status, 401);
    EXPECT_EQ(me(client, stranger).status, 200);

    const auto list = client.get("/auth/sessions", current.headers(false));
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.json().at("sessions").as_array().size(), 1U);
}

TEST(Sessions, DeleteOwnOtherSessionByIdGets204AndEndsIt)
{
    server_process server;
    http_client client(server.port());
    const session_handle current = new_session(client);
    const session_handle other = log_in_ok(client, current.email);
    const std::string other_id = session_id_of(client, other);
    ASSERT_FALSE(other_id.empty());

    const auto res = client.del("/auth/sessions/" + other_id, current.headers());
    EXPECT_EQ(res.status, 204) << res.body;
    EXPECT_TRUE(res.body.empty());
    EXPECT_EQ(me(client, other).status, 401);
    EXPECT_EQ(me(client, current).status, 200);

    const auto again = client.del("/auth/sessions/" + other_id, current.headers());
    EXPECT_EQ(again.status, 404) << again.body;
    EXPECT_EQ(again.error_code(), "NOT_FOUND");
}

TEST(Sessions, DeleteNonexistentOrMalformedIdGets404)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);

    const auto missing = client.del("/auth/sessions/" + std::string(64, 'a'), s.headers());
    EXPECT_EQ(missing.status, 404) << missing.body;
    EXPECT_EQ(missing.error_code(), "NOT_FOUND");
    const auto malformed = client.del("/auth/sessions/not-a-session-id", s.headers());
    EXPECT_EQ(malformed.status, 404) << malformed.body;
    EXPECT_EQ(malformed.error_code(), "NOT_FOUND");
    EXPECT_EQ(me(client, s).status, 200);
}

TEST(Sessions, DeleteAnotherUsersSessionGets404AndItSurvives)
{
    server_process server;
    http_client client(server.port());
    const session_handle mine = new_session(client);
    const session_handle theirs = new_session(client);
    const std::string their_id = session_id_of(client, theirs);

    const auto res = client.del("/auth/sessions/" + their_id, mine.headers());
    EXPECT_EQ(res.status, 404) << res.body;
    EXPECT_EQ(me(client, theirs).status, 200);
}

TEST(Sessions, DeleteOwnCurrentSessionByIdEndsItAndExpiresTheCookie)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    const auto res = client.del("/auth/sessions/" + session_id_of(client, s), s.headers());
    EXPECT_EQ(res.status, 204) << res.body;
    const auto cookies = set_cookies_named(res, "session");
    ASSERT_EQ(cookies.size(), 1U);
    EXPECT_EQ(cookies[0].get("Max-Age"), "0");
    EXPECT_EQ(me(client, s).status, 401);
}

TEST(Sessions, UnusedSessionEndsAfterTheIdleTimeout)
{
    server_process server({"--session-idle", "2s"});
    http_client client(server.port());
    const session_handle s = new_session(client);
    ASSERT_EQ(me(client, s).status, 200);
    std::this_thread::sleep_for(3s);
    const auto res = me(client, s);
    EXPECT_EQ(res.status, 401) << res.body;
    EXPECT_EQ(res.error_code(), "NOT_AUTHENTICATED");
    // The logout checks expiry on the row it would end, not on a copy read before.
    const auto logout = log_out(client, s);
    EXPECT_EQ(logout.status, 401) << logout.body;
    EXPECT_EQ(logout.error_code(), "NOT_AUTHENTICATED");
    const auto cookies = set_cookies_named(logout, "session");
    ASSERT_EQ(cookies.size(), 1U) << "a dead cookie is expired";
    EXPECT_EQ(cookies[0].get("Max-Age"), "0");
    EXPECT_TRUE(read_logs(server.db_path(), "USER_LOGOUT").empty());
}

TEST(Sessions, SessionUsedEverySecondOutlivesTheIdleTimeout)
{
    server_process server({"--session-idle", "2s"});
    http_client client(server.port());
    const session_handle s = new_session(client);
    const auto until = std::chrono::steady_clock::now() + 3500ms;
    while (std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(1s);
        ASSERT_EQ(me(client, s).status, 200) << "an active session must slide its idle timeout";
    }
}

TEST(Sessions, AbsoluteLifetimeEndsEvenAnActiveSession)
{
    server_process server({"--session-absolute", "2s"});
    http_client client(server.port());
    const session_handle s = new_session(client);
    for (int i = 0; i < 5; ++i) {
        std::this_thread::sleep_for(600ms);
        (void)me(client, s);
    }
    EXPECT_EQ(me(client, s).status, 401);
}

TEST(Sessions, ExpiredSessionsArePurgedFromTheStore)
{
    server_process server({"--session-idle", "1s", "--purge-interval", "200ms"});
    http_client client(server.port());
    const session_handle s = new_session(client);
    ASSERT_EQ(count_sessions(server.db_path()), 1);
    EXPECT_EQ(poll_until(
                  5s, [&] { return count_sessions(server.db_path()); }, 0),
              0);
    EXPECT_EQ(me(client, s).status, 401);
}

TEST(Sessions, LoggedOutSessionRowsAreDeletedByThePurge)
{
    // A logout revokes at once (appends to the revocation log); the purge deletes the row after.
    server_process server({"--purge-interval", "200ms"});
    http_client client(server.port());
    const session_handle s = new_session(client);
    const session_handle kept = new_session(client);
    ASSERT_EQ(log_out(client, s).status, 200);
    EXPECT_EQ(count_sessions(server.db_path()), 1);
    EXPECT_EQ(poll_until(
                  5s, [&] { return count_session_rows(server.db_path()); }, 1),
              1);
    EXPECT_EQ(me(client, s).status, 401);
    EXPECT_EQ(me(client, kept).status, 200);
}

TEST(Sessions, ALoggedOutSessionRowIsGoneWhenTheLogoutIsAcknowledged)
{
    // API.md: logout deletes the session from the store. Under ordinary load (not a storm of
    // logouts, whose rows wait for the purges) the row goes in the logout's own transaction.
    server_process server({"--purge-interval", "1h"});
    http_client client(server.port());
    const session_handle s = new_session(client);
    const session_handle kept = new_session(client);
    const session_handle other_device = log_in_ok(client, s.email);
    ASSERT_EQ(count_session_rows(server.db_path()), 3);
    ASSERT_EQ(log_out(client, s).status, 200);
    EXPECT_EQ(count_session_rows(server.db_path()), 2) << "deleted before the answer";
    const auto one = client.del("/auth/sessions/" + session_id_of(client, other_device), kept.headers());
    EXPECT_EQ(one.status, 404) << "another user's session: " << one.body;
    const auto mine =
        client.del("/auth/sessions/" + session_id_of(client, other_device), other_device.headers());
    ASSERT_EQ(mine.status, 204) << mine.body;
    EXPECT_EQ(count_session_rows(server.db_path()), 1)
        << "DELETE /auth/sessions/{id} deletes it before the answer";
    EXPECT_EQ(me(client, s).status, 401);
    EXPECT_EQ(me(client, other_device).status, 401);
    EXPECT_EQ(me(client, kept).status, 200);
}

TEST(Sessions, ExpiredSessionIsNotListedAmongTheDevices)
{
    server_process server({"--session-idle", "2s", "--purge-interval", "1h"});
    http_client client(server.port());
    const session_handle idle = new_session(client);
    std::this_thread::sleep_for(1200ms);
    const session_handle active = log_in_ok(client, idle.email);
    std::this_thread::sleep_for(1200ms);
    const auto res = client.get("/auth/sessions", active.headers(false));
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(res.json().at("sessions").as_array().size(), 1U) << res.body;
}

}  // namespace
}  // namespace authd::test
