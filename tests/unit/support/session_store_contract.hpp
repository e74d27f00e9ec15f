// The session store contract: one type-parameterized suite that every session_store backend must
// pass. Instantiate it with a Backend type that offers
//   session::session_store& store();
//   void add_user(const std::string& id);  // make the user exist (backends with foreign keys)
//   void flush();                           // wait until best-effort writes (touch) have landed
// e.g. INSTANTIATE_TYPED_TEST_SUITE_P(Memory, SessionStoreContract, ::testing::Types<memory_backend>);
// Include it from exactly one translation unit per test executable.
#pragma once

#include "session/session_store.hpp"
#include "session/token.hpp"
#include "support/run.hpp"
#include "support/sample_events.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <thread>
#include <vector>

namespace authd::test {

inline const sys_ms contract_t0 = from_unix_ms(1'795'549'419'000);

template <class Backend>
class SessionStoreContract : public ::testing::Test {
protected:
    session::session_store& store() { return backend.store(); }

    // A fresh session of `user_id`, created at `at`, idle timeout aside, valid for 12 h.
    session::session_record make(const std::string& user_id, sys_ms at = contract_t0,
                                 bool remember_me = false)
    {
        if (std::find(users.begin(), users.end(), user_id) == users.end()) {
            backend.add_user(user_id);
            users.push_back(user_id);
        }
        session::session_record r;
        r.hash = session::issue_token().hash;
        r.user_id = user_id;
        r.csrf_token = session::issue_csrf_token();
        r.created_at = at;
        r.last_seen_at = at;
        r.expires_at = at + std::chrono::hours{12};
        r.remember_me = remember_me;
        r.ip_address = "203.0.113.7";
        r.user_agent = "Mozilla/5.0 (\"quoted\"; ünïcödé) ' OR 1=1 --";
        return r;
    }
    session::session_record inserted(const std::string& user_id, sys_ms at = contract_t0,
                                     bool remember_me = false)
    {
        auto r = make(user_id, at, remember_me);
        const auto ok = run(ioc, store().insert(r));
        EXPECT_TRUE(ok.has_value()) << (ok ? "" : ok.error().message());
        return r;
    }
    std::optional<session::session_record> find(const session::token_hash& h)
    {
        auto found = run(ioc, store().find(h));
        EXPECT_TRUE(found.has_value()) << (found ? "" : found.error().message());
        return found ? *found : std::nullopt;
    }
    bool exists(const session::token_hash& h) { return find(h).has_value(); }

    Backend backend;
    boost::asio::io_context ioc;
    std::vector<std::string> users;
};

TYPED_TEST_SUITE_P(SessionStoreContract);

TYPED_TEST_P(SessionStoreContract, InsertThenFindReturnsEveryField)
{
    auto r = this->make("user-1");
    r.last_seen_at = contract_t0 + std::chrono::minutes{3};
    r.remember_me = true;
    ASSERT_TRUE(run(this->ioc, this->store().insert(r)).has_value());
    const auto found = this->find(r.hash);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->hash, r.hash);
    EXPECT_EQ(found->user_id, r.user_id);
    EXPECT_EQ(found->csrf_token, r.csrf_token);
    EXPECT_EQ(found->created_at, r.created_at);
    EXPECT_EQ(found->last_seen_at, r.last_seen_at);
    EXPECT_EQ(found->expires_at, r.expires_at);
    EXPECT_EQ(found->remember_me, r.remember_me);
    EXPECT_EQ(found->ip_address, r.ip_address);
    EXPECT_EQ(found->user_agent, r.user_agent);
}

TYPED_TEST_P(SessionStoreContract, FindOfAnUnknownHashIsEmpty)
{
    this->inserted("user-1");
    EXPECT_FALSE(this->exists(session::issue_token().hash));
}

TYPED_TEST_P(SessionStoreContract, ListForUserReturnsOnlyThatUsersSessions)
{
    const auto a = this->inserted("user-1");
    const auto b = this->inserted("user-1", contract_t0 + std::chrono::seconds{1});
    this->inserted("user-2");
    const auto listed = run(this->ioc, this->store().list_for_user("user-1"));
    ASSERT_TRUE(listed.has_value());
    std::vector<session::token_hash> got;
    for (const auto& r : *listed) {
        got.push_back(r.hash);
        EXPECT_EQ(r.user_id, "user-1");
    }
    std::sort(got.begin(), got.end());
    std::vector<session::token_hash> expected{a.hash, b.hash};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(got, expected);
    EXPECT_TRUE(run(this->ioc, this->store().list_for_user("nobody"))->empty());
}

