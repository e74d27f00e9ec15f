#include "storage/sqlite/database.hpp"

#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/stores.hpp"
#include "support/failing_stores.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

#include <sqlite3.h>

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <functional>
#include <future>

namespace authd::storage::sqlite {
namespace {

using test::run;
using namespace std::chrono_literals;

const sys_ms t0 = from_unix_ms(1'795'549'419'123);

// A plain SQLite connection beside the service's, to look at the file the way an operator would.
class raw_db {
public:
    explicit raw_db(const std::string& path)
    {
        if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
            ADD_FAILURE() << "cannot open " << path;
        }
        sqlite3_busy_timeout(db_, 5000);
    }
    ~raw_db() { sqlite3_close(db_); }
    raw_db(const raw_db&) = delete;
    raw_db& operator=(const raw_db&) = delete;

    // SQLITE_OK or the error code; the message goes to `error`.
    int exec(const std::string& sql, std::string* error = nullptr)
    {
        char* message = nullptr;
        const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
        if (error != nullptr) {
            *error = message != nullptr ? message : "";
        }
        sqlite3_free(message);
        return rc;
    }
    std::int64_t integer(const std::string& sql)
    {
        sqlite3_stmt* stmt = nullptr;
        std::int64_t out = -1;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW) {
            out = sqlite3_column_int64(stmt, 0);
        }
        sqlite3_finalize(stmt);
        return out;
    }
    std::optional<std::string> text(const std::string& sql)
    {
        sqlite3_stmt* stmt = nullptr;
        std::optional<std::string> out;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
            out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        }
        sqlite3_finalize(stmt);
        return out;
    }

private:
    sqlite3* db_ = nullptr;
};

std::unique_ptr<database> open_or_fail(const std::string& path)
{
    std::string error;
    auto db = database::open(path, error);
    EXPECT_NE(db, nullptr) << error;
    return db;
}

auth::user make_user(const std::string& id, const std::string& email)
{
    return auth::user{.id = id,
                      .email = email,
                      .password_hash = "$argon2id$v=19$m=19456,t=2,p=1$x$y",
                      .role = "user",
                      .created_at = t0};
}

session::session_record make_session(const std::string& user_id)
{
    session::session_record r;
    r.hash = session::issue_token().hash;
    r.user_id = user_id;
    r.csrf_token = session::issue_csrf_token();
    r.created_at = t0;
    r.last_seen_at = t0;
    r.expires_at = t0 + 12h;
    r.ip_address = "203.0.113.7";
    r.user_agent = "agent";
    return r;
}

TEST(SqliteDatabase, MigrationsSetUserVersion)
{
    test::temp_dir dir;
    const std::string path = dir.file("authd.db");
    auto db = open_or_fail(path);
    ASSERT_NE(db, nullptr);
    raw_db raw{path};
    EXPECT_GE(latest_schema_version(), 1);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), latest_schema_version());
    EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
    for (const char* table : {"users", "sessions", "logs"}) {
        EXPECT_EQ(
            raw.integer(std::string("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='") +
                        table + "'"),
            1)
            << table;
    }
}

TEST(SqliteDatabase, CreatesMissingParentDirectories)
{
    test::temp_dir dir;
    const std::string path = (dir.path() / "nested" / "deeper" / "authd.db").string();
    auto db = open_or_fail(path);
    ASSERT_NE(db, nullptr);
    EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(SqliteDatabase, ReopeningKeepsTheDataAndTheSchemaVersion)
{
    test::temp_dir dir;
    const std::string path = dir.file("authd.db");
    const auto session = make_session("u1");
    {
        auto db = open_or_fail(path);
        ASSERT_NE(db, nullptr);
        sqlite_user_store users{*db};
        sqlite_session_store sessions{*db};
        ASSERT_TRUE(run(users.insert(make_user("u1", "alice@example.com"))).has_value());
        ASSERT_TRUE(run(sessions.insert(session)).has_value());
    }
    auto db = open_or_fail(path);
    ASSERT_NE(db, nullptr);
    sqlite_user_store users{*db};
    sqlite_session_store sessions{*db};
    const auto user = run(users.find_by_email("alice@example.com"));
    ASSERT_TRUE(user.has_value() && user->has_value());
    EXPECT_EQ((*user)->id, "u1");
    const auto found = run(sessions.find(session.hash));
    ASSERT_TRUE(found.has_value() && found->has_value());
    EXPECT_EQ((*found)->csrf_token, session.csrf_token);
    raw_db raw{path};
    EXPECT_EQ(raw.integer("PRAGMA user_version"), latest_schema_version());
}

TEST(SqliteDatabase, RefusesASchemaNewerThanThisBuild)
{
    test::temp_dir dir;
    const std::string path = dir.file("authd.db");
    {
        raw_db raw{path};
        ASSERT_EQ(raw.exec("PRAGMA user_version = 999"), SQLITE_OK);
    }
    std::string error;
    auto db = database::open(path, error);
    EXPECT_EQ(db, nullptr);
    EXPECT_NE(error.find("999"), std::string::npos) << error;
}

TEST(SqliteDatabase, WritesAfterStopAreRefusedNotDropped)
{
    test::temp_dir dir;
    auto db = open_or_fail(dir.file("authd.db"));
    ASSERT_NE(db, nullptr);
    sqlite_session_store sessions{*db};
    db->stop();
    const auto r = run(sessions.remove(session::issue_token().hash));
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error(), errc::store_unavailable);
}

