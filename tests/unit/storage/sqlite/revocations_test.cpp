// The revocation log behind SQLite logouts (storage/sqlite/revocations.hpp): what the session store
// contract cannot see from one handle. Two `database` objects on one file stand for two authd
// processes: each has its own mirror of the log.
#include "session/cached_store.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/sqlite/shared_epoch.hpp"
#include "storage/sqlite/stores.hpp"
#include "support/failing_stores.hpp"
#include "support/run.hpp"
#include "support/sample_events.hpp"
#include "support/temp_dir.hpp"

#include <sqlite3.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace authd::test {
namespace {

using storage::sqlite::database;
using storage::sqlite::sqlite_session_store;

const sys_ms t0 = from_unix_ms(1'795'549'419'000);

// One process's view of the shared file. Unless told otherwise, as in a storm: no end deletes its
// row at once, so the rows wait for the purges these tests are about.
struct instance {
    explicit instance(const std::string& path, std::size_t purge_backlog = 100'000,
                      std::int64_t quiet_row_deletes_per_second = 0)
    {
        std::string error;
        db = database::open(path, error);
        if (!db) {
            throw std::runtime_error("cannot open the test database: " + error);
        }
        sessions = std::make_unique<sqlite_session_store>(*db, purge_backlog, quiet_row_deletes_per_second);
    }
    std::unique_ptr<database> db;
    std::unique_ptr<sqlite_session_store> sessions;
    boost::asio::io_context ioc;

    std::optional<session::session_record> find(const session::token_hash& h)
    {
        auto found = run(ioc, sessions->find(h));
        if (!found) {
            throw std::runtime_error(found.error().message());
        }
        return *found;
    }
    bool remove(const session::token_hash& h)
    {
        auto removed = run(ioc, sessions->remove(h));
        if (!removed) {
            throw std::runtime_error(removed.error().message());
        }
        return *removed;
    }
};

class Revocations : public ::testing::Test {
protected:
    Revocations()
    {
        storage::sqlite::sqlite_user_store users(*first.db);
        const auto ok = run(first.ioc, users.insert(auth::user{.id = "u1",
                                                               .email = "u1@example.com",
                                                               .password_hash = "$argon2id$unused",
                                                               .role = "user",
                                                               .created_at = t0}));
        if (!ok) {
            throw std::runtime_error(ok.error().message());
        }
    }

    static session::session_record stored_record(const std::string& user_id = "u1")
    {
        session::session_record r;
        r.hash = session::issue_token().hash;
        r.user_id = user_id;
        r.csrf_token = session::issue_csrf_token();
        r.created_at = r.last_seen_at = t0;
        r.expires_at = t0 + std::chrono::hours{12};
        r.ip_address = "203.0.113.7";
        r.user_agent = "test";
        return r;
    }
    session::session_record stored(const std::string& user_id = "u1")
    {
        auto r = stored_record(user_id);
        const auto ok = run(first.ioc, first.sessions->insert(r));
        if (!ok) {
            throw std::runtime_error(ok.error().message());
        }
        return r;
    }

    std::int64_t count(const char* sql)
    {
        sqlite3* raw = nullptr;
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(raw, sql, -1, &s, nullptr);
        const std::int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
        sqlite3_finalize(s);
        sqlite3_close(raw);
        return n;
    }
    // Keeps the writer busy for a moment, so that the writes queued meanwhile share one transaction.
    static void keep_writer_busy(instance& on)
    {
        on.db->write_detached([](storage::sqlite::connection&) {
            std::this_thread::sleep_for(std::chrono::milliseconds{100});
            return true;
        });
    }
    std::int64_t session_rows() { return count("SELECT count(*) FROM sessions"); }
    std::int64_t revocation_rows() { return count("SELECT count(*) FROM revocations"); }

