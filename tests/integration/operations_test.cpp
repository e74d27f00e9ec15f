// The surface for the people who run and integrate authd: forward auth (/auth/verify), Prometheus
// metrics, the OpenAPI document, Swagger UI and the web UI's files.
#include "audit_db.hpp"
#include "auth_api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <boost/json/object.hpp>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

namespace authd::test {
namespace {

// The value of one sample line ("name{labels} value") of a Prometheus exposition; -1 if absent.
double sample(const std::string& exposition, const std::string& series)
{
    std::size_t at = 0;
    while ((at = exposition.find(series + " ", at)) != std::string::npos) {
        if (at == 0 || exposition[at - 1] == '\n') {
            return std::strtod(exposition.c_str() + at + series.size() + 1, nullptr);
        }
        at += series.size();
    }
    return -1;
}

TEST(ForwardAuth, LiveSessionGets200WithTheUserInHeaders)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);

    const auto res = client.get("/auth/verify", s.headers(false));
    ASSERT_EQ(res.status, 200) << res.body;
    EXPECT_EQ(res.header("X-Authd-User-Id").value_or(""), s.user_id);
    EXPECT_EQ(res.header("X-Authd-User-Email").value_or(""), s.email);
    EXPECT_EQ(res.header("X-Authd-Role").value_or(""), "user");
    const std::string session_id = std::string(me(client, s).json().at("session").at("id").as_string());
    EXPECT_EQ(res.header("X-Authd-Session").value_or(""), session_id.substr(0, 12));
    EXPECT_TRUE(res.body.empty());
}

TEST(ForwardAuth, NoSessionAndEndedSessionGet401)
{
    server_process server;
    http_client client(server.port());
    const auto anonymous = client.get("/auth/verify");
    EXPECT_EQ(anonymous.status, 401);
    EXPECT_EQ(anonymous.error_code(), "NOT_AUTHENTICATED");
    EXPECT_FALSE(anonymous.header("X-Authd-User-Id"));

    const session_handle s = new_session(client);
    ASSERT_EQ(client.get("/auth/verify", s.headers(false)).status, 200);
    ASSERT_EQ(log_out(client, s).status, 200);
    const auto after = client.get("/auth/verify", s.headers(false));
    EXPECT_EQ(after.status, 401);
    EXPECT_FALSE(after.header("X-Authd-User-Email"));
}

// Behind nginx every TCP peer is the proxy: X-Forwarded-For names the client, but only when the
// peer is a configured trusted proxy, and only its last entry (the one the proxy appended).
TEST(TrustedProxy, ForwardedForNamesTheClientOnlyForTrustedPeers)
{
    const auto session_ip = [](const http_client& client, const session_handle& s) {
        const auto listed = client.get("/auth/sessions", s.headers(false)).json();
        for (const auto& session : listed.at("sessions").as_array()) {
            if (session.at("current").as_bool()) {
                return std::string(session.at("ip_address").as_string());
            }
        }
        return std::string("(no current session)");
    };
    const auto log_in_via_proxy = [](const http_client& client, const std::string& email,
                                     const char* forwarded) {
        const auto res = client.post_json(
            "/auth/login", boost::json::object{{"email", email}, {"password", default_password}},
            {{"X-Forwarded-For", forwarded}});
        return session_for(set_cookies_named(res, "session").at(0).value,
                           std::string(res.json().at("csrf_token").as_string()));
    };

    server_process trusting({"--trusted-proxies", "127.0.0.1, ::1"});
    http_client client(trusting.port());
    const std::string email = unique_email();
    ASSERT_EQ(register_user(client, email).status, 201);
    const session_handle via_proxy = log_in_via_proxy(client, email, "198.51.100.1, 203.0.113.7");
    EXPECT_EQ(session_ip(client, via_proxy), "203.0.113.7") << "the last entry: the address nginx saw";
    const auto logins = read_logs(trusting.db_path(), "USER_LOGIN");
    ASSERT_EQ(logins.size(), 1u);
    EXPECT_EQ(logins[0].ip_address.value_or(""), "203.0.113.7");
    const session_handle garbage = log_in_via_proxy(client, email, "not an address");
    EXPECT_EQ(session_ip(client, garbage), "127.0.0.1") << "an unparsable header falls back to the peer";

    server_process untrusting;
    http_client direct(untrusting.port());
    ASSERT_EQ(register_user(direct, email).status, 201);
    const session_handle forged = log_in_via_proxy(direct, email, "203.0.113.7");
    EXPECT_EQ(session_ip(direct, forged), "127.0.0.1") << "nobody is trusted by default";
}

