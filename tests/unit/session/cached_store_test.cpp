#include "session/cached_store.hpp"

#include "session/memory_store.hpp"
#include "session/session_service.hpp"
#include "support/failing_stores.hpp"
#include "support/run.hpp"

#include <gtest/gtest.h>

namespace authd::session {
namespace {

using namespace std::chrono_literals;
using test::run;

const sys_ms t0 = from_unix_ms(1'795'549'419'000);

// Counts the reads that reach the store behind the cache.
class counting_store : public test::failing_session_store {
public:
    using failing_session_store::failing_session_store;
    task<result<std::optional<session_record>>> find(token_hash hash) override
    {
        ++finds;
        return failing_session_store::find(hash);
    }
    int finds = 0;
};

session_record record_of(const std::string& user_id)
{
    session_record r;
    r.hash = issue_token().hash;
    r.user_id = user_id;
    r.csrf_token = issue_csrf_token();
    r.created_at = t0;
    r.last_seen_at = t0;
    r.expires_at = t0 + 12h;
    return r;
}

class CachedStoreTest : public ::testing::Test {
protected:
    session_record inserted(const std::string& user_id = "user-1")
    {
        auto r = record_of(user_id);
        EXPECT_TRUE(run(ioc, cache.insert(r)).has_value());
        return r;
    }
    std::optional<session_record> find(const token_hash& h)
    {
        auto found = run(ioc, cache.find(h));
        EXPECT_TRUE(found.has_value());
        return found ? *found : std::nullopt;
    }