TYPED_TEST_P(SessionStoreContract, RemoveIsTrueExactlyOnce)
{
    const auto r = this->inserted("user-1");
    const auto first = run(this->ioc, this->store().remove(r.hash));
    ASSERT_TRUE(first.has_value());
    EXPECT_TRUE(*first);
    EXPECT_FALSE(this->exists(r.hash));
    const auto second = run(this->ioc, this->store().remove(r.hash));
    ASSERT_TRUE(second.has_value());
    EXPECT_FALSE(*second);
}

TYPED_TEST_P(SessionStoreContract, RemoveOfAnUnknownSessionIsFalse)
{
    const auto kept = this->inserted("user-1");
    const auto r = run(this->ioc, this->store().remove(session::issue_token().hash));
    ASSERT_TRUE(r.has_value());
    EXPECT_FALSE(*r);
    EXPECT_TRUE(this->exists(kept.hash));
}

TYPED_TEST_P(SessionStoreContract, ConcurrentRemovesOfOneSessionGiveExactlyOneTrue)
{
    constexpr int threads = 8;
    for (int round = 0; round < 5; ++round) {
        const auto r = this->inserted("user-1");
        std::atomic<int> trues{0};
        std::atomic<int> errors{0};
        std::latch start{threads};
        std::vector<std::thread> pool;
        for (int i = 0; i < threads; ++i) {
            pool.emplace_back([&] {
                boost::asio::io_context own;
                start.arrive_and_wait();
                const auto removed = run(own, this->store().remove(r.hash));
                if (!removed) {
                    ++errors;
                } else if (*removed) {
                    ++trues;
                }
            });
        }
        for (auto& t : pool) {
            t.join();
        }
        EXPECT_EQ(errors.load(), 0);
        EXPECT_EQ(trues.load(), 1) << "round " << round;
        EXPECT_FALSE(this->exists(r.hash));
    }
}

TYPED_TEST_P(SessionStoreContract, RemoveUserSessionsWithoutKeepEndsThemAll)
{
    const auto a = this->inserted("user-1");
    const auto b = this->inserted("user-1");
    const auto c = this->inserted("user-1");
    const auto other = this->inserted("user-2");
    const auto removed = run(this->ioc, this->store().remove_user_sessions("user-1", b.hash, false, {}));
    ASSERT_TRUE(removed.has_value());
    ASSERT_TRUE(removed->has_value());
    EXPECT_EQ(**removed, 3u);
    EXPECT_FALSE(this->exists(a.hash));
    EXPECT_FALSE(this->exists(b.hash));
    EXPECT_FALSE(this->exists(c.hash));
    EXPECT_TRUE(this->exists(other.hash));
}

TYPED_TEST_P(SessionStoreContract, RemoveUserSessionsWithKeepKeepsTheCurrentOne)
{
    const auto a = this->inserted("user-1");
    const auto b = this->inserted("user-1");
    const auto c = this->inserted("user-1");
    const auto other = this->inserted("user-2");
    const auto removed = run(this->ioc, this->store().remove_user_sessions("user-1", b.hash, true, {}));
    ASSERT_TRUE(removed.has_value());
    ASSERT_TRUE(removed->has_value());
    EXPECT_EQ(**removed, 2u);
    EXPECT_FALSE(this->exists(a.hash));
    EXPECT_TRUE(this->exists(b.hash));
    EXPECT_FALSE(this->exists(c.hash));
    EXPECT_TRUE(this->exists(other.hash));
}

TYPED_TEST_P(SessionStoreContract, RemoveUserSessionsWithOnlyTheCurrentOneAndKeepEndsNothing)
{
    const auto a = this->inserted("user-1");
    const auto removed = run(this->ioc, this->store().remove_user_sessions("user-1", a.hash, true, {}));
    ASSERT_TRUE(removed.has_value() && removed->has_value());
    EXPECT_EQ(**removed, 0u);
    EXPECT_TRUE(this->exists(a.hash));
}

TYPED_TEST_P(SessionStoreContract, RemoveUserSessionsWithAMissingCurrentIsNulloptAndEndsNothing)
{
    const auto a = this->inserted("user-1");
    const auto b = this->inserted("user-1");
    const auto missing = this->make("user-1");
    for (const bool keep : {false, true}) {
        const auto removed =
            run(this->ioc, this->store().remove_user_sessions("user-1", missing.hash, keep, {}));
        ASSERT_TRUE(removed.has_value());
        EXPECT_FALSE(removed->has_value()) << "keep=" << keep;
    }
    EXPECT_TRUE(this->exists(a.hash));
    EXPECT_TRUE(this->exists(b.hash));
}