TEST(Metrics, ExpositionCountsRequestsLoginsAndEachKindOfLogout)
{
    server_process server;
    http_client client(server.port());
    const session_handle a = new_session(client);
    const session_handle b = log_in_ok(client, a.email);
    const session_handle c = log_in_ok(client, a.email);
    const session_handle d = log_in_ok(client, a.email);
    ASSERT_EQ(log_in(client, a.email, "wrong password!").status, 401);
    ASSERT_EQ(register_user(client, a.email).status, 409);

    // One of each kind: another session by id, the other devices, this one, everywhere.
    const std::string b_id = std::string(me(client, b).json().at("session").at("id").as_string());
    ASSERT_EQ(client.del("/auth/sessions/" + b_id, a.headers()).status, 204);
    ASSERT_EQ(client.del("/auth/sessions", c.headers()).status, 200);  // ends a and d
    const session_handle e = log_in_ok(client, a.email);
    const session_handle f = log_in_ok(client, a.email);
    ASSERT_EQ(log_out(client, e).status, 200);
    ASSERT_EQ(log_out(client, f, "?all_devices=true").status, 200);  // ends c and f

    const auto res = client.get("/metrics");
    ASSERT_EQ(res.status, 200);
    EXPECT_EQ(res.header("Content-Type").value_or(""), "text/plain; version=0.0.4; charset=utf-8");
    const std::string& text = res.body;
    EXPECT_EQ(sample(text, R"(authd_logouts_total{kind="current"})"), 1);
    EXPECT_EQ(sample(text, R"(authd_logouts_total{kind="all_devices"})"), 1);
    EXPECT_EQ(sample(text, R"(authd_logouts_total{kind="other_devices"})"), 1);
    EXPECT_EQ(sample(text, R"(authd_logouts_total{kind="one_session"})"), 1);
    EXPECT_EQ(sample(text, "authd_logins_total"), 6);
    EXPECT_EQ(sample(text, "authd_login_failures_total"), 1);
    EXPECT_EQ(sample(text, R"(authd_http_requests_total{method="POST",route="/auth/login",status="200"})"),
              6);
    EXPECT_EQ(sample(text, R"(authd_http_requests_total{method="POST",route="/auth/login",status="401"})"),
              1);
    EXPECT_EQ(
        sample(text,
               R"(authd_http_requests_total{method="DELETE",route="/auth/sessions/{id}",status="204"})"),
        1);
    EXPECT_EQ(sample(text, R"(authd_http_requests_total{method="POST",route="/auth/register",status="409"})"),
              1)
        << "every status authd answers with is a series of its own, none is \"other\"";
    EXPECT_EQ(
        sample(text, R"(authd_http_request_duration_seconds_count{method="POST",route="/auth/logout"})"), 2);
    EXPECT_EQ(
        sample(text,
               R"(authd_http_request_duration_seconds_bucket{method="POST",route="/auth/logout",le="+Inf"})"),
        2);
    EXPECT_EQ(sample(text, "authd_sessions_active"), 0);  // every session of the account has ended
    EXPECT_EQ(sample(text, "authd_password_hash_queue_depth"), 0);
    EXPECT_GE(sample(text, "authd_password_hash_wait_seconds_count"), 8);
    EXPECT_NE(text.find("authd_build_info{version="), std::string::npos);
    EXPECT_EQ(sample(text, "authd_audit_write_failures_total"), 0);
}

TEST(Metrics, SessionsActiveCountsLiveSessionsAndRateLimitsAreCounted)
{
    server_process server({"--login-max-failures", "2"});
    http_client client(server.port());
    const session_handle a = new_session(client);
    (void)new_session(client);
    for (int i = 0; i < 3; ++i) {
        (void)log_in(client, a.email, "wrong password!");
    }
    const auto res = client.get("/metrics");
    ASSERT_EQ(res.status, 200);
    EXPECT_EQ(sample(res.body, "authd_sessions_active"), 2);
    EXPECT_EQ(sample(res.body, "authd_rate_limited_total"), 1);
    EXPECT_EQ(
        sample(res.body, R"(authd_http_requests_total{method="POST",route="/auth/login",status="429"})"), 1);
}

