#include "api/routes.hpp"

#include <gtest/gtest.h>

namespace authd::api {
namespace {

using boost::beast::http::verb;

struct expected_route {
    verb method;
    std::string_view path;
    session_use session;
    bool needs_csrf;
};

TEST(RouteTable, MatchesEveryRouteWithItsRequirements)
{
    constexpr auto none = session_use::none;
    constexpr auto checked = session_use::checked;
    const expected_route rows[] = {
        {verb::post, "/auth/register", none, false},
        {verb::post, "/auth/login", none, false},
        {verb::post, "/auth/logout", session_use::ended, true},
        {verb::get, "/auth/me", checked, false},
        {verb::get, "/auth/csrf", checked, false},
        {verb::get, "/auth/sessions", checked, false},
        {verb::delete_, "/auth/sessions", checked, true},
        {verb::delete_, "/auth/sessions/0123abcd", checked, true},
        {verb::post, "/auth/password", checked, true},
        {verb::get, "/health", none, false},
        {verb::get, "/ready", none, false},
    };
    for (const auto& row : rows) {
        const route_match m = match_route(row.path, row.method);
        ASSERT_NE(m.matched, nullptr) << row.path;
        EXPECT_EQ(m.matched->method, row.method) << row.path;
        EXPECT_EQ(m.matched->session, row.session) << row.path;
        EXPECT_EQ(m.matched->needs_csrf, row.needs_csrf) << row.path;
        EXPECT_NE(m.matched->handle, nullptr);
    }
}

TEST(RouteTable, EveryStateChangingRouteWithASessionIsCsrfChecked)
{
    for (const route& r : route_table()) {
        const bool state_changing =
            r.method != verb::get && r.method != verb::head && r.method != verb::options;
        const bool needs_session = r.session != session_use::none;
        if (needs_session && state_changing) {
            EXPECT_TRUE(r.needs_csrf) << r.pattern;
        }
        EXPECT_FALSE(r.needs_csrf && !needs_session)
            << r.pattern << ": CSRF needs a session to check against";
    }
}

TEST(RouteTable, LogoutStoreFailureIsLogoutFailed)
{
    const route_match m = match_route("/auth/logout", verb::post);
    ASSERT_NE(m.matched, nullptr);
    EXPECT_EQ(m.matched->on_store_failure, errc::logout_failed);
}

TEST(RouteTable, WrongMethodListsTheAllowedOnes)
{
    const route_match sessions = match_route("/auth/sessions", verb::put);
    EXPECT_EQ(sessions.matched, nullptr);
    EXPECT_EQ(sessions.allow, "GET, HEAD, DELETE");

    const route_match logout = match_route("/auth/logout", verb::get);
    EXPECT_EQ(logout.matched, nullptr);
    EXPECT_EQ(logout.allow, "POST");

    const route_match one_session = match_route("/auth/sessions/abc", verb::get);
    EXPECT_EQ(one_session.matched, nullptr);
    EXPECT_EQ(one_session.allow, "DELETE");

    EXPECT_EQ(match_route("/health", verb::post).allow, "GET, HEAD");
}

TEST(RouteTable, HeadIsServedByTheGetRoute)
{
    const route_match me = match_route("/auth/me", verb::head);
    ASSERT_NE(me.matched, nullptr);
    EXPECT_EQ(me.matched->method, verb::get);
    EXPECT_EQ(match_route("/auth/logout", verb::head).allow, "POST") << "no GET, so no HEAD";
}

TEST(RouteTable, CapturesThePlaceholder)
{
    const route_match m = match_route("/auth/sessions/9f86d081884c7d65", verb::delete_);
    ASSERT_NE(m.matched, nullptr);
    EXPECT_EQ(m.matched->pattern, "/auth/sessions/{id}");
    ASSERT_EQ(m.params.size(), 1u);
    EXPECT_EQ(m.params[0], "9f86d081884c7d65");
}

TEST(RouteTable, PlainSessionsPathHasNoParameters)
{
    const route_match m = match_route("/auth/sessions", verb::delete_);
    ASSERT_NE(m.matched, nullptr);
    EXPECT_EQ(m.matched->pattern, "/auth/sessions");
    EXPECT_TRUE(m.params.empty());
}

TEST(RouteTable, TrailingSlashIsNotFound)
{
    for (const char* path : {"/auth/logout/", "/auth/sessions/", "/health/", "/auth/sessions/abc/"}) {
        const route_match m = match_route(path, verb::post);
        EXPECT_EQ(m.matched, nullptr) << path;
        EXPECT_TRUE(m.allow.empty()) << path << " allow=" << m.allow;
        EXPECT_EQ(match_route(path, verb::delete_).matched, nullptr) << path;
        EXPECT_EQ(match_route(path, verb::get).matched, nullptr) << path;
    }
}

TEST(RouteTable, UnknownPathsAreNotFound)
{
    for (const char* path : {"/", "", "/auth", "/auth/", "/nope", "/auth/sessions/a/b", "/AUTH/LOGOUT",
                             "//auth/logout", "/auth//logout", "/auth/logoutx", "/healthz"}) {
        for (const verb v : {verb::get, verb::post, verb::delete_}) {
            const route_match m = match_route(path, v);
            EXPECT_EQ(m.matched, nullptr) << path;
            EXPECT_TRUE(m.allow.empty()) << path << " allow=" << m.allow;
        }
    }
}

}  // namespace
}  // namespace authd::api
