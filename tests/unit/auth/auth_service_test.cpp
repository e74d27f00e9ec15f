#include "auth/auth_service.hpp"

#include "session/memory_store.hpp"
#include "support/failing_stores.hpp"
#include "support/memory_user_store.hpp"
#include "support/run.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <thread>

namespace authd::auth {
namespace {

using namespace std::chrono_literals;
using audit::event_type;
using test::run;

const sys_ms t0 = from_unix_ms(1'795'549'419'000);
const argon2_cost cheap{.ops_limit = 1, .mem_limit = 8192};
const std::string alice_password = "correct horse battery";

class AuthServiceTest : public ::testing::Test {
protected:
    user register_user(const std::string& email = "alice@example.com",
                       const std::string& password = alice_password)
    {
        auto r = run(ioc, service.register_user(email, password, client));
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
        return r ? *r : user{};
    }
    result<login_success> try_login(const std::string& email, const std::string& password,
                                    bool remember_me = false,
                                    std::optional<std::string> previous = std::nullopt)
    {
        return run(ioc, service.log_in(email, password, remember_me, client, std::move(previous)));
    }
    login_success login(const std::string& email = "alice@example.com",
                        const std::string& password = alice_password, bool remember_me = false)
    {
        auto r = try_login(email, password, remember_me);
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
        return r ? std::move(*r) : login_success{};
    }
    bool session_exists(const session::token_hash& h)
    {
        auto found = run(ioc, memory.find(h));
        EXPECT_TRUE(found.has_value());
        return found && found->has_value();
    }
    std::vector<audit::audit_event> events_of(event_type type) const
    {
        std::vector<audit::audit_event> out;
        for (auto& e : audit_log.events()) {
            if (e.type == type) {
                out.push_back(e);
            }
        }
        return out;
    }
    // No audit field carries any of the secrets.
    void expect_no_secret_in_audit(std::initializer_list<std::string_view> secrets) const
    {
        for (const auto& e : audit_log.events()) {
            for (const auto secret : secrets) {
                ASSERT_FALSE(secret.empty());
                EXPECT_EQ(e.message.find(secret), std::string::npos) << e.message;
                EXPECT_EQ(e.user_agent.find(secret), std::string::npos);
                EXPECT_EQ(e.session_ref.value_or("").find(secret), std::string::npos);
            }
        }
    }

    boost::asio::io_context ioc;
    manual_clock clock{t0};
    session::memory_store memory;
    test::failing_session_store store{memory};  // passes everything through until told to fail
    session::session_service sessions{store, clock, session::session_policy{}};
    test::memory_user_store users;
    audit::memory_audit_log audit_log;
    password_hasher hasher{1, 16, cheap};
    login_limiter limiter{clock, login_limits{}};
    auth_service service{users, sessions, audit_log, hasher, limiter};
    client_info client{"203.0.113.7", "Mozilla/5.0 (unit test)"};
};

TEST_F(AuthServiceTest, RegisterStoresOnlyAnArgon2idHashAndAudits)
{
    const user u = register_user();
    EXPECT_FALSE(u.id.empty());
    EXPECT_EQ(u.email, "alice@example.com");
    EXPECT_EQ(u.role, "user");
    const auto stored = run(ioc, users.find_by_email("alice@example.com"));
    ASSERT_TRUE(stored.has_value() && stored->has_value());
    EXPECT_TRUE((*stored)->password_hash.starts_with("$argon2id$"));
    EXPECT_EQ((*stored)->password_hash.find(alice_password), std::string::npos);

    const auto events = events_of(event_type::user_register);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].user_id, u.id);
    EXPECT_EQ(events[0].ip_address, "203.0.113.7");
    EXPECT_EQ(events[0].user_agent, "Mozilla/5.0 (unit test)");
    EXPECT_EQ(events[0].created_at, t0);
    expect_no_secret_in_audit({alice_password});
}

TEST_F(AuthServiceTest, RegisterWithATakenEmailIsEmailTaken)
{
    register_user();
    const auto again = run(ioc, service.register_user("alice@example.com", "another password", client));
    ASSERT_TRUE(again.has_error());
    EXPECT_EQ(again.error(), errc::email_taken);
    EXPECT_EQ(users.size(), 1u);
}

