// The command line for operators: `authd admin ...`, `migrate`, `check-config`, `config-example`,
// each run as its own process on the database of a running server.
#include "audit_db.hpp"
#include "auth_api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace authd::test {
namespace {

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

run_result admin(const server_process& server, std::vector<std::string> args)
{
    args.insert(args.begin(), {"admin", "--db", server.db_path().string()});
    return run_authd(args);
}

// No password hash, session token or CSRF token of `s` anywhere in `text`.
void expect_no_secret(const std::string& text, const session_handle& s)
{
    EXPECT_FALSE(contains(text, "$argon2id$")) << text;
    EXPECT_FALSE(contains(text, s.token)) << text;
    EXPECT_FALSE(contains(text, s.csrf)) << text;
}

TEST(AdminCli, UsersListAndShowNameAccountsWithoutSecrets)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);

    const auto list = admin(server, {"users", "list"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_TRUE(contains(list.out, s.email));
    EXPECT_TRUE(contains(list.out, s.user_id));
    expect_no_secret(list.out, s);

    const auto show = admin(server, {"users", "show", s.email, "--json"});
    ASSERT_EQ(show.exit_code, 0) << show.err;
    const auto doc = parse_response("HTTP/1.1 200 OK\r\n\r\n" + show.out).json();
    EXPECT_EQ(doc.at("email").as_string(), s.email);
    EXPECT_EQ(doc.at("disabled").as_bool(), false);
    EXPECT_EQ(doc.at("live_sessions").as_int64(), 1);
    expect_no_secret(show.out, s);
}

TEST(AdminCli, DisablingEndsEverySessionAtOnceAndRefusesLoginUntilEnabled)
{
    server_process server;
    http_client client(server.port());
    const session_handle a = new_session(client);
    const session_handle b = log_in_ok(client, a.email);
    ASSERT_EQ(me(client, a).status, 200);  // now in the server's caches
    ASSERT_EQ(me(client, b).status, 200);

    const auto disabled = admin(server, {"users", "disable", a.email});
    ASSERT_EQ(disabled.exit_code, 0) << disabled.err;
    EXPECT_TRUE(contains(disabled.out, "sessions ended: 2")) << disabled.out;
    EXPECT_EQ(me(client, a).status, 401);
    EXPECT_EQ(me(client, b).status, 401);
    EXPECT_EQ(client.get("/auth/verify", a.headers(false)).status, 401);

    const auto refused = log_in(client, a.email);
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(refused.error_code(), "ACCOUNT_DISABLED");
    EXPECT_EQ(log_in(client, a.email, "not the password").error_code(), "INVALID_CREDENTIALS")
        << "a wrong password must not learn that the account is disabled";

    const auto rows = read_logs(server.db_path(), "USER_DISABLED");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].user_id.value_or(""), a.user_id);
    EXPECT_TRUE(contains(rows[0].user_agent.value_or(""), "authd-admin"));

    ASSERT_EQ(admin(server, {"users", "enable", a.email}).exit_code, 0);
    EXPECT_EQ(log_in(client, a.email).status, 200);
    EXPECT_EQ(read_logs(server.db_path(), "USER_ENABLED").size(), 1u);
}

TEST(AdminCli, SessionsListNamesSessionsByReferenceAndRevokeEndsThemAllAudited)
{
    server_process server;
    http_client client(server.port());
    const session_handle a = new_session(client);
    const session_handle b = log_in_ok(client, a.email);

    const auto list = admin(server, {"sessions", "list", "--user", a.email});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    const std::string a_id = std::string(me(client, a).json().at("session").at("id").as_string());
    EXPECT_TRUE(contains(list.out, a_id.substr(0, 12))) << list.out;
    expect_no_secret(list.out, a);
    expect_no_secret(list.out, b);

    const auto revoked = admin(server, {"sessions", "revoke", "--user", a.email});
    ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
    EXPECT_TRUE(contains(revoked.out, "sessions ended: 2")) << revoked.out;
    EXPECT_EQ(me(client, a).status, 401);
    EXPECT_EQ(me(client, b).status, 401);
    const auto rows = read_logs(server.db_path(), "SESSIONS_REVOKED_ADMIN");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].user_id.value_or(""), a.user_id);
    // The account itself still works.
    EXPECT_EQ(log_in(client, a.email).status, 200);
}

