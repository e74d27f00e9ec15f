#include "session/session_service.hpp"

#include "session/memory_store.hpp"
#include "support/failing_stores.hpp"
#include "support/run.hpp"

#include <gtest/gtest.h>

namespace authd::session {
namespace {

using namespace std::chrono_literals;
using test::run;

const sys_ms t0 = from_unix_ms(1'795'549'419'000);

class SessionServiceTest : public ::testing::Test {
protected:
    started_session start(bool remember_me = false, std::string user = "user-1")
    {
        auto started = run(ioc, service.start(std::move(user), remember_me, {"203.0.113.7", "test-agent"}));
        EXPECT_TRUE(started.has_value());
        return std::move(*started);
    }
    result<session_record> authenticate(std::string_view cookie)
    {
        return run(ioc, service.authenticate(std::string(cookie)));
    }
    std::optional<session_record> stored(const token_hash& h)
    {
        auto found = run(ioc, store.find(h));
        EXPECT_TRUE(found.has_value());
        return *found;
    }

    boost::asio::io_context ioc;
    manual_clock clock{t0};
    memory_store store;
    session_policy policy{};  // 30 min idle, 12 h absolute, 30 d remember me
    session_service service{store, clock, policy};
};

TEST_F(SessionServiceTest, StartStoresTheSessionUnderTheTokenHash)
{
    const started_session s = start();
    EXPECT_EQ(hash_cookie_value(s.cookie_value), s.record.hash);
    EXPECT_EQ(s.record.user_id, "user-1");
    EXPECT_EQ(s.record.created_at, t0);
    EXPECT_EQ(s.record.last_seen_at, t0);
    EXPECT_EQ(s.record.expires_at, t0 + 12h);
    EXPECT_EQ(s.record.ip_address, "203.0.113.7");
    EXPECT_EQ(s.record.user_agent, "test-agent");
    EXPECT_EQ(s.record.csrf_token.size(), 43u);
    EXPECT_NE(s.record.csrf_token, s.cookie_value);
    const auto found = stored(s.record.hash);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->csrf_token, s.record.csrf_token);
}

TEST_F(SessionServiceTest, RememberMeSessionsLiveThirtyDays)
{
    const started_session s = start(true);
    EXPECT_TRUE(s.record.remember_me);
    EXPECT_EQ(s.record.expires_at, t0 + 24h * 30);
}

TEST_F(SessionServiceTest, AuthenticatesAValidCookie)
{
    const started_session s = start();
    const auto r = authenticate(s.cookie_value);
    ASSERT_TRUE(r.has_value()) << r.error().message();
    EXPECT_EQ(r->hash, s.record.hash);
    EXPECT_EQ(r->user_id, "user-1");
}

TEST_F(SessionServiceTest, UnknownTokenIsNotAuthenticated)
{
    start();
    const auto r = authenticate(issue_token().cookie_value);
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error(), errc::not_authenticated);
}

TEST_F(SessionServiceTest, MalformedCookieIsNotAuthenticated)
{
    for (const char* bad : {"", "abc", "not a token at all, far too long to be one of ours, really"}) {
        const auto r = authenticate(bad);
        ASSERT_TRUE(r.has_error()) << bad;
        EXPECT_EQ(r.error(), errc::not_authenticated);
    }
}

TEST_F(SessionServiceTest, StoreFailureWhileAuthenticatingIsReportedAsSuch)
{
    test::failing_session_store failing{store};
    session_service over_failing{failing, clock, policy};
    const started_session s = start();
    failing.fail_find = true;
    const auto r = run(ioc, over_failing.authenticate(s.cookie_value));
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error(), errc::store_unavailable);
}

TEST_F(SessionServiceTest, IsNotExpiredJustBeforeTheIdleTimeout)
{
    const started_session s = start();
    clock.advance(30min - 1ms);
    EXPECT_TRUE(authenticate(s.cookie_value).has_value());
}

TEST_F(SessionServiceTest, IsExpiredAtTheIdleTimeout)
{
    const started_session s = start();
    clock.advance(30min);
    const auto r = authenticate(s.cookie_value);
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error(), errc::not_authenticated);
}

TEST_F(SessionServiceTest, ActivitySlidesTheIdleTimeout)
{
    const started_session s = start();
    clock.advance(25min);
    ASSERT_TRUE(authenticate(s.cookie_value).has_value());
    clock.advance(25min);  // 50 min after login, 25 after the last request
    EXPECT_TRUE(authenticate(s.cookie_value).has_value());
}

TEST_F(SessionServiceTest, AbsoluteLifetimeEndsAnActiveSession)
{
    const started_session s = start();
    for (int i = 0; i < 35; ++i) {  // a request every 20 minutes for 11 h 40 min
        clock.advance(20min);
        ASSERT_TRUE(authenticate(s.cookie_value).has_value()) << "request " << i;
    }
    clock.advance(20min - 1ms);
    ASSERT_TRUE(authenticate(s.cookie_value).has_value());
    clock.advance(1ms);  // exactly 12 h after login
    const auto r = authenticate(s.cookie_value);
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error(), errc::not_authenticated);
}

TEST_F(SessionServiceTest, RememberMeIgnoresIdleTimeout)
{
    const started_session s = start(true);
    clock.advance(24h * 29);
    EXPECT_TRUE(authenticate(s.cookie_value).has_value());
}

TEST_F(SessionServiceTest, RememberMeStillEndsAtItsAbsoluteLifetime)
{
    const started_session s = start(true);
    clock.advance(24h * 30 - 1ms);
    ASSERT_TRUE(authenticate(s.cookie_value).has_value());
    clock.advance(1ms);
    const auto r = authenticate(s.cookie_value);
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error(), errc::not_authenticated);
}