    boost::asio::io_context ioc;
    memory_store memory;
    counting_store counting{memory};
    local_epoch epoch;
    cached_store cache{counting, epoch, 4};
};

TEST_F(CachedStoreTest, SecondReadIsServedFromTheCache)
{
    const auto r = inserted();
    ASSERT_TRUE(find(r.hash).has_value());
    ASSERT_TRUE(find(r.hash).has_value());
    EXPECT_EQ(counting.finds, 1);
    EXPECT_EQ(cache.size(), 1u);
}

TEST_F(CachedStoreTest, MissesAreNotCached)
{
    const auto h = issue_token().hash;
    EXPECT_FALSE(find(h).has_value());
    EXPECT_FALSE(find(h).has_value());
    EXPECT_EQ(counting.finds, 2);
    EXPECT_EQ(cache.size(), 0u);
}

TEST_F(CachedStoreTest, StoreErrorsAreNotCached)
{
    const auto r = inserted();
    counting.fail_find = true;
    const auto failed = run(ioc, cache.find(r.hash));
    ASSERT_TRUE(failed.has_error());
    EXPECT_EQ(failed.error(), errc::store_unavailable);
    counting.fail_find = false;
    EXPECT_TRUE(find(r.hash).has_value());
}

TEST_F(CachedStoreTest, RemovedSessionIsNeverServedFromTheCache)
{
    const auto r = inserted();
    ASSERT_TRUE(find(r.hash).has_value());
    ASSERT_TRUE(*run(ioc, cache.remove(r.hash)));
    EXPECT_FALSE(find(r.hash).has_value());
    EXPECT_FALSE(*run(ioc, cache.remove(r.hash)));
}

TEST_F(CachedStoreTest, FailedRemovalLeavesTheSessionReadable)
{
    const auto r = inserted();
    ASSERT_TRUE(find(r.hash).has_value());
    counting.fail_removals = true;
    ASSERT_TRUE(run(ioc, cache.remove(r.hash)).has_error());
    counting.fail_removals = false;
    EXPECT_TRUE(find(r.hash).has_value());
}

TEST_F(CachedStoreTest, RemovingAUsersSessionsDropsAllOfThemFromTheCache)
{
    const auto a = inserted();
    const auto b = inserted();
    const auto other = inserted("user-2");
    for (const auto* r : {&a, &b, &other}) {
        ASSERT_TRUE(find(r->hash).has_value());
    }
    const auto removed = run(ioc, cache.remove_user_sessions("user-1", a.hash, false, {}));
    ASSERT_TRUE(removed.has_value() && removed->has_value());
    EXPECT_EQ(**removed, 2u);
    EXPECT_FALSE(find(a.hash).has_value());
    EXPECT_FALSE(find(b.hash).has_value());
    EXPECT_TRUE(find(other.hash).has_value());
}

TEST_F(CachedStoreTest, ReplacingAUsersSessionsDropsTheOldOnesFromTheCache)
{
    const auto a = inserted();
    ASSERT_TRUE(find(a.hash).has_value());
    const auto replacement = record_of("user-1");
    const auto replaced = run(ioc, cache.replace_user_sessions("user-1", a.hash, replacement, {}));
    ASSERT_TRUE(replaced.has_value() && replaced->has_value());
    EXPECT_FALSE(find(a.hash).has_value());
    EXPECT_TRUE(find(replacement.hash).has_value());
}

// Ends the session through the cache while the cache's own read of it is in progress.
class removes_during_find final : public test::failing_session_store {
public:
    using failing_session_store::failing_session_store;
    task<result<std::optional<session_record>>> find(token_hash hash) override
    {
        auto found = co_await inner_.find(hash);
        if (cache != nullptr) {
            auto removed = co_await cache->remove(hash);
            EXPECT_TRUE(removed.has_value() && *removed);
        }
        co_return found;
    }
    cached_store* cache = nullptr;
};

TEST(CachedStore, ARemovalDuringAnInFlightReadIsNotUndoneByTheFill)
{
    boost::asio::io_context ioc;
    memory_store memory;
    removes_during_find racing{memory};
    local_epoch epoch;
    cached_store cache{racing, epoch, 16};
    racing.cache = &cache;
    const auto r = record_of("user-1");
    ASSERT_TRUE(run(ioc, cache.insert(r)).has_value());

    const auto in_flight = run(ioc, cache.find(r.hash));
    ASSERT_TRUE(in_flight.has_value());
    EXPECT_TRUE(in_flight->has_value()) << "the read itself happened before the removal";
    racing.cache = nullptr;
    EXPECT_FALSE(run(ioc, cache.find(r.hash))->has_value())
        << "the fill that raced the removal is never served";
}

TEST_F(CachedStoreTest, HoldsAtMostItsCapacity)
{
    for (int i = 0; i < 10; ++i) {
        const auto r = inserted();
        ASSERT_TRUE(find(r.hash).has_value());
        EXPECT_LE(cache.size(), 4u);
    }
}

TEST(CachedStore, ZeroCapacityCachesNothing)
{
    boost::asio::io_context ioc;
    memory_store memory;
    counting_store counting{memory};
    local_epoch epoch;
    cached_store cache{counting, epoch, 0};
    const auto r = record_of("user-1");
    ASSERT_TRUE(run(ioc, cache.insert(r)).has_value());
    ASSERT_TRUE(run(ioc, cache.find(r.hash))->has_value());
    ASSERT_TRUE(run(ioc, cache.find(r.hash))->has_value());
    EXPECT_EQ(counting.finds, 2);
    EXPECT_EQ(cache.size(), 0u);
}

TEST_F(CachedStoreTest, TouchReachesBothTheCacheAndTheStore)
{
    const auto r = inserted();
    ASSERT_TRUE(find(r.hash).has_value());
    cache.touch(r.hash, t0 + 5min);
    EXPECT_EQ(find(r.hash)->last_seen_at, t0 + 5min);
    EXPECT_EQ((*run(ioc, memory.find(r.hash)))->last_seen_at, t0 + 5min);
}

TEST_F(CachedStoreTest, PurgeDropsExpiredEntriesFromTheCache)
{
    const auto r = inserted();
    ASSERT_TRUE(find(r.hash).has_value());
    const auto purged = run(ioc, cache.purge_expired(t0 + 13h, t0 + 13h - 30min));
    ASSERT_TRUE(purged.has_value());
    EXPECT_EQ(*purged, 1u);
    EXPECT_FALSE(find(r.hash).has_value());
}

TEST(CachedStore, SlidingIdleTimeoutWorksThroughTheCache)
{
    boost::asio::io_context ioc;
    manual_clock clock{t0};
    memory_store memory;
    local_epoch epoch;
    cached_store cache{memory, epoch, 16};
    session_service service{cache, clock, session_policy{}};
    const auto started = run(ioc, service.start("user-1", false, {}));
    ASSERT_TRUE(started.has_value());
    clock.advance(20min);
    ASSERT_TRUE(run(ioc, service.authenticate(started->cookie_value)).has_value());
    clock.advance(20min);  // 40 min after login, 20 after the last request
    EXPECT_TRUE(run(ioc, service.authenticate(started->cookie_value)).has_value());
    clock.advance(30min);
    EXPECT_FALSE(run(ioc, service.authenticate(started->cookie_value)).has_value());
}

TEST(CachedStore, ALogoutThroughOneInstanceIsSeenByAnotherSharingTheEpoch)
{
    boost::asio::io_context ioc;
    memory_store shared_database;
    local_epoch shared_epoch;
    cached_store instance_a{shared_database, shared_epoch, 16};
    cached_store instance_b{shared_database, shared_epoch, 16};
    const auto r = record_of("user-1");
    ASSERT_TRUE(run(ioc, instance_a.insert(r)).has_value());
    ASSERT_TRUE(run(ioc, instance_b.find(r.hash))->has_value());  // now cached in b

    ASSERT_TRUE(*run(ioc, instance_a.remove(r.hash)));

    EXPECT_FALSE(run(ioc, instance_b.find(r.hash))->has_value());
}

}  // namespace
}  // namespace authd::session

namespace authd::session {
namespace {

TEST(CachedStore, ActivitySeenByAnotherInstanceKeepsTheSessionAliveHere)
{
    boost::asio::io_context ioc;
    manual_clock clock{t0};
    memory_store shared_database;
    local_epoch shared_epoch;
    cached_store cache_a{shared_database, shared_epoch, 16};
    cached_store cache_b{shared_database, shared_epoch, 16};
    session_service instance_a{cache_a, clock, session_policy{}};
    session_service instance_b{cache_b, clock, session_policy{}};
    const auto started = run(ioc, instance_a.start("user-1", false, {}));
    ASSERT_TRUE(started.has_value());
    ASSERT_TRUE(run(ioc, instance_b.authenticate(started->cookie_value)).has_value());  // cached in b

    clock.advance(20min);
    ASSERT_TRUE(run(ioc, instance_a.authenticate(started->cookie_value)).has_value());  // active on a
    clock.advance(20min);  // idle for 40 min by b's cached copy, for 20 min in truth

    EXPECT_TRUE(run(ioc, instance_b.authenticate(started->cookie_value)).has_value());
}

}  // namespace
}  // namespace authd::session