TYPED_TEST_P(SessionStoreContract, RemoveUserSessionsWithAnotherUsersCurrentIsNullopt)
{
    const auto mine = this->inserted("user-1");
    const auto theirs = this->inserted("user-2");
    const auto removed = run(this->ioc, this->store().remove_user_sessions("user-1", theirs.hash, false, {}));
    ASSERT_TRUE(removed.has_value());
    EXPECT_FALSE(removed->has_value());
    EXPECT_TRUE(this->exists(mine.hash));
    EXPECT_TRUE(this->exists(theirs.hash));
}

// An expired session is no session: ending all of them deletes it, but does not count it.
TYPED_TEST_P(SessionStoreContract, RemoveUserSessionsCountsOnlyWhatIsLiveButDeletesEverything)
{
    using std::chrono::hours;
    using std::chrono::minutes;
    const sys_ms now = contract_t0 + hours{1};
    const session::liveness counted{.now = now, .idle_cutoff = now - minutes{30}};
    const auto current = this->inserted("user-1", now - minutes{1});
    const auto active = this->inserted("user-1", now - minutes{5});
    const auto idle = this->inserted("user-1", now - minutes{40});
    const auto remembered = this->inserted("user-1", now - minutes{40}, true);
    auto past_lifetime = this->make("user-1", now - hours{13}, true);
    ASSERT_TRUE(run(this->ioc, this->store().insert(past_lifetime)).has_value());

    const auto removed =
        run(this->ioc, this->store().remove_user_sessions("user-1", current.hash, true, counted));
    ASSERT_TRUE(removed.has_value() && removed->has_value());
    EXPECT_EQ(**removed, 2u) << "the active and the remembered one";
    for (const auto& h : {active.hash, idle.hash, remembered.hash, past_lifetime.hash}) {
        EXPECT_FALSE(this->exists(h));
    }
    EXPECT_TRUE(this->exists(current.hash));

    const auto replacement = this->make("user-1", now);
    const auto other = this->inserted("user-1", now - minutes{40});
    const auto replaced =
        run(this->ioc, this->store().replace_user_sessions("user-1", current.hash, replacement, counted));
    ASSERT_TRUE(replaced.has_value() && replaced->has_value());
    EXPECT_EQ(**replaced, 0u) << "the other one was idle";
    EXPECT_FALSE(this->exists(other.hash));
    EXPECT_FALSE(this->exists(current.hash));
    EXPECT_TRUE(this->exists(replacement.hash));
}

TYPED_TEST_P(SessionStoreContract, ConcurrentRemoveUserSessionsWithOneCurrentSucceedsOnce)
{
    constexpr int threads = 6;
    const auto current = this->inserted("user-1");
    this->inserted("user-1");
    this->inserted("user-1");
    std::atomic<int> succeeded{0};
    std::atomic<int> not_live{0};
    std::atomic<std::size_t> ended{0};
    std::latch start{threads};
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
        pool.emplace_back([&] {
            boost::asio::io_context own;
            start.arrive_and_wait();
            const auto r = run(own, this->store().remove_user_sessions("user-1", current.hash, false, {}));
            if (r && r->has_value()) {
                ++succeeded;
                ended += **r;
            } else if (r) {
                ++not_live;
            }
        });
    }
    for (auto& t : pool) {
        t.join();
    }
    EXPECT_EQ(succeeded.load(), 1);
    EXPECT_EQ(not_live.load(), threads - 1);
    EXPECT_EQ(ended.load(), 3u);
}

TYPED_TEST_P(SessionStoreContract, ReplaceUserSessionsCountsTheOthersAndStoresTheReplacement)
{
    const auto current = this->inserted("user-1");
    const auto b = this->inserted("user-1");
    const auto c = this->inserted("user-1");
    const auto other = this->inserted("user-2");
    const auto replacement = this->make("user-1", contract_t0 + std::chrono::minutes{1});
    const auto ended =
        run(this->ioc, this->store().replace_user_sessions("user-1", current.hash, replacement, {}));
    ASSERT_TRUE(ended.has_value());
    ASSERT_TRUE(ended->has_value()) << "the current session is live";
    EXPECT_EQ(**ended, 2u);
    EXPECT_FALSE(this->exists(current.hash));
    EXPECT_FALSE(this->exists(b.hash));
    EXPECT_FALSE(this->exists(c.hash));
    EXPECT_TRUE(this->exists(other.hash));
    const auto stored = this->find(replacement.hash);
    ASSERT_TRUE(stored.has_value());
    EXPECT_EQ(stored->csrf_token, replacement.csrf_token);
    EXPECT_EQ(stored->created_at, replacement.created_at);
}