TEST_F(SessionServiceTest, TouchIsThrottledToTheTouchInterval)
{
    const started_session s = start();
    clock.advance(59s);
    ASSERT_TRUE(authenticate(s.cookie_value).has_value());
    EXPECT_EQ(stored(s.record.hash)->last_seen_at, t0) << "no write within the touch interval";
    clock.advance(1s);
    const auto r = authenticate(s.cookie_value);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->last_seen_at, t0 + 60s);
    EXPECT_EQ(stored(s.record.hash)->last_seen_at, t0 + 60s);
    clock.advance(30s);
    ASSERT_TRUE(authenticate(s.cookie_value).has_value());
    EXPECT_EQ(stored(s.record.hash)->last_seen_at, t0 + 60s);
}

TEST_F(SessionServiceTest, ARequestThatEndsTheSessionRecordsNoActivity)
{
    const started_session s = start();
    clock.advance(5min);
    const auto r = run(ioc, service.authenticate(s.cookie_value, false));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(stored(s.record.hash)->last_seen_at, t0) << "no last_seen_at write for a logout";
}

TEST_F(SessionServiceTest, TouchIntervalIsATenthOfAShortIdleTimeout)
{
    session_service short_idle{store, clock, session_policy{.idle_timeout = 5min}};
    const started_session s = start();
    clock.advance(29s);
    ASSERT_TRUE(run(ioc, short_idle.authenticate(s.cookie_value)).has_value());
    EXPECT_EQ(stored(s.record.hash)->last_seen_at, t0);
    clock.advance(1s);
    ASSERT_TRUE(run(ioc, short_idle.authenticate(s.cookie_value)).has_value());
    EXPECT_EQ(stored(s.record.hash)->last_seen_at, t0 + 30s);
}

// Ends the session between reading it and the touch that follows (a logout racing a request).
class ends_session_after_find final : public test::failing_session_store {
public:
    using failing_session_store::failing_session_store;
    task<result<std::optional<session_record>>> find(token_hash hash) override
    {
        auto found = co_await inner_.find(hash);
        auto removed = co_await inner_.remove(hash);
        EXPECT_TRUE(removed.has_value() && *removed);
        co_return found;
    }
};

TEST_F(SessionServiceTest, TouchAfterTheSessionEndedDoesNotRecreateIt)
{
    ends_session_after_find racing{store};
    session_service over_racing{racing, clock, policy};
    const started_session s = start();
    clock.advance(5min);  // past the touch interval: authenticate will touch
    const auto r = run(ioc, over_racing.authenticate(s.cookie_value));
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(stored(s.record.hash).has_value());
    EXPECT_EQ(store.size(), 0u);
}

TEST_F(SessionServiceTest, PurgeRemovesExactlyTheExpiredSessions)
{
    const started_session idle_expired = start(false, "a");
    const started_session remember_idle = start(true, "b");
    clock.advance(30min);
    const started_session fresh = start(false, "c");

    session_record absolute_expired = service.prepare("d", false, {}).record;
    absolute_expired.expires_at = clock.now();
    session_record remember_expired = service.prepare("e", true, {}).record;
    remember_expired.expires_at = clock.now() - 1ms;
    session_record almost_idle = service.prepare("f", false, {}).record;
    almost_idle.last_seen_at = clock.now() - 30min + 1ms;
    for (const auto& r : {absolute_expired, remember_expired, almost_idle}) {
        ASSERT_TRUE(run(ioc, store.insert(r)).has_value());
    }
    ASSERT_EQ(store.size(), 6u);

    const auto purged = run(ioc, service.purge_expired());
    ASSERT_TRUE(purged.has_value());
    EXPECT_EQ(*purged, 3u);
    EXPECT_FALSE(stored(idle_expired.record.hash).has_value());
    EXPECT_FALSE(stored(absolute_expired.hash).has_value());
    EXPECT_FALSE(stored(remember_expired.hash).has_value());
    EXPECT_TRUE(stored(remember_idle.record.hash).has_value());
    EXPECT_TRUE(stored(fresh.record.hash).has_value());
    EXPECT_TRUE(stored(almost_idle.hash).has_value());
}

TEST_F(SessionServiceTest, PurgeAgreesWithAuthenticate)
{
    const started_session s = start();
    clock.advance(30min);
    ASSERT_TRUE(authenticate(s.cookie_value).has_error());
    EXPECT_EQ(*run(ioc, service.purge_expired()), 1u);
}

TEST_F(SessionServiceTest, EffectiveExpiryIsTheEarlierOfIdleAndAbsolute)
{
    session_record r;
    r.expires_at = t0 + 12h;
    r.last_seen_at = t0 + 1h;
    EXPECT_EQ(service.effective_expiry(r), t0 + 1h + 30min);
    r.last_seen_at = t0 + 11h + 50min;
    EXPECT_EQ(service.effective_expiry(r), t0 + 12h);
    r.remember_me = true;
    r.last_seen_at = t0;
    EXPECT_EQ(service.effective_expiry(r), t0 + 12h);
}

TEST_F(SessionServiceTest, IsExpiredFromTheEffectiveExpiryOn)
{
    session_record r;
    r.expires_at = t0 + 12h;
    r.last_seen_at = t0;
    EXPECT_FALSE(service.is_expired(r, t0 + 30min - 1ms));
    EXPECT_TRUE(service.is_expired(r, t0 + 30min));
}

}  // namespace
}  // namespace authd::session