    temp_dir dir;
    std::string path = dir.file("authd.db");
    instance first{path};
    instance second{path};
};

TEST_F(Revocations, ALogoutAppendsARevocationAndKeepsTheRowForThePurge)
{
    const auto r = stored();
    ASSERT_TRUE(first.remove(r.hash));
    EXPECT_EQ(revocation_rows(), 1);
    EXPECT_EQ(session_rows(), 1);
    EXPECT_FALSE(first.find(r.hash));
    EXPECT_EQ(first.db->revocations().size(), 1U) << "the writer's mirror has it before the answer";
}

// While ends are few, a logout deletes the session's row in its own transaction: nothing of it is
// left in `sessions` when the logout is acknowledged. Its revocation stays for every other
// process's cache.
TEST_F(Revocations, AnEndWhileEndsAreFewDeletesItsRowAtOnceAndKeepsItsRevocation)
{
    instance quiet{path, 100'000, sqlite_session_store::quiet_ends};
    const auto r = stored();
    ASSERT_TRUE(second.find(r.hash)) << "the other process has seen it live";
    ASSERT_TRUE(quiet.remove(r.hash));
    EXPECT_EQ(session_rows(), 0);
    EXPECT_EQ(revocation_rows(), 1);
    EXPECT_FALSE(quiet.find(r.hash));
    EXPECT_FALSE(second.find(r.hash));
    EXPECT_FALSE(quiet.remove(r.hash)) << "ended once";
}

// Beyond the budget of one second (a storm), the rows wait for the purges.
TEST_F(Revocations, BeyondTheQuietBudgetOfASecondTheRowsWaitForThePurges)
{
    instance quiet{path, 100'000, 2};
    std::vector<session::token_hash> hashes;
    for (int i = 0; i < 5; ++i) {
        hashes.push_back(stored().hash);
    }
    // At the start of a second of the steady clock: the five take a few milliseconds.
    const auto now = std::chrono::steady_clock::now().time_since_epoch();
    std::this_thread::sleep_for(std::chrono::ceil<std::chrono::seconds>(now) - now);
    for (const auto& h : hashes) {
        ASSERT_TRUE(quiet.remove(h));
    }
    EXPECT_EQ(session_rows(), 3) << "two deleted at once, three left";
    EXPECT_EQ(revocation_rows(), 5);
    for (const auto& h : hashes) {
        EXPECT_FALSE(quiet.find(h));
        EXPECT_FALSE(second.find(h));
    }
}

TEST_F(Revocations, ARevocationByOneProcessIsSeenByTheOther)
{
    const auto r = stored();
    ASSERT_TRUE(second.find(r.hash));
    ASSERT_TRUE(first.remove(r.hash));
    EXPECT_FALSE(second.find(r.hash));
    EXPECT_FALSE(second.remove(r.hash)) << "exactly one removal, across processes";
    auto listed = run(second.ioc, second.sessions->list_for_user("u1"));
    ASSERT_TRUE(listed);
    EXPECT_TRUE(listed->empty());
}

TEST_F(Revocations, ConcurrentRemovalsInOneBatchEndTheSessionOnce)
{
    const auto r = stored();
    // The writer is kept busy while both removals queue, so they share the next transaction: the
    // second must see the first's revocation, pending in that transaction and not yet in the mirror.
    keep_writer_busy(first);
    int removed = 0;
    for (int i = 0; i < 2; ++i) {
        boost::asio::co_spawn(
            first.ioc, first.sessions->remove(r.hash),
            [&removed](std::exception_ptr, result<bool> ok) { removed += ok && *ok ? 1 : 0; });
    }
    first.ioc.restart();
    first.ioc.run();
    EXPECT_EQ(removed, 1);
    EXPECT_EQ(revocation_rows(), 1);
}

TEST_F(Revocations, EndingAllSessionsCountsOnlyLiveOnes)
{
    const auto current = stored();
    const auto other = stored();
    const auto revoked = stored();
    ASSERT_TRUE(first.remove(revoked.hash));
    const auto ended = run(second.ioc, second.sessions->remove_user_sessions("u1", current.hash, true, {}));
    ASSERT_TRUE(ended);
    ASSERT_TRUE(*ended);
    EXPECT_EQ(**ended, 1U) << "the other session, not the revoked one";
    EXPECT_FALSE(second.find(other.hash));
    EXPECT_TRUE(second.find(current.hash));

    const auto refused =
        run(second.ioc, second.sessions->remove_user_sessions("u1", revoked.hash, false, {}));
    ASSERT_TRUE(refused);
    EXPECT_FALSE(*refused) << "a revoked session cannot end the others";
}

TEST_F(Revocations, ThePurgeDeletesRevokedRowsAndEveryMirrorForgetsThem)
{
    const auto a = stored();
    const auto b = stored();
    ASSERT_TRUE(first.remove(a.hash));
    ASSERT_TRUE(first.remove(b.hash));
    ASSERT_FALSE(second.find(a.hash));  // loads both into the second mirror
    EXPECT_EQ(second.db->revocations().size(), 2U);

    const auto purged = run(first.ioc, first.sessions->purge_expired(t0, t0 - std::chrono::hours{1}));
    ASSERT_TRUE(purged);
    EXPECT_EQ(session_rows(), 0);
    EXPECT_EQ(revocation_rows(), 0);
    EXPECT_EQ(first.db->revocations().size(), 0U);

    // The second process forgets on its own purge, which finds nothing left to delete.
    ASSERT_TRUE(run(second.ioc, second.sessions->purge_expired(t0, t0 - std::chrono::hours{1})));
    EXPECT_EQ(second.db->revocations().size(), 0U);
    EXPECT_FALSE(second.find(a.hash));
}

TEST_F(Revocations, ThePurgeOfRevokedSessionsDeletesOnlyTheirRowsAndEveryMirrorForgetsThem)
{
    const auto ended = stored();
    const auto kept = stored();
    ASSERT_TRUE(first.remove(ended.hash));
    ASSERT_FALSE(second.find(ended.hash));  // loaded into the second mirror

    const auto purged = run(first.ioc, first.sessions->purge_revoked());
    ASSERT_TRUE(purged) << purged.error().message();
    EXPECT_EQ(*purged, 1U);
    EXPECT_EQ(session_rows(), 1);
    EXPECT_EQ(revocation_rows(), 0);
    EXPECT_EQ(first.db->revocations().size(), 0U);
    EXPECT_TRUE(first.find(kept.hash));
    // It is not the expiry sweep: that one still finds the other row once it has expired.
    const auto swept = run(first.ioc, first.sessions->purge_expired(t0 + std::chrono::hours{13}, t0));
    ASSERT_TRUE(swept);
    EXPECT_EQ(*swept, 1U);

    const auto again = run(second.ioc, second.sessions->purge_revoked());
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, 0U) << "the other process's purge finds nothing left";
    EXPECT_EQ(second.db->revocations().size(), 0U);
    EXPECT_FALSE(second.find(ended.hash));
    EXPECT_FALSE(second.remove(ended.hash));
}

// Under ordinary load a logged-out session's row does not wait a purge interval for its delete.
TEST_F(Revocations, TheRowsOfAFewEndedSessionsAreDeletedSoonWhileTheirRevocationsStay)
{
    const auto ended = stored();
    const auto also_ended = stored();
    const auto kept = stored();
    ASSERT_TRUE(first.remove(ended.hash));
    ASSERT_TRUE(first.remove(also_ended.hash));

    const auto deleted = run(first.ioc, first.sessions->delete_recently_ended());
    ASSERT_TRUE(deleted) << deleted.error().message();
    EXPECT_EQ(*deleted, 2U);
    EXPECT_EQ(session_rows(), 1);
    EXPECT_EQ(revocation_rows(), 2) << "the revocations wait for the purge";
    EXPECT_EQ(first.db->revocations().size(), 2U) << "and the mirror forgets nothing, so no cache is dropped";
    EXPECT_FALSE(first.find(ended.hash));
    EXPECT_FALSE(second.find(also_ended.hash));
    EXPECT_TRUE(second.find(kept.hash));
    EXPECT_FALSE(first.remove(ended.hash)) << "still ended: a second logout finds nothing";

    const auto again = run(first.ioc, first.sessions->delete_recently_ended());
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, 0U) << "nothing ended since";

    // The purge still drops the revocations and empties the mirrors.
    const auto purged = run(first.ioc, first.sessions->purge_revoked());
    ASSERT_TRUE(purged) << purged.error().message();
    EXPECT_EQ(*purged, 0U) << "their rows were already gone";
    EXPECT_EQ(revocation_rows(), 0);
    EXPECT_EQ(first.db->revocations().size(), 0U);
    EXPECT_TRUE(first.find(kept.hash));
}

// A storm of logouts keeps the cheap path: its rows are deleted later, in key order, by the purges.
TEST_F(Revocations, TheRowsOfAStormOfEndsAreLeftToThePurge)
{
    const auto storm = static_cast<int>(sqlite_session_store::quiet_ends) + 1;
    for (int i = 0; i < storm; ++i) {
        ASSERT_TRUE(first.remove(stored().hash));
    }
    const auto deleted = run(first.ioc, first.sessions->delete_recently_ended());
    ASSERT_TRUE(deleted) << deleted.error().message();
    EXPECT_EQ(*deleted, 0U);
    EXPECT_EQ(session_rows(), storm);

    // Once it is over, a lone logout's row goes soon again; the storm's rows still wait.
    const auto lone = stored();
    ASSERT_TRUE(first.remove(lone.hash));
    const auto after = run(first.ioc, first.sessions->delete_recently_ended());
    ASSERT_TRUE(after);
    EXPECT_EQ(*after, 1U);
    EXPECT_EQ(session_rows(), storm);
    const auto purged = run(first.ioc, first.sessions->purge_revoked());
    ASSERT_TRUE(purged);
    EXPECT_EQ(*purged, static_cast<std::size_t>(storm));
    EXPECT_EQ(session_rows(), 0);
}

TEST_F(Revocations, ABacklogLargerThanOneWriteIsPurgedWholeByBothPurges)
{
    // More revoked sessions than one delete write and one revocation drop take (64 and 1,024):
    // the chunked purge must still reach every row, and every mirror must forget every one.
    constexpr int ended_count = 1'500;
    std::vector<session::session_record> records;
    for (int i = 0; i < ended_count + 1; ++i) {
        records.push_back(stored_record());
    }
    ASSERT_TRUE(run(first.ioc, first.sessions->insert_many(records)));
    int removed = 0;
    for (int i = 0; i < ended_count; ++i) {  // concurrently, so that they share a few commits
        boost::asio::co_spawn(
            first.ioc, first.sessions->remove(records[static_cast<std::size_t>(i)].hash),
            [&removed](std::exception_ptr, result<bool> ok) { removed += ok && *ok ? 1 : 0; });
    }
    first.ioc.restart();
    first.ioc.run();
    ASSERT_EQ(removed, ended_count);
    ASSERT_FALSE(second.find(records[0].hash));  // loads them all into the second mirror
    ASSERT_EQ(second.db->revocations().size(), static_cast<std::size_t>(ended_count));

    const auto purged = run(first.ioc, first.sessions->purge_revoked());
    ASSERT_TRUE(purged) << purged.error().message();
    EXPECT_EQ(*purged, static_cast<std::size_t>(ended_count));
    EXPECT_EQ(session_rows(), 1);
    EXPECT_EQ(revocation_rows(), 0);
    EXPECT_EQ(first.db->revocations().size(), 0U);
    EXPECT_TRUE(first.find(records.back().hash));

    ASSERT_TRUE(run(second.ioc, second.sessions->purge_expired(t0, t0 - std::chrono::hours{1})));
    EXPECT_EQ(second.db->revocations().size(), 0U);
    EXPECT_FALSE(second.find(records[0].hash));
    EXPECT_TRUE(second.find(records.back().hash));

    // The sweep's own chunked drop: another backlog, this time ended by the expiry purge.
    for (int i = 0; i < 1'100; ++i) {
        boost::asio::co_spawn(first.ioc, first.sessions->insert(stored_record()),
                              [](std::exception_ptr, result<void>) {});
    }
    first.ioc.restart();
    first.ioc.run();
    auto listed = run(first.ioc, first.sessions->list_for_user("u1"));
    ASSERT_TRUE(listed);
    for (const auto& r : *listed) {
        if (r.hash != records.back().hash) {
            boost::asio::co_spawn(first.ioc, first.sessions->remove(r.hash),
                                  [](std::exception_ptr, result<bool>) {});
        }
    }
    first.ioc.restart();
    first.ioc.run();
    ASSERT_EQ(revocation_rows(), 1'100);
    ASSERT_TRUE(run(first.ioc, first.sessions->purge_expired(t0, t0 - std::chrono::hours{1})));
    EXPECT_EQ(revocation_rows(), 0);
    EXPECT_EQ(session_rows(), 1);
    EXPECT_EQ(first.db->revocations().size(), 0U);
}

TEST(RevocationMirror, ForgettingPurgedRowsKeepsRevocationsNumberedLater)
{
    // The sweep forgets the revoked rows it deleted, but only those numbered up to where it began:
    // a later revocation may be one that a cached entry still has to be checked against.
    storage::sqlite::revoked_sessions mirror;
    const auto early = session::issue_token().hash;
    const auto late = session::issue_token().hash;
    mirror.add_committed({{early, 7}, {late, 12}});
    const std::vector<session::token_hash> deleted{early, late};
    mirror.forget(deleted, 10);
    EXPECT_FALSE(mirror.contains(early));
    EXPECT_TRUE(mirror.contains(late));
    EXPECT_EQ(mirror.size(), 1U);
}

TEST(RevocationMirror, ThePurgeGetsEveryRevokedHashUpToItsNumberInKeyOrder)
{
    // From the table, since the mirror keeps only a prefix of each hash. Both sizes: a small
    // backlog is sorted directly, a large one bucket by bucket.
    for (const std::size_t count : {100, 20'000}) {
        temp_dir dir;
        instance one{dir.file("authd.db")};
        std::vector<std::pair<session::token_hash, std::int64_t>> revoked;
        for (std::size_t i = 0; i < count; ++i) {
            revoked.emplace_back(session::issue_token().hash, 0);
        }
        const auto appended =
            run(one.ioc, one.db->write([&revoked](storage::sqlite::connection& c) -> result<void> {
                for (auto& [hash, seq] : revoked) {
                    const auto number = storage::sqlite::revoked_sessions::append(c, hash, 1);
                    if (!number) {
                        return errc::store_unavailable;
                    }
                    seq = *number;
                }
                return {};
            }));
        ASSERT_TRUE(appended);
        const std::int64_t through = revoked[count - 11].second;
        std::vector<session::token_hash> expected;
        for (const auto& [hash, seq] : revoked) {
            if (seq <= through) {
                expected.push_back(hash);
            }
        }
        std::sort(expected.begin(), expected.end());
        const auto got = one.db->read(
            [through](storage::sqlite::connection& c) -> result<std::vector<session::token_hash>> {
                auto hashes = storage::sqlite::revoked_sessions::hashes_through(c, through);
                if (!hashes) {
                    return errc::store_unavailable;
                }
                return std::move(*hashes);
            });
        ASSERT_TRUE(got) << count << " revocations";
        EXPECT_EQ(*got, expected) << count << " revocations";
    }
}

TEST_F(Revocations, ARestartedProcessStillRefusesRevokedSessions)
{
    const auto r = stored();
    ASSERT_TRUE(first.remove(r.hash));
    instance restarted{path};
    EXPECT_EQ(restarted.db->revocations().size(), 1U);
    EXPECT_FALSE(restarted.find(r.hash));
    EXPECT_FALSE(restarted.remove(r.hash));
}

// A logout's checked removal (session_store::remove_checked): the row is read, checked, revoked and
// its audit row written in one write job.
audit::audit_event logout_event()
{
    return sample_logout_event(t0);
}

class CheckedRemoval : public Revocations {
protected:
    result<session::recorded_removal> remove_checked(instance& on, const session::token_hash& h,
                                                     session::removal_check check)
    {
        return run(on.ioc, on.sessions->remove_checked(h, std::move(check), audit, logout_event()));
    }
    std::int64_t logout_rows() { return count("SELECT count(*) FROM logs WHERE event_type = 'USER_LOGOUT'"); }

    storage::sqlite::sqlite_audit_log audit{*first.db};
};

TEST_F(CheckedRemoval, TheCheckSeesTheStoredRowAndTheEndIsRecordedWithItsUser)
{
    const auto r = stored();
    std::optional<session::session_record> seen;
    const auto removed = remove_checked(first, r.hash, [&seen](const session::session_record& row) {
        seen = row;
        return std::optional<errc>{};
    });
    ASSERT_TRUE(removed) << removed.error().message();
    EXPECT_TRUE(removed->removed);
    EXPECT_FALSE(removed->audit_failed);
    ASSERT_TRUE(seen);
    EXPECT_EQ(seen->user_id, "u1");
    EXPECT_EQ(seen->csrf_token, r.csrf_token);
    EXPECT_EQ(seen->last_seen_at, r.last_seen_at);
    EXPECT_FALSE(first.find(r.hash));
    EXPECT_FALSE(second.find(r.hash));
    EXPECT_EQ(logout_rows(), 1);
    EXPECT_EQ(count("SELECT count(*) FROM logs WHERE user_id = 'u1'"), 1);
}

TEST_F(CheckedRemoval, ARefusalIsReturnedAndWritesNothing)
{
    const auto r = stored();
    const auto refused = remove_checked(
        first, r.hash, [](const session::session_record&) { return std::optional<errc>{errc::csrf_failed}; });
    ASSERT_FALSE(refused);
    EXPECT_EQ(to_errc(refused.error()), errc::csrf_failed);
    EXPECT_TRUE(first.find(r.hash)) << "the session stays valid";
    EXPECT_EQ(revocation_rows(), 0);
    EXPECT_EQ(logout_rows(), 0);
}

TEST_F(CheckedRemoval, AnEndedOrUnknownSessionIsNotRemovedAndNeverChecked)
{
    const auto r = stored();
    ASSERT_TRUE(second.remove(r.hash));  // ended by another process
    int checks = 0;
    const auto count_checks = [&checks](const session::session_record&) {
        ++checks;
        return std::optional<errc>{};
    };
    for (const auto& h : {r.hash, session::issue_token().hash}) {
        const auto removed = remove_checked(first, h, count_checks);
        ASSERT_TRUE(removed) << removed.error().message();
        EXPECT_FALSE(removed->removed);
    }
    EXPECT_EQ(checks, 0);
    EXPECT_EQ(logout_rows(), 0);
}

TEST_F(CheckedRemoval, ConcurrentCheckedRemovalsInOneBatchEndTheSessionOnce)
{
    const auto r = stored();
    // As ConcurrentRemovalsInOneBatchEndTheSessionOnce: both wait for one transaction.
    keep_writer_busy(first);
    int removed = 0;
    for (int i = 0; i < 2; ++i) {
        boost::asio::co_spawn(
            first.ioc,
            first.sessions->remove_checked(
                r.hash, [](const session::session_record&) { return std::optional<errc>{}; }, audit,
                logout_event()),
            [&removed](std::exception_ptr, result<session::recorded_removal> ok) {
                removed += ok && ok->removed ? 1 : 0;
            });
    }
    first.ioc.restart();
    first.ioc.run();
    EXPECT_EQ(removed, 1);
    EXPECT_EQ(revocation_rows(), 1);
    EXPECT_EQ(logout_rows(), 1);
}

// Each instance with the session cache in front, as the authd binary runs it.
struct cached_instance {
    explicit cached_instance(const std::string& path) : plain(path)
    {
        std::string error;
        epoch = storage::sqlite::shared_epoch::open(path, error);
        if (!epoch) {
            throw std::runtime_error(error);
        }
        cache = std::make_unique<session::cached_store>(*plain.sessions, *epoch, 100);
    }
    std::optional<session::session_record> find(const session::token_hash& h)
    {
        auto found = run(plain.ioc, cache->find(h));
        if (!found) {
            throw std::runtime_error(found.error().message());
        }
        return *found;
    }
    instance plain;
    std::unique_ptr<storage::sqlite::shared_epoch> epoch;
    std::unique_ptr<session::cached_store> cache;
};

class CachedRevocations : public Revocations {
protected:
    // Deletes a row behind every cache's back: a find that still returns it was served from a cache.
    void delete_row_behind_the_caches(const session::token_hash& h)
    {
        sqlite3* raw = nullptr;
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
        sqlite3_busy_timeout(raw, 5000);
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(raw, "DELETE FROM sessions WHERE token_hash = ?", -1, &s, nullptr);
        sqlite3_bind_blob(s, 1, h.data(), static_cast<int>(h.size()), SQLITE_TRANSIENT);
        EXPECT_EQ(sqlite3_step(s), SQLITE_DONE);
        sqlite3_finalize(s);
        sqlite3_close(raw);
    }

    cached_instance a{path};
    cached_instance b{path};
};

TEST_F(CachedRevocations, ALogoutOnOneInstanceEndsTheCachedSessionOnAnother)
{
    const auto r = stored();
    ASSERT_TRUE(a.find(r.hash));  // cached in a
    auto removed = run(b.plain.ioc, b.cache->remove(r.hash));
    ASSERT_TRUE(removed && *removed);
    EXPECT_FALSE(a.find(r.hash));
    EXPECT_FALSE(b.find(r.hash));
}

TEST_F(CachedRevocations, AnotherSessionsLogoutKeepsThisSessionCached)
{
    const auto kept = stored();
    const auto ended = stored();
    ASSERT_TRUE(a.find(kept.hash));
    ASSERT_TRUE(a.find(ended.hash));
    auto removed = run(b.plain.ioc, b.cache->remove(ended.hash));
    ASSERT_TRUE(removed && *removed);
    delete_row_behind_the_caches(kept.hash);
    EXPECT_TRUE(a.find(kept.hash)) << "served from the cache after checking the revocations";
    EXPECT_FALSE(a.find(ended.hash));
}

TEST_F(CachedRevocations, APurgeThatForgetsARevocationDoesNotLetTheCachedSessionBack)
{
    const auto r = stored();
    ASSERT_TRUE(a.find(r.hash));
    auto removed = run(b.plain.ioc, b.cache->remove(r.hash));
    ASSERT_TRUE(removed && *removed);
    // Both instances purge: the row and the revocation are deleted, and both mirrors forget it.
    ASSERT_TRUE(run(b.plain.ioc, b.cache->purge_expired(t0, t0 - std::chrono::hours{1})));
    ASSERT_TRUE(run(a.plain.ioc, a.cache->purge_expired(t0, t0 - std::chrono::hours{1})));
    EXPECT_EQ(a.plain.db->revocations().size(), 0U);
    EXPECT_FALSE(a.find(r.hash));
}

TEST_F(CachedRevocations, APurgeOfRevokedSessionsDoesNotLetTheCachedSessionBack)
{
    const auto r = stored();
    ASSERT_TRUE(a.find(r.hash));
    auto removed = run(b.plain.ioc, b.cache->remove(r.hash));
    ASSERT_TRUE(removed && *removed);
    ASSERT_TRUE(run(b.plain.ioc, b.cache->purge_revoked()));
    ASSERT_TRUE(run(a.plain.ioc, a.cache->purge_revoked()));
    EXPECT_EQ(a.plain.db->revocations().size(), 0U);
    EXPECT_FALSE(a.find(r.hash));
}

// A's SQLite store with a moment at the start of purge_revoked(), before the purge reads the
// revocations: where, with several I/O threads, another thread may cache a session and another
// instance may end it.
class purge_start_store final : public failing_session_store {
public:
    explicit purge_start_store(sqlite_session_store& inner) : failing_session_store(inner), sqlite_(inner) {}
    std::function<void()> at_purge_start;

    task<result<std::size_t>> purge_revoked() override
    {
        at_purge_start();
        return sqlite_.purge_revoked();
    }
    std::optional<std::uint64_t> revocation_marker() const override { return sqlite_.revocation_marker(); }
    task<result<bool>> revoked(session::token_hash hash, std::uint64_t marker) override
    {
        return sqlite_.revoked(hash, marker);
    }

private:
    sqlite_session_store& sqlite_;
};

TEST_F(CachedRevocations, ASessionCachedAsAPurgeStartsAndEndedElsewhereMeanwhileStaysEnded)
{
    const auto r = stored();
    purge_start_store inner(*a.plain.sessions);
    session::cached_store cache(inner, *a.epoch, 100);
    inner.at_purge_start = [&] {
        // Cached just as the purge starts (after anything the cache did before calling it) ...
        const auto cached = run(a.plain.ioc, cache.find(r.hash));
        ASSERT_TRUE(cached && cached->has_value());
        // ... and ended by the other instance: a revocation this purge deletes and forgets.
        const auto removed = run(b.plain.ioc, b.cache->remove(r.hash));
        ASSERT_TRUE(removed && *removed);
    };
    ASSERT_TRUE(run(a.plain.ioc, cache.purge_revoked()));
    EXPECT_EQ(a.plain.db->revocations().size(), 0U) << "the purge was to forget the revocation";
    const auto found = run(a.plain.ioc, cache.find(r.hash));
    ASSERT_TRUE(found);
    EXPECT_FALSE(found->has_value()) << "served from the cache after its revocation was forgotten";
}

TEST_F(CachedRevocations, EndingAllSessionsStillEndsEveryCachedOne)
{
    const auto current = stored();
    const auto other = stored();
    ASSERT_TRUE(a.find(other.hash));
    auto ended = run(b.plain.ioc, b.cache->remove_user_sessions("u1", current.hash, true, {}));
    ASSERT_TRUE(ended && *ended);
    EXPECT_FALSE(a.find(other.hash));
    EXPECT_TRUE(a.find(current.hash));
}

TEST_F(CachedRevocations, ACheckedRemovalThroughTheCacheEndsTheCachedSession)
{
    const auto r = stored();
    ASSERT_TRUE(a.find(r.hash));
    storage::sqlite::sqlite_audit_log audit(*a.plain.db);
    auto removed =
        run(a.plain.ioc, a.cache->remove_checked(
                             r.hash, [](const session::session_record&) { return std::optional<errc>{}; },
                             audit, logout_event()));
    ASSERT_TRUE(removed && removed->removed);
    EXPECT_FALSE(a.find(r.hash));
    EXPECT_FALSE(b.find(r.hash));
}

TEST_F(Revocations, ThePurgeSweepReachesEveryKeyRangeBoundary)
{
    // Hashes on both sides of range boundaries, at the ends of the key space, and in between:
    // every expired one goes, every live one stays.
    const std::uint8_t prefixes[][2] = {{0x00, 0x00}, {0x00, 0x3f}, {0x00, 0x40}, {0x7f, 0xff},
                                        {0x80, 0x00}, {0xff, 0xbf}, {0xff, 0xc0}, {0xff, 0xff}};
    std::vector<session::token_hash> live;
    for (const auto& prefix : prefixes) {
        for (const bool expired : {true, false}) {
            session::session_record r;
            r.hash = session::issue_token().hash;
            r.hash[0] = prefix[0];
            r.hash[1] = prefix[1];
            r.user_id = "u1";
            r.csrf_token = "csrf";
            r.created_at = r.last_seen_at = t0;
            r.expires_at = expired ? t0 - std::chrono::minutes{1} : t0 + std::chrono::hours{12};
            r.remember_me = true;
            ASSERT_TRUE(run(first.ioc, first.sessions->insert(r)));
            if (!expired) {
                live.push_back(r.hash);
            }
        }
    }
    const auto purged = run(first.ioc, first.sessions->purge_expired(t0, t0 - std::chrono::hours{1}));
    ASSERT_TRUE(purged);
    EXPECT_EQ(*purged, std::size(prefixes));
    EXPECT_EQ(session_rows(), static_cast<std::int64_t>(live.size()));
    for (const auto& h : live) {
        EXPECT_TRUE(first.find(h));
    }
}

TEST(RevocationBacklog, ABacklogAsksForAnEarlyPurgeAndThePurgeClearsIt)
{
    temp_dir dir;
    instance one{dir.file("authd.db"), 3};
    storage::sqlite::sqlite_user_store users(*one.db);
    ASSERT_TRUE(run(one.ioc, users.insert(auth::user{.id = "u1",
                                                     .email = "u1@example.com",
                                                     .password_hash = "$argon2id$unused",
                                                     .role = "user",
                                                     .created_at = t0})));
    std::vector<session::token_hash> revoked;
    for (int i = 0; i < 4; ++i) {
        session::session_record r;
        r.hash = session::issue_token().hash;
        r.user_id = "u1";
        r.csrf_token = "csrf";
        r.created_at = r.last_seen_at = t0;
        r.expires_at = t0 + std::chrono::hours{12};
        ASSERT_TRUE(run(one.ioc, one.sessions->insert(r)));
        if (i < 3) {
            EXPECT_FALSE(one.sessions->purge_due()) << i << " revoked";
            ASSERT_TRUE(one.remove(r.hash));
            revoked.push_back(r.hash);
        }
    }
    EXPECT_TRUE(one.sessions->purge_due());
    const auto purged = run(one.ioc, one.sessions->purge_revoked());
    ASSERT_TRUE(purged);
    EXPECT_EQ(*purged, 3U);
    EXPECT_FALSE(one.sessions->purge_due());
    EXPECT_EQ(one.db->revocations().size(), 0U);
    for (const auto& h : revoked) {
        EXPECT_FALSE(one.find(h));
    }
    auto listed = run(one.ioc, one.sessions->list_for_user("u1"));
    ASSERT_TRUE(listed);
    EXPECT_EQ(listed->size(), 1U) << "the live session stays";
}

}  // namespace
}  // namespace authd::test