TEST_F(AuthServiceTest, LoginStartsASessionAndAuditsUserLogin)
{
    const user u = register_user();
    const login_success ok = login();
    EXPECT_EQ(ok.account.id, u.id);
    EXPECT_EQ(ok.account.email, "alice@example.com");
    EXPECT_EQ(ok.session.record.user_id, u.id);
    EXPECT_FALSE(ok.session.record.remember_me);
    EXPECT_TRUE(session_exists(ok.session.record.hash));
    EXPECT_TRUE(run(ioc, sessions.authenticate(ok.session.cookie_value)).has_value());

    const auto events = events_of(event_type::user_login);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].user_id, u.id);
    EXPECT_EQ(events[0].session_ref, session::log_ref(ok.session.record.hash));
    EXPECT_EQ(events[0].ip_address, client.ip_address);
    EXPECT_EQ(events[0].user_agent, client.user_agent);
    expect_no_secret_in_audit({ok.session.cookie_value, ok.session.record.csrf_token, alice_password});
}

TEST_F(AuthServiceTest, RememberMeLoginGetsARememberMeSession)
{
    register_user();
    const login_success ok = login("alice@example.com", alice_password, true);
    EXPECT_TRUE(ok.session.record.remember_me);
    EXPECT_EQ(ok.session.record.expires_at, t0 + 24h * 30);
}

TEST_F(AuthServiceTest, LoginEndsTheSessionOfThePreviousCookie)
{
    register_user();
    const login_success first = login();
    const auto second = try_login("alice@example.com", alice_password, false, first.session.cookie_value);
    ASSERT_TRUE(second.has_value());
    EXPECT_NE(second->session.cookie_value, first.session.cookie_value);
    EXPECT_NE(second->session.record.hash, first.session.record.hash);
    EXPECT_FALSE(session_exists(first.session.record.hash));
    EXPECT_TRUE(session_exists(second->session.record.hash));
    const auto logins = events_of(event_type::user_login);
    ASSERT_EQ(logins.size(), 2u);
    EXPECT_EQ(logins[0].message, "User logged in");
    EXPECT_EQ(logins[1].message, "User logged in; the session " +
                                     session::log_ref(first.session.record.hash) +
                                     " of the cookie it came with ended")
        << "the end of the old session is on record";
}

TEST_F(AuthServiceTest, UnknownEmailIsInvalidCredentials)
{
    register_user();
    const auto r = try_login("nobody@example.com", alice_password);
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error(), errc::invalid_credentials);
    EXPECT_EQ(memory.size(), 0u);
    const auto failed = events_of(event_type::user_login_failed);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_FALSE(failed[0].user_id.has_value());
    EXPECT_EQ(failed[0].ip_address, client.ip_address);
    expect_no_secret_in_audit({alice_password});
}

TEST_F(AuthServiceTest, WrongPasswordIsInvalidCredentials)
{
    const user u = register_user();
    const auto r = try_login("alice@example.com", "wrong password!");
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error(), errc::invalid_credentials);
    EXPECT_EQ(memory.size(), 0u);
    const auto failed = events_of(event_type::user_login_failed);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].user_id, u.id);
    EXPECT_TRUE(events_of(event_type::user_login).empty());
    expect_no_secret_in_audit({"wrong password!", alice_password});
}

TEST_F(AuthServiceTest, RepeatedFailuresAreRateLimitedEvenWithTheRightPassword)
{
    register_user();
    for (int i = 0; i < 5; ++i) {
        const auto r = try_login("alice@example.com", "wrong password!");
        ASSERT_TRUE(r.has_error());
        EXPECT_EQ(r.error(), errc::invalid_credentials) << "attempt " << i;
    }
    const auto limited = try_login("alice@example.com", alice_password);
    ASSERT_TRUE(limited.has_error());
    EXPECT_EQ(limited.error(), errc::rate_limited);
    EXPECT_GT(service.login_retry_after("alice@example.com", client.ip_address).count(), 0);
    EXPECT_EQ(memory.size(), 0u);

    clock.advance(15min);
    EXPECT_TRUE(try_login("alice@example.com", alice_password).has_value());
}

TEST_F(AuthServiceTest, UnknownEmailsAreRateLimitedToo)
{
    for (int i = 0; i < 5; ++i) {
        ASSERT_EQ(try_login("ghost@example.com", "whatever pw").error(), errc::invalid_credentials);
    }
    EXPECT_EQ(try_login("ghost@example.com", "whatever pw").error(), errc::rate_limited);
}