// Runs `writes` so that the writer takes none of them before all are queued: a first write holds
// the writer until the last one has been submitted, so they share one transaction. Their results,
// in order.
std::vector<result<int>> run_in_one_transaction(database& db,
                                                std::vector<std::function<task<result<int>>()>> writes)
{
    net::io_context ioc;
    std::promise<void> holding;
    std::promise<void> all_queued;
    std::shared_future<void> queued = all_queued.get_future().share();
    net::co_spawn(ioc, db.write([&holding, queued](connection&) -> result<int> {
        holding.set_value();
        queued.wait();
        return 0;
    }),
                  net::detached);
    // The writes are submitted only once the writer runs the holding write: had it not started
    // yet, it could take the holding write and the first of them into one transaction, and the
    // rest into the next.
    net::co_spawn(
        ioc,
        [&holding]() -> task<void> {
            holding.get_future().wait();
            co_return;
        },
        net::detached);
    std::vector<std::optional<result<int>>> out(writes.size());
    for (std::size_t i = 0; i < writes.size(); ++i) {
        net::co_spawn(ioc, writes[i](), [&out, i](std::exception_ptr e, result<int> r) {
            if (!e) {
                out[i].emplace(r);
            }
        });
    }
    // Spawned last, so it starts after every write above has been submitted (one thread, in order).
    net::co_spawn(
        ioc,
        [&all_queued]() -> task<void> {
            all_queued.set_value();
            co_return;
        },
        net::detached);
    ioc.run();
    std::vector<result<int>> results;
    for (auto& r : out) {
        EXPECT_TRUE(r.has_value()) << "a write did not finish";
        results.push_back(r.value_or(result<int>{errc::internal_error}));
    }
    return results;
}

// Inside a write job: adds the user `id`; whether the INSERT succeeded.
bool add_user_row(connection& c, std::string_view id)
{
    statement s = c.query(
        "INSERT INTO users (id, email, password_hash, role, created_at) "
        "VALUES (?1, ?1 || '@example.test', 'x', 'user', '2026-01-01T00:00:00.000Z')");
    s.bind(1, id);
    return s.step() == SQLITE_DONE;
}

// A write adding the user `id` (with a savepoint, or as a logout runs, without one) that answers 1.
std::function<task<result<int>>()> insert_user(database& db, std::string id, bool own_savepoint)
{
    return [&db, id = std::move(id), own_savepoint] {
        auto insert = [id](connection& c) -> result<int> {
            return add_user_row(c, id) ? result<int>{1} : result<int>{errc::store_unavailable};
        };
        return own_savepoint ? db.write(insert) : db.write_changing_nothing_on_failure(insert);
    };
}

// A write without a savepoint that ends in `failure`, having inserted the user `id` first or not.
std::function<task<result<int>>()> fail_without_savepoint(database& db, errc failure,
                                                          const char* id = nullptr)
{
    return [&db, failure, id] {
        return db.write_changing_nothing_on_failure([failure, id](connection& c) -> result<int> {
            if (id != nullptr) {
                EXPECT_TRUE(add_user_row(c, id));
            } else {
                statement read = c.query("SELECT count(*) FROM users");
                (void)read.step();
            }
            return failure;
        });
    };
}

