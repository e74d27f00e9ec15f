// Real faults under the real binary: writes that fail (file-size limit), an audit insert that
// fails alone (a trigger), a database locked by another process for longer than the busy timeout.
// What a client sees must be clean (500/503, never a hang, never a half-done logout), and the
// service must recover once the fault is gone.
#include "audit_db.hpp"
#include "auth_api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>

namespace authd::test {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// A read-write connection to the service's database from the test process: another process on
// the same file, as an operator's tool would be.
class side_connection {
public:
    explicit side_connection(const std::filesystem::path& path)
    {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
            const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            throw std::runtime_error("cannot open " + path.string() + ": " + why);
        }
        sqlite3_busy_timeout(db_, 10000);
    }
    ~side_connection() { sqlite3_close(db_); }
    side_connection(const side_connection&) = delete;
    side_connection& operator=(const side_connection&) = delete;

    void exec(const std::string& sql)
    {
        char* error = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            const std::string why = error != nullptr ? error : "?";
            sqlite3_free(error);
            throw std::runtime_error("'" + sql + "' failed: " + why);
        }
    }

private:
    sqlite3* db_ = nullptr;
};

// Sets the running authd's file-size limit (RLIMIT_FSIZE) from outside, as prlimit(1) does. With
// 0, every write(2) to a regular file fails with EFBIG: the database, its WAL, the log file. This
// is a real write failure of the kernel, available to any user for its own processes (no mount,
// no root), unlike a full disk, which root-run tests cannot fake with file permissions (root ignores
// them, and authd's files are already open).
void set_file_size_limit(pid_t pid, rlim_t limit)
{
    rlimit old{};
    rlimit lim{};
    if (::prlimit(pid, RLIMIT_FSIZE, nullptr, &old) != 0) {
        throw std::runtime_error("prlimit (read) failed");
    }
    lim.rlim_cur = limit;
    lim.rlim_max = old.rlim_max;
    if (::prlimit(pid, RLIMIT_FSIZE, &lim, nullptr) != 0) {
        throw std::runtime_error("prlimit (write) failed");
    }
}

// SIGXFSZ would kill authd at the first refused write; ignored, write(2) returns EFBIG instead.
// An ignored signal stays ignored across fork and exec, so authd inherits this.
struct ignore_sigxfsz {
    ignore_sigxfsz() { previous = ::signal(SIGXFSZ, SIG_IGN); }
    ~ignore_sigxfsz() { ::signal(SIGXFSZ, previous); }
    ignore_sigxfsz(const ignore_sigxfsz&) = delete;
    ignore_sigxfsz& operator=(const ignore_sigxfsz&) = delete;
    sighandler_t previous;
};

std::size_t count_rows(const std::filesystem::path& db, const std::string& event_type)
{
    return read_logs(db, event_type).size();
}

TEST(Fault, WritesFailingDuringLogoutGive500AndTheSessionStaysValid)
{
    const ignore_sigxfsz ignored;
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    const session_handle other = log_in_ok(client, s.email);
    ASSERT_EQ(me(client, s).status, 200);

    set_file_size_limit(server.pid(), 0);
    const auto failed = log_out(client, s);
    const auto failed_all = log_out(client, other, "?all_devices=true");
    set_file_size_limit(server.pid(), RLIM_INFINITY);

    EXPECT_EQ(failed.status, 500) << failed.body;
    EXPECT_EQ(failed.error_code(), "LOGOUT_FAILED");
    EXPECT_EQ(failed.error_message(), "An error occurred during logout. Please try again later.");
    EXPECT_EQ(failed.header("Cache-Control"), "no-store");
    EXPECT_TRUE(set_cookies_named(failed, "session").empty()) << "a failed logout must not expire the cookie";
    EXPECT_FALSE(contains(failed.body, "SQL")) << failed.body;
    EXPECT_EQ(failed_all.status, 500) << failed_all.body;
    EXPECT_EQ(failed_all.error_code(), "LOGOUT_FAILED");

    // The fault is gone: nothing was half-done, both sessions are still valid, logout works.
    EXPECT_EQ(me(client, s).status, 200);
    EXPECT_EQ(me(client, other).status, 200);
    EXPECT_EQ(count_rows(server.db_path(), "USER_LOGOUT"), 0U);
    EXPECT_EQ(count_rows(server.db_path(), "USER_LOGOUT_ALL"), 0U);
    EXPECT_EQ(log_out(client, s).status, 200);
    EXPECT_EQ(me(client, s).status, 401);
    EXPECT_EQ(me(client, other).status, 200);
    EXPECT_EQ(count_rows(server.db_path(), "USER_LOGOUT"), 1U);
    EXPECT_EQ(log_out(client, other, "?all_devices=true").status, 200);
    EXPECT_EQ(me(client, other).status, 401);

    // And the sessions that survived the fault survive a crash too (the 500 wrote nothing).
    const session_handle later = log_in_ok(client, s.email);
    server.kill9();
    server.restart();
    http_client after(server.port());
    EXPECT_EQ(me(after, later).status, 200);
    EXPECT_EQ(me(after, s).status, 401);
}