// promtool (Debian's prometheus package, installed by tools/install-deps.sh) is the reference
// parser of the text format.
TEST(Metrics, PromtoolAcceptsTheExposition)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    ASSERT_EQ(log_out(client, s).status, 200);
    (void)client.get("/no/such/path");
    const auto res = client.get("/metrics");
    ASSERT_EQ(res.status, 200);
    const auto file = server.dir() / "metrics.txt";
    std::ofstream(file) << res.body;
    const std::string command = "promtool check metrics < " + file.string() + " > " +
                                (server.dir() / "promtool.txt").string() + " 2>&1";
    const int rc = std::system(command.c_str());
    std::ifstream report(server.dir() / "promtool.txt");
    const std::string findings((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
    EXPECT_EQ(rc, 0) << findings;
}

TEST(OpenApi, DocumentIsServedAsJsonAndNamesEveryEndpoint)
{
    server_process server;
    http_client client(server.port());
    const auto res = client.get("/openapi.json");
    ASSERT_EQ(res.status, 200);
    EXPECT_EQ(res.header("Content-Type").value_or(""), "application/json; charset=utf-8")
        << "JSON out is always declared UTF-8 (API.md, Conventions)";
    const auto doc = res.json();
    ASSERT_TRUE(doc.is_object());
    EXPECT_EQ(doc.at("openapi").as_string().subview().substr(0, 4), "3.1.");
    const auto& paths = doc.at("paths").as_object();
    for (const char* path : {"/auth/register", "/auth/login", "/auth/logout", "/auth/me", "/auth/verify",
                             "/auth/sessions/{id}", "/metrics", "/openapi.json", "/docs"}) {
        EXPECT_TRUE(paths.contains(path)) << path;
    }
}

TEST(SwaggerUi, DocsPageAndItsAssetsAreServedUnderAStrictCsp)
{
    server_process server;
    http_client client(server.port());
    const auto page = client.get("/docs");
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(page.header("Content-Type").value_or(""), "text/html; charset=utf-8");
    const std::string csp = page.header("Content-Security-Policy").value_or("");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
    EXPECT_EQ(page.body.find("<script>"), std::string::npos) << "no inline script";
    for (const char* asset :
         {"/docs/swagger-ui-bundle.js", "/docs/swagger-init.js", "/docs/swagger-ui.css"}) {
        EXPECT_NE(page.body.find(asset), std::string::npos) << asset;
        const auto res = client.get(asset);
        EXPECT_EQ(res.status, 200) << asset;
        EXPECT_GT(res.body.size(), 100u) << asset;
    }
    EXPECT_EQ(client.get("/docs/swagger-ui.css").header("Content-Type").value_or(""),
              "text/css; charset=utf-8");
    EXPECT_EQ(client.get("/docs/no-such-file.js").status, 404);
}

TEST(WebUi, UiRedirectsToItsIndexAndServesItsFiles)
{
    server_process server;
    http_client client(server.port());
    const auto bare = client.get("/ui");
    EXPECT_EQ(bare.status, 301);
    EXPECT_EQ(bare.header("Location").value_or(""), "/ui/");

    const auto index = client.get("/ui/");
    ASSERT_EQ(index.status, 200);
    EXPECT_EQ(index.header("Content-Type").value_or(""), "text/html; charset=utf-8");
    EXPECT_EQ(index.body, client.get("/ui/index.html").body);
    EXPECT_TRUE(index.header("Content-Security-Policy"));
    EXPECT_EQ(index.header("X-Frame-Options").value_or(""), "DENY");
    EXPECT_EQ(client.get("/ui/account.html").status, 200);
    EXPECT_EQ(client.get("/ui/app.js").header("Content-Type").value_or(""), "text/javascript; charset=utf-8");

    const auto missing = client.get("/ui/no-such-page.html");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.error_code(), "NOT_FOUND");
    EXPECT_EQ(client.get("/ui/../openapi.json").status, 404) << "no path traversal out of /ui/";
    EXPECT_EQ(client.post("/ui/index.html").status, 405);
}

}  // namespace
}  // namespace authd::test