std::int64_t users_named(const std::string& path, const char* ids)
{
    raw_db file(path);
    return file.integer(std::string("SELECT count(*) FROM users WHERE id IN (") + ids + ")");
}

TEST(SqliteDatabase, AWriteWithoutASavepointThatFailsBeforeAnyChangeLeavesItsTransactionIntact)
{
    test::temp_dir dir;
    auto db = open_or_fail(dir.file("authd.db"));
    ASSERT_NE(db, nullptr);
    const auto results = run_in_one_transaction(*db, {
                                                         // refused after a read, as a logout is
                                                         fail_without_savepoint(*db, errc::not_authenticated),
                                                         insert_user(*db, "kept", true),
                                                         insert_user(*db, "also-kept", false),
                                                     });
    ASSERT_EQ(results.size(), 3u);
    ASSERT_TRUE(results[0].has_error());
    EXPECT_EQ(results[0].error(), errc::not_authenticated);
    EXPECT_TRUE(results[1].has_value());
    EXPECT_TRUE(results[2].has_value());
    db.reset();
    EXPECT_EQ(users_named(dir.file("authd.db"), "'kept', 'also-kept'"), 2);
}

TEST(SqliteDatabase, AWriteWithoutASavepointThatFailsAfterAChangeFailsItsWholeTransaction)
{
    test::temp_dir dir;
    auto db = open_or_fail(dir.file("authd.db"));
    ASSERT_NE(db, nullptr);
    const auto results =
        run_in_one_transaction(*db, {
                                        insert_user(*db, "kept", true),
                                        // breaks its promise: a change, then a failure
                                        fail_without_savepoint(*db, errc::csrf_failed, "broken"),
                                    });
    ASSERT_EQ(results.size(), 2u);
    // Nothing of that transaction is committed, so nothing in it is acknowledged.
    ASSERT_TRUE(results[0].has_error());
    EXPECT_EQ(results[0].error(), errc::store_unavailable);
    ASSERT_TRUE(results[1].has_error());
    EXPECT_EQ(results[1].error(), errc::csrf_failed);
    // And the writer goes on with the next transaction.
    EXPECT_TRUE(run(insert_user(*db, "also-kept", true)()).has_value());
    db.reset();
    EXPECT_EQ(users_named(dir.file("authd.db"), "'kept', 'broken'"), 0);
    EXPECT_EQ(users_named(dir.file("authd.db"), "'also-kept'"), 1);
}

class SqliteAuditLogTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        db = open_or_fail(path);
        ASSERT_NE(db, nullptr);
        audit = std::make_unique<sqlite_audit_log>(*db);
    }
    void append(audit::audit_event e) { ASSERT_TRUE(run(audit->append(std::move(e))).has_value()); }

    test::temp_dir dir;
    std::string path = dir.file("authd.db");
    std::unique_ptr<database> db;
    std::unique_ptr<sqlite_audit_log> audit;
};

TEST_F(SqliteAuditLogTest, StoresEveryColumn)
{
    append({.type = audit::event_type::user_logout,
            .user_id = "u1",
            .ip_address = "203.0.113.7",
            .user_agent = "Robert'); DROP TABLE logs;--",
            .message = "User logged out",
            .session_ref = "0123456789ab",
            .created_at = t0});
    append({.type = audit::event_type::user_login_failed,
            .user_id = std::nullopt,
            .ip_address = "198.51.100.1",
            .user_agent = "",
            .message = "Failed login for x@example.com",
            .session_ref = std::nullopt,
            .created_at = t0});
    raw_db raw{path};
    EXPECT_EQ(raw.integer("SELECT count(*) FROM logs"), 2);
    EXPECT_EQ(raw.text("SELECT event_type FROM logs ORDER BY id LIMIT 1"), "USER_LOGOUT");
    EXPECT_EQ(raw.text("SELECT user_id FROM logs ORDER BY id LIMIT 1"), "u1");
    EXPECT_EQ(raw.text("SELECT ip_address FROM logs ORDER BY id LIMIT 1"), "203.0.113.7");
    EXPECT_EQ(raw.text("SELECT user_agent FROM logs ORDER BY id LIMIT 1"), "Robert'); DROP TABLE logs;--");
    EXPECT_EQ(raw.text("SELECT session_ref FROM logs ORDER BY id LIMIT 1"), "0123456789ab");
    EXPECT_EQ(raw.text("SELECT created_at FROM logs ORDER BY id LIMIT 1"), "2026-11-24T19:43:39.123Z");
    EXPECT_EQ(raw.text("SELECT event_type FROM logs ORDER BY id DESC LIMIT 1"), "USER_LOGIN_FAILED");
    EXPECT_FALSE(raw.text("SELECT user_id FROM logs ORDER BY id DESC LIMIT 1").has_value());
    EXPECT_FALSE(raw.text("SELECT session_ref FROM logs ORDER BY id DESC LIMIT 1").has_value());
}