TEST(AdminCli, AuditTailFiltersByUserTypeAndTimeAndPrintsJsonLines)
{
    server_process server;
    http_client client(server.port());
    const session_handle a = new_session(client);
    const session_handle other = new_session(client);
    ASSERT_EQ(log_out(client, a).status, 200);

    const auto tail = admin(server, {"audit", "tail", "--user", a.email, "--json"});
    ASSERT_EQ(tail.exit_code, 0) << tail.err;
    std::vector<std::string> types;
    std::istringstream lines(tail.out);
    for (std::string line; std::getline(lines, line);) {
        const auto row = parse_response("HTTP/1.1 200 OK\r\n\r\n" + line).json();
        ASSERT_TRUE(row.is_object()) << line;
        EXPECT_EQ(row.at("user_id").as_string(), a.user_id);
        types.emplace_back(row.at("event_type").as_string());
    }
    EXPECT_EQ(types, (std::vector<std::string>{"USER_REGISTER", "USER_LOGIN", "USER_LOGOUT"}));

    const auto logouts = admin(server, {"audit", "tail", "--type", "USER_LOGOUT", "--since", "1h"});
    ASSERT_EQ(logouts.exit_code, 0) << logouts.err;
    EXPECT_TRUE(contains(logouts.out, "USER_LOGOUT"));
    EXPECT_FALSE(contains(logouts.out, "USER_LOGIN "));
    EXPECT_FALSE(contains(logouts.out, other.user_id));

    const auto future = admin(server, {"audit", "tail", "--since", "2999-01-01T00:00:00Z"});
    EXPECT_EQ(future.exit_code, 0);
    EXPECT_TRUE(future.out.empty()) << future.out;
}

TEST(AdminCli, OnlineBackupRestoresUsersSessionsAndAuditLog)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    const auto backup_path = server.dir() / "backup.db";

    const auto backup = admin(server, {"backup", backup_path.string()});
    ASSERT_EQ(backup.exit_code, 0) << backup.err;
    ASSERT_TRUE(std::filesystem::exists(backup_path));
    EXPECT_EQ(admin(server, {"backup", backup_path.string()}).exit_code, 1) << "never overwrites a file";

    // Restore: a server on the copy knows the account, the session and the audit rows.
    ASSERT_EQ(log_out(client, s).status, 200);
    const auto restored_dir = server.dir() / "restored";
    std::filesystem::create_directories(restored_dir);
    std::filesystem::copy_file(backup_path, restored_dir / "authd.db");
    server_process restored({"--db", (restored_dir / "authd.db").string()});
    http_client restored_client(restored.port());
    EXPECT_EQ(me(restored_client, s).status, 200) << "the session as it was at backup time";
    EXPECT_EQ(log_in(restored_client, s.email).status, 200);
    EXPECT_EQ(read_logs(restored_dir / "authd.db", "USER_REGISTER").size(), 1u);
}

