// The `logs` table, read back from the SQLite file: every event, who, from where, never a secret.
#include "audit_db.hpp"
#include "auth_api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <boost/json/object.hpp>
#include <gtest/gtest.h>

#include <map>
#include <regex>

namespace authd::test {
namespace {

constexpr std::string_view changed_password = "the changed passphrase";

bool is_iso8601_utc(const std::string& t)
{
    static const std::regex pattern(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$)");
    return std::regex_match(t, pattern);
}

TEST(Audit, EveryEventIsRecordedWithUserAddressAndUserAgent)
{
    server_process server;
    http_client client(server.port(), "audit-test-agent/3.1 (X11; \"quoted\")");

    // USER_REGISTER, USER_LOGIN (x4), USER_LOGIN_FAILED
    const session_handle a = new_session(client);
    const session_handle b = log_in_ok(client, a.email);
    const session_handle c = log_in_ok(client, a.email);
    const session_handle d = log_in_ok(client, a.email);
    ASSERT_EQ(log_in(client, a.email, "wrong password!").status, 401);
    // SESSION_REVOKED
    const std::string b_id(me(client, b).json().at("session").at("id").as_string());
    ASSERT_EQ(client.del("/auth/sessions/" + b_id, a.headers()).status, 204);
    // USER_LOGOUT
    ASSERT_EQ(log_out(client, c).status, 200);
    // PASSWORD_CHANGED (ends d)
    const auto changed = client.post_json(
        "/auth/password",
        boost::json::object{{"current_password", default_password}, {"new_password", changed_password}},
        a.headers());
    ASSERT_EQ(changed.status, 200) << changed.body;
    const session_handle rotated = session_for(set_cookies_named(changed, "session").at(0).value,
                                               std::string(changed.json().at("csrf_token").as_string()));
    // SESSIONS_REVOKED_OTHERS
    const session_handle e = log_in_ok(client, a.email, changed_password);
    ASSERT_EQ(client.del("/auth/sessions", e.headers()).status, 200);
    // USER_LOGOUT_ALL
    const session_handle f = log_in_ok(client, a.email, changed_password);
    ASSERT_EQ(log_out(client, f, "?all_devices=true").status, 200);

    const auto rows = read_logs(server.db_path());
    std::map<std::string, int> counts;
    for (const auto& row : rows) {
        ++counts[row.event_type];
        SCOPED_TRACE(row.event_type + " " + row.message);
        EXPECT_EQ(row.user_id, a.user_id);
        EXPECT_EQ(row.ip_address, "127.0.0.1");
        EXPECT_EQ(row.user_agent, client.user_agent());
        EXPECT_FALSE(row.message.empty());
        EXPECT_TRUE(is_iso8601_utc(row.created_at)) << row.created_at;
    }
    EXPECT_EQ(counts["USER_REGISTER"], 1);
    EXPECT_EQ(counts["USER_LOGIN"], 6);
    EXPECT_EQ(counts["USER_LOGIN_FAILED"], 1);
    EXPECT_EQ(counts["SESSION_REVOKED"], 1);
    EXPECT_EQ(counts["USER_LOGOUT"], 1);
    EXPECT_EQ(counts["PASSWORD_CHANGED"], 1);
    EXPECT_EQ(counts["SESSIONS_REVOKED_OTHERS"], 1);
    EXPECT_EQ(counts["USER_LOGOUT_ALL"], 1);
    EXPECT_EQ(rows.size(), 13U);

    // Events about a session name it by a short reference, never by its token.
    for (const auto& type : {"USER_LOGIN", "USER_LOGOUT", "USER_LOGOUT_ALL", "SESSION_REVOKED",
                             "SESSIONS_REVOKED_OTHERS", "PASSWORD_CHANGED"}) {
        for (const auto& row : read_logs(server.db_path(), type)) {
            ASSERT_TRUE(row.session_ref.has_value()) << type;
            EXPECT_FALSE(row.session_ref->empty()) << type;
            EXPECT_LT(row.session_ref->size(), 43U) << type;
        }
    }

    // No secret anywhere in the table: tokens, CSRF tokens, passwords.
    const std::string dump = dump_table(server.db_path(), "logs");
    for (const auto& s : {a, b, c, d, e, f, rotated}) {
        EXPECT_FALSE(contains(dump, s.token)) << "a session token is in logs";
        EXPECT_FALSE(contains(dump, s.csrf)) << "a CSRF token is in logs";
    }
    EXPECT_FALSE(contains(dump, default_password));
    EXPECT_FALSE(contains(dump, changed_password));
    EXPECT_FALSE(contains(dump, "wrong password!"));
    EXPECT_FALSE(contains(dump, "$argon2")) << "a password hash is in logs";
}

TEST(Audit, LogoutRowNamesTheEndedSessionByAHashPrefix)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    const std::string id(me(client, s).json().at("session").at("id").as_string());
    ASSERT_EQ(log_out(client, s).status, 200);
    const auto rows = read_logs(server.db_path(), "USER_LOGOUT");
    ASSERT_EQ(rows.size(), 1U);
    ASSERT_TRUE(rows[0].session_ref.has_value());
    EXPECT_TRUE(id.starts_with(*rows[0].session_ref)) << *rows[0].session_ref << " vs session id " << id;
}

TEST(Audit, FailedLoginForUnknownEmailIsRecordedWithoutUser)
{
    server_process server;
    http_client client(server.port());
    const std::string ghost = unique_email("ghost");
    const auto res = log_in(client, ghost, "some password");
    EXPECT_EQ(res.status, 401);
    EXPECT_EQ(res.error_code(), "INVALID_CREDENTIALS");
    const auto rows = read_logs(server.db_path(), "USER_LOGIN_FAILED");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_FALSE(rows[0].user_id.has_value());
    EXPECT_EQ(rows[0].ip_address, "127.0.0.1");
    EXPECT_FALSE(contains(rows[0].message, "some password"));
}

// People type their password into the email field: what is no email address is not logged.
TEST(Audit, AFailedLoginWhoseEmailIsNoEmailAddressDoesNotLogWhatWasTyped)
{
    server_process server;
    http_client client(server.port());
    for (const std::string typed : {"MySecretP@ssw0rd!", "hunter2-hunter2"}) {
        const auto res = log_in(client, typed, "some password");
        EXPECT_EQ(res.status, 401) << typed;
        EXPECT_EQ(res.error_code(), "INVALID_CREDENTIALS");
    }
    const auto rows = read_logs(server.db_path(), "USER_LOGIN_FAILED");
    ASSERT_EQ(rows.size(), 2U);
    for (const auto& row : rows) {
        EXPECT_EQ(row.message, "Failed login for an entry that is not an email address");
        EXPECT_FALSE(contains(row.message, "ssw0rd")) << row.message;
    }
    const std::string ghost = unique_email("ghost");
    ASSERT_EQ(log_in(client, ghost, "some password").status, 401);
    EXPECT_EQ(read_logs(server.db_path(), "USER_LOGIN_FAILED").back().message, "Failed login for " + ghost)
        << "an email address is still named";
}

TEST(Audit, UnknownEmailAndWrongPasswordGetTheSameAnswer)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    const auto wrong = log_in(client, s.email, "wrong password");
    const auto unknown = log_in(client, unique_email("ghost"), "wrong password");
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(wrong.status, unknown.status);
    EXPECT_EQ(wrong.body, unknown.body);
}

TEST(Audit, UserAgentIsStoredAsDataNotInterpreted)
{
    server_process server;
    const std::string agent = "'); DROP TABLE logs; -- <script>alert(1)</script> \xc5\xbc\xc3\xb3\xc5\x82w";
    http_client client(server.port(), agent);
    const session_handle s = new_session(client);
    ASSERT_EQ(log_out(client, s).status, 200);
    const auto rows = read_logs(server.db_path(), "USER_LOGOUT");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].user_agent, agent);
}

}  // namespace
}  // namespace authd::test