TEST_F(SqliteAuditLogTest, LogsTableRejectsUpdate)
{
    append({.type = audit::event_type::user_login,
            .user_id = "u1",
            .ip_address = "203.0.113.7",
            .user_agent = "agent",
            .message = "User logged in",
            .session_ref = "0123456789ab",
            .created_at = t0});
    raw_db raw{path};
    std::string error;
    EXPECT_NE(raw.exec("UPDATE logs SET message = 'tampered'", &error), SQLITE_OK);
    EXPECT_NE(error.find("append-only"), std::string::npos) << error;
    EXPECT_EQ(raw.text("SELECT message FROM logs"), "User logged in");
}

TEST_F(SqliteAuditLogTest, LogsTableRejectsDelete)
{
    append({.type = audit::event_type::user_login,
            .user_id = "u1",
            .ip_address = "203.0.113.7",
            .user_agent = "agent",
            .message = "User logged in",
            .session_ref = "0123456789ab",
            .created_at = t0});
    raw_db raw{path};
    std::string error;
    EXPECT_NE(raw.exec("DELETE FROM logs", &error), SQLITE_OK);
    EXPECT_NE(error.find("append-only"), std::string::npos) << error;
    EXPECT_EQ(raw.integer("SELECT count(*) FROM logs"), 1);
}

class SqliteUserStoreTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        db = open_or_fail(dir.file("authd.db"));
        ASSERT_NE(db, nullptr);
        users = std::make_unique<sqlite_user_store>(*db);
    }
    test::temp_dir dir;
    std::unique_ptr<database> db;
    std::unique_ptr<sqlite_user_store> users;
};

TEST_F(SqliteUserStoreTest, FindsByEmailAndById)
{
    ASSERT_TRUE(run(users->insert(make_user("u1", "alice@example.com"))).has_value());
    const auto by_email = run(users->find_by_email("alice@example.com"));
    ASSERT_TRUE(by_email.has_value() && by_email->has_value());
    EXPECT_EQ((*by_email)->id, "u1");
    EXPECT_EQ((*by_email)->role, "user");
    EXPECT_TRUE((*by_email)->password_hash.starts_with("$argon2id$"));
    const auto by_id = run(users->find_by_id("u1"));
    ASSERT_TRUE(by_id.has_value() && by_id->has_value());
    EXPECT_EQ((*by_id)->email, "alice@example.com");
    EXPECT_FALSE(run(users->find_by_email("bob@example.com"))->has_value());
    EXPECT_FALSE(run(users->find_by_id("u2"))->has_value());
}

TEST_F(SqliteUserStoreTest, DuplicateEmailIsEmailTaken)
{
    ASSERT_TRUE(run(users->insert(make_user("u1", "alice@example.com"))).has_value());
    const auto again = run(users->insert(make_user("u2", "alice@example.com")));
    ASSERT_TRUE(again.has_error());
    EXPECT_EQ(again.error(), errc::email_taken);
}

TEST_F(SqliteUserStoreTest, UpdatesThePasswordHash)
{
    ASSERT_TRUE(run(users->insert(make_user("u1", "alice@example.com"))).has_value());
    ASSERT_TRUE(run(users->update_password_hash("u1", "$argon2id$new")).has_value());
    EXPECT_EQ((*run(users->find_by_id("u1")))->password_hash, "$argon2id$new");
}

TEST_F(SqliteUserStoreTest, SessionOfAnUnknownUserIsRefused)
{
    sqlite_session_store sessions{*db};
    test::log_capture quiet;  // the failed statement is logged; keep the test output clean
    const auto r = run(sessions.insert(make_session("no-such-user")));
    ASSERT_TRUE(r.has_error());
    EXPECT_EQ(r.error(), errc::store_unavailable);
}

}  // namespace
}  // namespace authd::storage::sqlite