TEST_F(AuthServiceTest, LogoutEndsTheSessionAndAuditsUserLogout)
{
    const user u = register_user();
    const login_success ok = login();
    clock.advance(1min);
    const auto ended = run(ioc, service.log_out(ok.session.record, false, client));
    ASSERT_TRUE(ended.has_value());
    EXPECT_EQ(*ended, 1u);
    EXPECT_FALSE(session_exists(ok.session.record.hash));
    const auto again = run(ioc, sessions.authenticate(ok.session.cookie_value));
    ASSERT_TRUE(again.has_error());
    EXPECT_EQ(again.error(), errc::not_authenticated);

    const auto events = events_of(event_type::user_logout);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].user_id, u.id);
    EXPECT_EQ(events[0].session_ref, session::log_ref(ok.session.record.hash));
    EXPECT_EQ(events[0].session_ref->size(), 12u);
    EXPECT_EQ(events[0].ip_address, client.ip_address);
    EXPECT_EQ(events[0].user_agent, client.user_agent);
    EXPECT_EQ(events[0].created_at, t0 + 1min);
    EXPECT_TRUE(events_of(event_type::user_login).size() == 1u) << "a logout is never audited as a login";
    expect_no_secret_in_audit({ok.session.cookie_value, ok.session.record.csrf_token});
}

TEST_F(AuthServiceTest, SecondLogoutWithTheSameSessionIsNotAuthenticated)
{
    register_user();
    const login_success ok = login();
    ASSERT_TRUE(run(ioc, service.log_out(ok.session.record, false, client)).has_value());
    const auto second = run(ioc, service.log_out(ok.session.record, false, client));
    ASSERT_TRUE(second.has_error());
    EXPECT_EQ(second.error(), errc::not_authenticated);
    EXPECT_EQ(events_of(event_type::user_logout).size(), 1u);
}

TEST_F(AuthServiceTest, OfConcurrentLogoutsWithOneSessionExactlyOneSucceeds)
{
    register_user();
    const login_success ok = login();
    constexpr int threads = 8;
    std::atomic<int> succeeded{0};
    std::atomic<int> not_authenticated{0};
    std::latch start{threads};
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&, all_devices = i % 2 == 0] {
            boost::asio::io_context own;
            start.arrive_and_wait();
            const auto r = run(own, service.log_out(ok.session.record, all_devices, client));
            if (r) {
                ++succeeded;
            } else if (r.error() == errc::not_authenticated) {
                ++not_authenticated;
            }
        });
    }
    for (auto& t : pool) {
        t.join();
    }
    EXPECT_EQ(succeeded.load(), 1);
    EXPECT_EQ(not_authenticated.load(), threads - 1);
    EXPECT_EQ(events_of(event_type::user_logout).size() + events_of(event_type::user_logout_all).size(), 1u);
}

TEST_F(AuthServiceTest, LogoutOfOneDeviceKeepsTheOthers)
{
    register_user();
    const login_success laptop = login();
    const login_success phone = login();
    ASSERT_TRUE(run(ioc, service.log_out(laptop.session.record, false, client)).has_value());
    EXPECT_FALSE(session_exists(laptop.session.record.hash));
    EXPECT_TRUE(session_exists(phone.session.record.hash));
}

TEST_F(AuthServiceTest, LogoutFromAllDevicesEndsEverySessionOfTheUserAndCountsThem)
{
    register_user();
    const user bob = register_user("bob@example.com", "bob's password");
    const login_success a = login();
    const login_success b = login();
    const login_success c = login();
    const login_success bobs = login("bob@example.com", "bob's password");

    const auto ended = run(ioc, service.log_out(b.session.record, true, client));
    ASSERT_TRUE(ended.has_value());
    EXPECT_EQ(*ended, 3u);
    EXPECT_FALSE(session_exists(a.session.record.hash));
    EXPECT_FALSE(session_exists(b.session.record.hash));
    EXPECT_FALSE(session_exists(c.session.record.hash));
    EXPECT_TRUE(session_exists(bobs.session.record.hash));

    const auto events = events_of(event_type::user_logout_all);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].user_id, a.account.id);
    EXPECT_EQ(events[0].session_ref, session::log_ref(b.session.record.hash));
    EXPECT_NE(events[0].message.find('3'), std::string::npos) << events[0].message;
    EXPECT_TRUE(events_of(event_type::user_logout).empty());
    (void)bob;
}