TEST(AdminCli, MistakesGetClearMessagesAndNonZeroExitCodes)
{
    server_process server;
    const auto unknown_user = admin(server, {"users", "show", "nobody@example.com"});
    EXPECT_EQ(unknown_user.exit_code, 1);
    EXPECT_TRUE(contains(unknown_user.err, "no account with email nobody@example.com"));

    const auto unknown_command = admin(server, {"users", "frobnicate"});
    EXPECT_EQ(unknown_command.exit_code, 2);
    EXPECT_TRUE(contains(unknown_command.err, "usage: authd admin"));

    EXPECT_EQ(admin(server, {"audit", "tail", "--since", "yesterday"}).exit_code, 2);
    EXPECT_EQ(admin(server, {"sessions", "revoke"}).exit_code, 2) << "--user is required";
    EXPECT_EQ(admin(server, {"users", "list", "--bogus"}).exit_code, 2);

    const auto no_db = run_authd({"admin", "--db", (server.dir() / "missing.db").string(), "users", "list"});
    EXPECT_EQ(no_db.exit_code, 1);
    EXPECT_TRUE(contains(no_db.err, "no database at"));
    EXPECT_FALSE(std::filesystem::exists(server.dir() / "missing.db")) << "admin never creates a database";

    const auto help = run_authd({"admin", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_TRUE(contains(help.out, "sessions revoke --user EMAIL"));
}

TEST(Cli, MigrateBringsANewDatabaseToTheCurrentSchema)
{
    const auto dir = std::filesystem::temp_directory_path() / ("authd-migrate-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    const auto run = run_authd({"migrate", "--db", (dir / "authd.db").string()});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_TRUE(contains(run.out, "schema version")) << run.out;
    EXPECT_EQ(count_sessions(dir / "authd.db"), 0);
    std::filesystem::remove_all(dir);
}

TEST(Cli, SeedSessionsMakesSessionsThatWorkAsLoginsDo)
{
    // The benchmarks' interface: N sessions of one user in the store, one "TOKEN CSRF_TOKEN" line
    // per session in the file; each works as a logged-in session does, and logs out with its token.
    server_process server;
    ASSERT_EQ(server.stop(), 0);
    const auto tokens = server.dir() / "tokens.txt";
    constexpr int count = 25;
    const auto seeded = run_authd({"seed-sessions", "--db", server.db_path().string(), "--count",
                                   std::to_string(count), "--out", tokens.string()});
    ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
    EXPECT_EQ(count_sessions(server.db_path()), count);

    std::ifstream in(tokens);
    std::vector<session_handle> sessions;
    std::set<std::string> distinct;
    for (std::string token, csrf; in >> token >> csrf;) {
        EXPECT_EQ(token.size(), 43U) << token;
        distinct.insert(token);
        sessions.push_back(session_for(token, csrf));
    }
    ASSERT_EQ(sessions.size(), static_cast<std::size_t>(count));
    EXPECT_EQ(distinct.size(), sessions.size());

    server.restart();
    http_client client(server.port());
    std::set<std::string> users;
    for (const auto& s : sessions) {
        const auto who = me(client, s);
        ASSERT_EQ(who.status, 200) << who.body;
        users.insert(std::string(who.json().at("user").at("id").as_string()));
    }
    EXPECT_EQ(users.size(), 1U) << "one user owns them all";
    EXPECT_EQ(log_out(client, sessions.front()).status, 200);
    EXPECT_EQ(me(client, sessions.front()).status, 401);
    EXPECT_EQ(me(client, sessions.back()).status, 200);
}

TEST(Cli, CheckConfigPrintsEffectiveValuesOrEveryProblem)
{
    const auto ok = run_authd({"check-config", "--session-idle", "45m", "--insecure-cookies"});
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_TRUE(contains(ok.out, "AUTHD_SESSION_IDLE=45m    # flag")) << ok.out;
    EXPECT_TRUE(contains(ok.out, "AUTHD_INSECURE_COOKIES=true    # flag")) << ok.out;
    EXPECT_TRUE(contains(ok.out, "AUTHD_COOKIE_NAME=session    # default")) << ok.out;
    EXPECT_TRUE(contains(ok.out, "configuration ok"));

    const auto bad =
        run_authd({"check-config", "--session-idle", "soon", "--log-format", "xml", "--listen", "localhost"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_TRUE(contains(bad.err, "--listen")) << bad.err;
    EXPECT_TRUE(contains(bad.err, "--session-idle")) << bad.err;
    EXPECT_TRUE(contains(bad.err, "--log-format")) << bad.err;
}

// deploy/authd.env is what `authd config-example` prints, and README's configuration table names
// exactly the options of the option table: one source, three views kept equal.
TEST(Cli, ExampleConfigAndReadmeTableComeFromTheOptionTable)
{
    const auto example = run_authd({"config-example"});
    ASSERT_EQ(example.exit_code, 0) << example.err;
    EXPECT_EQ(example.out, read_file(std::filesystem::path(AUTHD_SOURCE_DIR) / "deploy" / "authd.env"))
        << "regenerate with: authd config-example > deploy/authd.env";

    std::set<std::string> from_table;
    const std::regex env_line(R"(^#(AUTHD_[A-Z_]+)=)");
    std::istringstream lines(example.out);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (std::regex_search(line, m, env_line)) {
            from_table.insert(m[1]);
        }
    }
    std::set<std::string> from_readme;
    const std::regex readme_row(R"(^\| `(AUTHD_[A-Z_]+)` \| `--([a-z-]+)` \|)");
    std::istringstream readme(read_file(std::filesystem::path(AUTHD_SOURCE_DIR) / "README.md"));
    for (std::string line; std::getline(readme, line);) {
        std::smatch m;
        if (std::regex_search(line, m, readme_row)) {
            from_readme.insert(m[1]);
            std::string flag = m[2];
            std::string env = "AUTHD_" + flag;
            for (char& c : env) {
                c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            }
            EXPECT_EQ(env, m[1].str()) << "README pairs --" << flag << " with " << m[1];
        }
    }
    EXPECT_EQ(from_readme, from_table);
    EXPECT_GT(from_table.size(), 20u);
}

TEST(Cli, LogFormatTextWritesReadableLines)
{
    server_process server({"--log-format", "text"});
    http_client client(server.port());
    (void)client.get("/health");
    server.stop();
    const std::string log = server.log_text();
    EXPECT_TRUE(std::regex_search(
        log, std::regex(R"(\n?\d{4}-\d\d-\d\dT[^ ]+Z INFO request method=GET route=/health status=200)")))
        << log;
    EXPECT_FALSE(contains(log, "{\"ts\""));
}

}  // namespace
}  // namespace authd::test