TYPED_TEST_P(SessionStoreContract, ReplaceUserSessionsWithAMissingCurrentChangesNothing)
{
    const auto a = this->inserted("user-1");
    const auto b = this->inserted("user-1");
    const auto missing = this->make("user-1");
    const auto replacement = this->make("user-1");
    const auto ended =
        run(this->ioc, this->store().replace_user_sessions("user-1", missing.hash, replacement, {}));
    ASSERT_TRUE(ended.has_value());
    EXPECT_FALSE(ended->has_value());
    EXPECT_TRUE(this->exists(a.hash));
    EXPECT_TRUE(this->exists(b.hash));
    EXPECT_FALSE(this->exists(replacement.hash));
}

// A password change whose session was logged out while it hashed: it must not bring a session back.
TYPED_TEST_P(SessionStoreContract, ReplaceUserSessionsWithAnEndedCurrentChangesNothing)
{
    const auto current = this->inserted("user-1");
    const auto other = this->inserted("user-1");
    const auto removed = run(this->ioc, this->store().remove(current.hash));
    ASSERT_TRUE(removed.has_value() && *removed);
    const auto replacement = this->make("user-1");
    const auto ended =
        run(this->ioc, this->store().replace_user_sessions("user-1", current.hash, replacement, {}));
    ASSERT_TRUE(ended.has_value());
    EXPECT_FALSE(ended->has_value());
    EXPECT_TRUE(this->exists(other.hash));
    EXPECT_FALSE(this->exists(replacement.hash));
}

TYPED_TEST_P(SessionStoreContract, ReplaceUserSessionsWithAnotherUsersCurrentChangesNothing)
{
    const auto mine = this->inserted("user-1");
    const auto theirs = this->inserted("user-2");
    const auto replacement = this->make("user-1");
    const auto ended =
        run(this->ioc, this->store().replace_user_sessions("user-1", theirs.hash, replacement, {}));
    ASSERT_TRUE(ended.has_value());
    EXPECT_FALSE(ended->has_value());
    EXPECT_TRUE(this->exists(mine.hash));
    EXPECT_TRUE(this->exists(theirs.hash));
    EXPECT_FALSE(this->exists(replacement.hash));
}

TYPED_TEST_P(SessionStoreContract, TouchMovesLastSeenForwardOnly)
{
    const auto r = this->inserted("user-1");
    this->store().touch(r.hash, contract_t0 + std::chrono::minutes{5});
    this->backend.flush();
    EXPECT_EQ(this->find(r.hash)->last_seen_at, contract_t0 + std::chrono::minutes{5});
    this->store().touch(r.hash, contract_t0 + std::chrono::minutes{2});
    this->backend.flush();
    EXPECT_EQ(this->find(r.hash)->last_seen_at, contract_t0 + std::chrono::minutes{5});
    // Nothing else of the record changes.
    EXPECT_EQ(this->find(r.hash)->expires_at, r.expires_at);
    EXPECT_EQ(this->find(r.hash)->csrf_token, r.csrf_token);
}

TYPED_TEST_P(SessionStoreContract, TouchNeverRecreatesAnEndedSession)
{
    const auto r = this->inserted("user-1");
    ASSERT_TRUE(*run(this->ioc, this->store().remove(r.hash)));
    this->store().touch(r.hash, contract_t0 + std::chrono::minutes{5});
    this->backend.flush();
    EXPECT_FALSE(this->exists(r.hash));
    // Nor one that never existed.
    const auto never = this->make("user-1");
    this->store().touch(never.hash, contract_t0);
    this->backend.flush();
    EXPECT_FALSE(this->exists(never.hash));
    EXPECT_TRUE(run(this->ioc, this->store().list_for_user("user-1"))->empty());
}