TEST(Fault, AuditWriteFailureAloneStillEndsTheSessionAndIsLogged)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    const session_handle a = log_in_ok(client, s.email);
    const session_handle b = new_session(client);
    const std::size_t rows_before = read_logs(server.db_path()).size();

    {
        side_connection side(server.db_path());
        side.exec(
            "CREATE TRIGGER test_fail_audit BEFORE INSERT ON logs "
            "BEGIN SELECT RAISE(ABORT, 'injected audit failure'); END");
    }
    const auto out = log_out(client, s);
    const auto out_all = log_out(client, b, "?all_devices=true");
    {
        side_connection side(server.db_path());
        side.exec("DROP TRIGGER test_fail_audit");
    }

    EXPECT_EQ(out.status, 200) << out.body;
    EXPECT_EQ(out.json().at("message"), "Logout successful");
    EXPECT_EQ(set_cookies_named(out, "session").size(), 1U) << "the cookie is still expired";
    EXPECT_EQ(out_all.status, 200) << out_all.body;
    EXPECT_EQ(me(client, s).status, 401) << "the session must be gone although its audit row failed";
    EXPECT_EQ(me(client, b).status, 401);
    EXPECT_EQ(me(client, a).status, 200) << "only the one session ended";
    EXPECT_EQ(read_logs(server.db_path()).size(), rows_before) << "no audit row was written meanwhile";

    // The failure is in the service's own log (stderr), as an error line naming the audit write.
    const std::string log = server.log_text();
    EXPECT_TRUE(contains(log, "audit write failed")) << log.substr(log.size() > 4000 ? log.size() - 4000 : 0);
    EXPECT_TRUE(contains(log, "injected audit failure"));

    // The trigger is gone: the next logout is audited again.
    EXPECT_EQ(log_out(client, a).status, 200);
    EXPECT_EQ(count_rows(server.db_path(), "USER_LOGOUT"), 1U);
}

TEST(Fault, DatabaseLockedLongerThanTheBusyTimeoutGivesACleanErrorAndRecovers)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    ASSERT_EQ(client.get("/ready").status, 200);

    auto side = std::make_unique<side_connection>(server.db_path());
    side->exec("BEGIN IMMEDIATE");  // holds the write lock (in WAL mode readers go on)
    side->exec("INSERT INTO logs (event_type, message, created_at) VALUES ('TEST_LOCK', 'x', 'now')");

    const auto asked = steady::now();
    auto logout = std::async(std::launch::async, [&] { return log_out(client, s); });
    auto ready = std::async(std::launch::async, [&] { return client.get("/ready"); });
    // Reads do not wait for the writer: the session is still served meanwhile.
    EXPECT_EQ(me(client, s).status, 200);
    // Both answers come back while the lock is still held (busy timeout 5 s; generous bound).
    ASSERT_EQ(logout.wait_for(40s), std::future_status::ready) << "logout hangs on a locked database";
    ASSERT_EQ(ready.wait_for(40s), std::future_status::ready) << "/ready hangs on a locked database";
    const auto answered_after = steady::now() - asked;
    const auto locked_out = logout.get();
    const auto not_ready = ready.get();
    EXPECT_EQ(locked_out.status, 500) << locked_out.body;
    EXPECT_EQ(locked_out.error_code(), "LOGOUT_FAILED");
    EXPECT_EQ(not_ready.status, 503) << not_ready.body;
    EXPECT_EQ(not_ready.error_code(), "NOT_READY");
    EXPECT_LT(answered_after, 40s);
    EXPECT_EQ(me(client, s).status, 200) << "the failed logout changed nothing";

    side->exec("ROLLBACK");
    side.reset();

    // The lock is gone: the store is ready again and the logout goes through.
    EXPECT_EQ(client.get("/ready").status, 200);
    EXPECT_EQ(log_out(client, s).status, 200);
    EXPECT_EQ(me(client, s).status, 401);
    EXPECT_EQ(count_rows(server.db_path(), "USER_LOGOUT"), 1U);
    EXPECT_EQ(count_rows(server.db_path(), "TEST_LOCK"), 0U);
}

}  // namespace
}  // namespace authd::test