TEST_F(AuthServiceTest, LogoutFromAllDevicesWithAnEndedSessionIsNotAuthenticatedAndEndsNothing)
{
    register_user();
    const login_success a = login();
    const login_success b = login();
    ASSERT_TRUE(run(ioc, service.log_out(a.session.record, false, client)).has_value());
    const auto r = run(ioc, service.log_out(a.session.record, true, client));
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error(), errc::not_authenticated);
    EXPECT_TRUE(session_exists(b.session.record.hash));
}

TEST_F(AuthServiceTest, LogoutWhenTheStoreFailsIsLogoutFailedAndTheSessionStays)
{
    register_user();
    const login_success ok = login();
    test::log_capture log;
    store.fail_removals = true;

    for (const bool all_devices : {false, true}) {
        const auto r = run(ioc, service.log_out(ok.session.record, all_devices, client));
        ASSERT_TRUE(r.has_error());
        EXPECT_EQ(r.error(), errc::logout_failed) << "all_devices=" << all_devices;
    }
    EXPECT_TRUE(session_exists(ok.session.record.hash));
    EXPECT_TRUE(run(ioc, sessions.authenticate(ok.session.cookie_value)).has_value());
    EXPECT_TRUE(events_of(event_type::user_logout).empty());
    EXPECT_TRUE(events_of(event_type::user_logout_all).empty());
    EXPECT_TRUE(log.has_line_with({"\"level\":\"error\"", "logout failed"}));
    for (const auto& line : log.lines()) {
        EXPECT_EQ(line.find(ok.session.cookie_value), std::string::npos) << line;
    }

    store.fail_removals = false;
    EXPECT_TRUE(run(ioc, service.log_out(ok.session.record, false, client)).has_value());
}

TEST_F(AuthServiceTest, LogoutWhenOnlyTheAuditLogFailsStillEndsTheSession)
{
    register_user();
    const login_success ok = login();
    test::failing_audit_log broken_audit;
    auth_service with_broken_audit{users, sessions, broken_audit, hasher, limiter};
    test::log_capture log;

    const auto r = run(ioc, with_broken_audit.log_out(ok.session.record, false, client));
    ASSERT_TRUE(r.has_value()) << r.error().message();
    EXPECT_EQ(*r, 1u);
    EXPECT_FALSE(session_exists(ok.session.record.hash));
    EXPECT_EQ(broken_audit.attempts.load(), 1);
    EXPECT_TRUE(log.has_line_with({"\"level\":\"error\"", "audit write failed", "USER_LOGOUT"}));
    for (const auto& line : log.lines()) {
        EXPECT_EQ(line.find(ok.session.cookie_value), std::string::npos) << line;
        EXPECT_EQ(line.find(ok.session.record.csrf_token), std::string::npos) << line;
    }
}

TEST_F(AuthServiceTest, LoginSucceedsWhenTheAuditLogFails)
{
    register_user();
    test::failing_audit_log broken_audit;
    auth_service with_broken_audit{users, sessions, broken_audit, hasher, limiter};
    test::log_capture log;
    const auto r = run(ioc, with_broken_audit.log_in("alice@example.com", alice_password, false, client, {}));
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(session_exists(r->session.record.hash));
    EXPECT_TRUE(log.has_line_with({"audit write failed", "USER_LOGIN"}));
}

TEST_F(AuthServiceTest, CurrentUserOfASession)
{
    const user u = register_user();
    const login_success ok = login();
    const auto me = run(ioc, service.current_user(ok.session.record));
    ASSERT_TRUE(me.has_value());
    EXPECT_EQ(me->id, u.id);
    EXPECT_EQ(me->email, "alice@example.com");

    session::session_record orphan = ok.session.record;
    orphan.user_id = "deleted-user";
    const auto gone = run(ioc, service.current_user(orphan));
    ASSERT_TRUE(gone.has_error());
    EXPECT_EQ(gone.error(), errc::not_authenticated);
}

TEST_F(AuthServiceTest, ListSessionsShowsOnlyTheUsersLiveSessions)
{
    register_user();
    register_user("bob@example.com", "bob's password");
    const login_success old = login();
    clock.advance(20min);
    const login_success a = login();
    const login_success b = login();
    login("bob@example.com", "bob's password");
    clock.advance(10min);  // `old` has now been idle for 30 min

    const auto listed = run(ioc, service.list_sessions(a.session.record));
    ASSERT_TRUE(listed.has_value());
    std::vector<session::token_hash> hashes;
    for (const auto& r : *listed) {
        hashes.push_back(r.hash);
    }
    std::sort(hashes.begin(), hashes.end());
    std::vector<session::token_hash> expected{a.session.record.hash, b.session.record.hash};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(hashes, expected);
    (void)old;
}