TYPED_TEST_P(SessionStoreContract, PurgeRemovesExactlyTheExpiredSessions)
{
    using namespace std::chrono_literals;
    const sys_ms now = contract_t0 + 13h;
    const sys_ms idle_cutoff = now - 30min;

    auto absolute_expired = this->make("user-1", contract_t0);  // expires at t0 + 12h
    absolute_expired.last_seen_at = now - 1min;
    auto absolute_at_now = this->make("user-1", now - 12h);  // expires exactly now
    absolute_at_now.last_seen_at = now - 1min;
    auto idle_expired = this->make("user-1", now - 1h);
    idle_expired.last_seen_at = idle_cutoff;
    auto almost_idle = this->make("user-1", now - 1h);
    almost_idle.last_seen_at = idle_cutoff + 1ms;
    auto remember_idle = this->make("user-2", now - 1h, true);
    remember_idle.last_seen_at = now - 50min;
    auto remember_expired = this->make("user-2", now - 1h, true);
    remember_expired.expires_at = now - 1ms;
    for (const auto& r :
         {absolute_expired, absolute_at_now, idle_expired, almost_idle, remember_idle, remember_expired}) {
        ASSERT_TRUE(run(this->ioc, this->store().insert(r)).has_value());
    }

    const auto purged = run(this->ioc, this->store().purge_expired(now, idle_cutoff));
    ASSERT_TRUE(purged.has_value());
    EXPECT_EQ(*purged, 4u);
    EXPECT_FALSE(this->exists(absolute_expired.hash));
    EXPECT_FALSE(this->exists(absolute_at_now.hash));
    EXPECT_FALSE(this->exists(idle_expired.hash));
    EXPECT_FALSE(this->exists(remember_expired.hash));
    EXPECT_TRUE(this->exists(almost_idle.hash));
    EXPECT_TRUE(this->exists(remember_idle.hash));

    const auto again = run(this->ioc, this->store().purge_expired(now, idle_cutoff));
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, 0u);
}

TYPED_TEST_P(SessionStoreContract, RemoveCheckedEndsOnlyALiveSessionItsCheckPasses)
{
    // With an audit log outside the store: every backend's composed path (find, check, removal).
    audit::memory_audit_log audit;
    const auto event = [] { return sample_logout_event(contract_t0); };
    const auto r = this->inserted("user-1");
    const auto refused =
        run(this->ioc,
            this->store().remove_checked(
                r.hash, [](const session::session_record&) { return std::optional<errc>{errc::csrf_failed}; },
                audit, event()));
    ASSERT_FALSE(refused);
    EXPECT_EQ(to_errc(refused.error()), errc::csrf_failed);
    EXPECT_TRUE(this->exists(r.hash));

    std::string checked_user;
    const auto pass = [&checked_user](const session::session_record& row) {
        checked_user = row.user_id;
        return std::optional<errc>{};
    };
    const auto removed = run(this->ioc, this->store().remove_checked(r.hash, pass, audit, event()));
    ASSERT_TRUE(removed) << removed.error().message();
    EXPECT_TRUE(removed->removed);
    EXPECT_EQ(checked_user, "user-1");
    EXPECT_FALSE(this->exists(r.hash));
    const auto again = run(this->ioc, this->store().remove_checked(r.hash, pass, audit, event()));
    ASSERT_TRUE(again);
    EXPECT_FALSE(again->removed);
    const auto events = audit.events();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].user_id, "user-1") << "the store fills in the ended session's user";
}

TYPED_TEST_P(SessionStoreContract, PingSucceeds)
{
    EXPECT_TRUE(run(this->ioc, this->store().ping()).has_value());
}

REGISTER_TYPED_TEST_SUITE_P(
    SessionStoreContract, InsertThenFindReturnsEveryField, FindOfAnUnknownHashIsEmpty,
    ListForUserReturnsOnlyThatUsersSessions, RemoveIsTrueExactlyOnce, RemoveOfAnUnknownSessionIsFalse,
    ConcurrentRemovesOfOneSessionGiveExactlyOneTrue, RemoveUserSessionsWithoutKeepEndsThemAll,
    RemoveUserSessionsWithKeepKeepsTheCurrentOne, RemoveUserSessionsWithOnlyTheCurrentOneAndKeepEndsNothing,
    RemoveUserSessionsWithAMissingCurrentIsNulloptAndEndsNothing,
    RemoveUserSessionsWithAnotherUsersCurrentIsNullopt,
    RemoveUserSessionsCountsOnlyWhatIsLiveButDeletesEverything,
    ConcurrentRemoveUserSessionsWithOneCurrentSucceedsOnce,
    ReplaceUserSessionsCountsTheOthersAndStoresTheReplacement,
    ReplaceUserSessionsWithAMissingCurrentChangesNothing, ReplaceUserSessionsWithAnEndedCurrentChangesNothing,
    ReplaceUserSessionsWithAnotherUsersCurrentChangesNothing, TouchMovesLastSeenForwardOnly,
    TouchNeverRecreatesAnEndedSession, PurgeRemovesExactlyTheExpiredSessions,
    RemoveCheckedEndsOnlyALiveSessionItsCheckPasses, PingSucceeds);

}  // namespace authd::test
