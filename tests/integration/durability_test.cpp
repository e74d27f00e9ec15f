// A logged-out token stays dead across a clean restart and across a crash (kill -9).
#include "audit_db.hpp"
#include "auth_api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <gtest/gtest.h>

namespace authd::test {
namespace {

TEST(Durability, RestartKeepsALoggedOutTokenDeadAndALiveOneAlive)
{
    server_process server;
    const session_handle live = [&] {
        http_client client(server.port());
        return new_session(client);
    }();
    const session_handle ended = [&] {
        http_client client(server.port());
        session_handle s = log_in_ok(client, live.email);
        EXPECT_EQ(log_out(client, s).status, 200);
        return s;
    }();

    ASSERT_EQ(server.stop(), 0) << "SIGTERM must end authd with exit code 0\n" << server.log_text();
    server.restart();
    http_client client(server.port());

    EXPECT_EQ(me(client, ended).status, 401);
    EXPECT_EQ(log_out(client, ended).status, 401);
    const auto alive = me(client, live);
    EXPECT_EQ(alive.status, 200) << alive.body;
    EXPECT_EQ(log_in(client, live.email).status, 200) << "the account survives the restart";
    EXPECT_EQ(log_out(client, live).status, 200) << "the CSRF token survives the restart too";
    EXPECT_EQ(server.stop(), 0);
}

TEST(Durability, KillNineRightAfterLogoutKeepsTheTokenDead)
{
    server_process server;
    session_handle ended;
    session_handle live;
    {
        http_client client(server.port());
        ended = new_session(client);
        live = log_in_ok(client, ended.email);
        const auto out = log_out(client, ended);
        ASSERT_EQ(out.status, 200);
    }
    server.kill9();  // immediately after the 200: no shutdown, nothing flushed by the process
    server.restart();
    http_client client(server.port());
    EXPECT_EQ(me(client, ended).status, 401);
    EXPECT_EQ(me(client, live).status, 200);
    EXPECT_EQ(read_logs(server.db_path(), "USER_LOGOUT").size(), 1U)
        << "the audit row was committed with the logout";
}

TEST(Durability, KillNineRightAfterPasswordChangeKeepsOldSessionsDead)
{
    server_process server;
    session_handle old;
    {
        http_client client(server.port());
        old = new_session(client);
        const auto res = client.post("/auth/password",
                                     R"({"current_password":")" + std::string(default_password) +
                                         R"(","new_password":"another long passphrase"})",
                                     [&] {
                                         auto h = old.headers();
                                         h.emplace_back("Content-Type", "application/json");
                                         return h;
                                     }());
        ASSERT_EQ(res.status, 200) << res.body;
    }
    server.kill9();
    server.restart();
    http_client client(server.port());
    EXPECT_EQ(me(client, old).status, 401);
    EXPECT_EQ(log_in(client, old.email).status, 401);
    EXPECT_EQ(log_in(client, old.email, "another long passphrase").status, 200);
}

TEST(Durability, LogoutOnOneInstanceEndsTheSessionOnAnotherSharingTheDatabase)
{
    // API.md: "a token that was logged out never works again, on any instance".
    server_process first;
    server_process second({"--db", first.db_path().string()});
    http_client a(first.port());
    http_client b(second.port());
    const session_handle s = new_session(a);
    ASSERT_EQ(me(b, s).status, 200) << "the second instance sees the session";
    ASSERT_EQ(me(b, s).status, 200);

    ASSERT_EQ(log_out(a, s).status, 200);
    const auto after = me(b, s);
    EXPECT_EQ(after.status, 401) << "the second instance still accepts a logged-out token: " << after.body;
    EXPECT_EQ(log_out(b, s).status, 401);
}

}  // namespace
}  // namespace authd::test