TEST_F(AuthServiceTest, RevokeSessionEndsOneOfTheUsersOtherSessions)
{
    register_user();
    const login_success current = login();
    const login_success other = login();
    const auto r =
        run(ioc, service.revoke_session(current.session.record, other.session.record.hash, client));
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(session_exists(other.session.record.hash));
    EXPECT_TRUE(session_exists(current.session.record.hash));
    const auto events = events_of(event_type::session_revoked);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].user_id, current.account.id);
    EXPECT_NE(events[0].message.find(session::log_ref(other.session.record.hash)), std::string::npos);
    expect_no_secret_in_audit({other.session.cookie_value, current.session.cookie_value});
}

TEST_F(AuthServiceTest, RevokingAnotherUsersSessionIsNotFoundAndChangesNothing)
{
    register_user();
    register_user("bob@example.com", "bob's password");
    const login_success alice = login();
    const login_success bob = login("bob@example.com", "bob's password");
    const auto r = run(ioc, service.revoke_session(alice.session.record, bob.session.record.hash, client));
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error(), errc::not_found);
    EXPECT_TRUE(session_exists(bob.session.record.hash));
    EXPECT_TRUE(events_of(event_type::session_revoked).empty());
}

TEST_F(AuthServiceTest, RevokingAnUnknownOrExpiredSessionIsNotFound)
{
    register_user();
    const login_success alice = login();
    const auto unknown =
        run(ioc, service.revoke_session(alice.session.record, session::issue_token().hash, client));
    ASSERT_TRUE(unknown.has_error());
    EXPECT_EQ(unknown.error(), errc::not_found);

    const login_success stale = login();
    clock.advance(30min);
    const auto expired =
        run(ioc, service.revoke_session(alice.session.record, stale.session.record.hash, client));
    ASSERT_TRUE(expired.has_error());
    EXPECT_EQ(expired.error(), errc::not_found);
}

TEST_F(AuthServiceTest, RevokeOtherSessionsKeepsTheCurrentOne)
{
    register_user();
    const login_success a = login();
    const login_success b = login();
    const login_success c = login();
    const auto ended = run(ioc, service.revoke_other_sessions(b.session.record, client));
    ASSERT_TRUE(ended.has_value());
    EXPECT_EQ(*ended, 2u);
    EXPECT_TRUE(session_exists(b.session.record.hash));
    EXPECT_FALSE(session_exists(a.session.record.hash));
    EXPECT_FALSE(session_exists(c.session.record.hash));
    const auto events = events_of(event_type::sessions_revoked_others);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].session_ref, session::log_ref(b.session.record.hash));
}

TEST_F(AuthServiceTest, ChangePasswordWithAWrongCurrentPasswordKeepsEverything)
{
    register_user();
    const login_success ok = login();
    const login_success other = login();
    const auto r =
        run(ioc, service.change_password(ok.session.record, "not my password", "brand new password", client));
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error(), errc::invalid_credentials);
    EXPECT_TRUE(session_exists(ok.session.record.hash));
    EXPECT_TRUE(session_exists(other.session.record.hash));
    EXPECT_TRUE(events_of(event_type::password_changed).empty());
    EXPECT_TRUE(try_login("alice@example.com", alice_password).has_value()) << "the old password still works";
}

TEST_F(AuthServiceTest, ChangePasswordEndsOtherSessionsAndRotatesTheCurrentOne)
{
    register_user();
    const login_success current = login("alice@example.com", alice_password, true);
    const login_success other1 = login();
    const login_success other2 = login();

    const auto r = run(
        ioc, service.change_password(current.session.record, alice_password, "brand new password", client));
    ASSERT_TRUE(r.has_value()) << r.error().message();
    EXPECT_EQ(r->sessions_ended, 2u);
    const auto& rotated = r->session;
    EXPECT_NE(rotated.cookie_value, current.session.cookie_value);
    EXPECT_NE(rotated.record.hash, current.session.record.hash);
    EXPECT_NE(rotated.record.csrf_token, current.session.record.csrf_token);
    EXPECT_EQ(rotated.record.user_id, current.account.id);
    EXPECT_TRUE(rotated.record.remember_me) << "rotation keeps the session's kind";

    EXPECT_FALSE(session_exists(current.session.record.hash));
    EXPECT_FALSE(session_exists(other1.session.record.hash));
    EXPECT_FALSE(session_exists(other2.session.record.hash));
    EXPECT_TRUE(session_exists(rotated.record.hash));
    EXPECT_TRUE(run(ioc, sessions.authenticate(rotated.cookie_value)).has_value());
    EXPECT_EQ(memory.size(), 1u);

    const auto events = events_of(event_type::password_changed);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].session_ref, session::log_ref(rotated.record.hash));
    expect_no_secret_in_audit(
        {alice_password, "brand new password", rotated.cookie_value, rotated.record.csrf_token});
    EXPECT_TRUE(try_login("alice@example.com", "brand new password").has_value());
}

// The request authenticated before its session was logged out, and reaches the store after.
TEST_F(AuthServiceTest, ChangePasswordWhoseSessionEndedWhileItHashedChangesNothing)
{
    register_user();
    const login_success current = login();
    const login_success other = login();
    ASSERT_TRUE(run(ioc, service.log_out(current.session.record, false, client)).has_value());

    const auto r = run(
        ioc, service.change_password(current.session.record, alice_password, "brand new password", client));
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error(), errc::not_authenticated);
    EXPECT_EQ(memory.size(), 1u) << "no new session";
    EXPECT_TRUE(session_exists(other.session.record.hash));
    EXPECT_TRUE(events_of(event_type::password_changed).empty());
    EXPECT_TRUE(try_login("alice@example.com", alice_password).has_value()) << "the old password still works";
}

// A double submit: the twin checked the old password while the first change ran, and reaches the
// store after the first has rotated the sessions.
TEST_F(AuthServiceTest, OfTwoConcurrentChangesWithOneSessionOnlyOneSucceeds)
{
    register_user();
    const login_success current = login();
    bool twin_started = false;
    std::optional<result<password_change_success>> twin;
    users.before_password_update = [&](std::string) -> task<void> {
        if (!twin_started) {
            twin_started = true;
            twin.emplace(co_await service.change_password(current.session.record, alice_password,
                                                          "second new password", client));
        }
    };
    const auto first = run(
        ioc, service.change_password(current.session.record, alice_password, "first new password", client));
    users.before_password_update = nullptr;
    ASSERT_TRUE(first.has_value()) << first.error().message();
    ASSERT_TRUE(twin.has_value());
    ASSERT_TRUE(twin->has_error());
    EXPECT_EQ(twin->error(), errc::not_authenticated);
    EXPECT_TRUE(session_exists(first->session.record.hash)) << "the first change's session stays";
    EXPECT_EQ(memory.size(), 1u);
    EXPECT_EQ(events_of(event_type::password_changed).size(), 1u);
    EXPECT_TRUE(try_login("alice@example.com", "first new password").has_value());
    EXPECT_TRUE(try_login("alice@example.com", "second new password").has_error());
}

// A login that checked the old password while the change ran, and started its session after the
// change had rotated the sessions, does not outlive the change.
TEST_F(AuthServiceTest, ChangePasswordEndsASessionStartedJustBeforeThePasswordUpdate)
{
    register_user();
    const login_success current = login();
    session::token_hash late{};
    users.before_password_update = [&](std::string user_id) -> task<void> {
        const auto started = sessions.prepare(std::move(user_id), false, client);
        late = started.record.hash;
        const auto inserted = co_await memory.insert(started.record);
        EXPECT_TRUE(inserted.has_value());
    };
    const auto r = run(
        ioc, service.change_password(current.session.record, alice_password, "brand new password", client));
    users.before_password_update = nullptr;
    ASSERT_TRUE(r.has_value()) << r.error().message();
    EXPECT_EQ(r->sessions_ended, 1u);
    EXPECT_FALSE(session_exists(late));
    EXPECT_TRUE(session_exists(r->session.record.hash));
    EXPECT_EQ(memory.size(), 1u);
}

TEST_F(AuthServiceTest, OldPasswordStopsWorkingAfterAChange)
{
    register_user();
    const login_success current = login();
    ASSERT_TRUE(run(ioc, service.change_password(current.session.record, alice_password, "brand new password",
                                                 client))
                    .has_value());
    const auto old = try_login("alice@example.com", alice_password);
    ASSERT_TRUE(old.has_error());
    EXPECT_EQ(old.error(), errc::invalid_credentials);
}

}  // namespace
}  // namespace authd::auth
