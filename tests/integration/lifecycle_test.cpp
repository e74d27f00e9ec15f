// The process and the protocol around the endpoints: start/stop, flags, routing, common headers,
// languages, rate limiting and the service's own log.
#include "audit_db.hpp"
#include "auth_api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace authd::test {
namespace {

TEST(Lifecycle, SigtermEndsTheProcessWithExitCodeZero)
{
    server_process server;
    http_client client(server.port());
    ASSERT_EQ(client.get("/health").status, 200);
    EXPECT_EQ(server.stop(), 0) << server.log_text();
}

TEST(Lifecycle, HelpListsEveryDocumentedFlagAndExitsZero)
{
    const auto run = run_authd({"--help"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    for (const char* flag : {"--listen", "--db", "--cookie-name", "--cookie-domain", "--insecure-cookies",
                             "--allowed-origins", "--clear-site-data", "--session-idle", "--session-absolute",
                             "--log-level", "AUTHD_LISTEN", "AUTHD_DB", "AUTHD_SESSION_IDLE"}) {
        EXPECT_TRUE(contains(run.out, flag)) << flag;
    }
}

TEST(Lifecycle, BadFlagsExitNonZeroNamingTheOption)
{
    const auto unknown = run_authd({"--no-such-flag"});
    EXPECT_NE(unknown.exit_code, 0);
    EXPECT_TRUE(contains(unknown.err, "--no-such-flag")) << unknown.err;

    const auto duration = run_authd({"--session-idle", "soon", "--listen", "127.0.0.1:0"});
    EXPECT_NE(duration.exit_code, 0);
    EXPECT_TRUE(contains(duration.err, "--session-idle")) << duration.err;

    const auto host_cookie =
        run_authd({"--cookie-name", "__Host-session", "--cookie-domain", "example.test"});
    EXPECT_NE(host_cookie.exit_code, 0);
    EXPECT_TRUE(contains(host_cookie.err, "--cookie-name")) << host_cookie.err;
}

TEST(Lifecycle, UnopenableDatabaseExitsNonZero)
{
    const auto run = run_authd({"--listen", "127.0.0.1:0", "--db", "/proc/authd-cannot-be-here/x.db"});
    EXPECT_NE(run.exit_code, 0);
    EXPECT_FALSE(contains(run.out, "listening on"));
}

TEST(Protocol, HealthAndReadyAnswerStatusOk)
{
    server_process server;
    http_client client(server.port());
    for (const char* target : {"/health", "/ready"}) {
        const auto res = client.get(target);
        EXPECT_EQ(res.status, 200) << target;
        EXPECT_EQ(res.json(), boost::json::parse(R"({"status":"ok"})")) << target;
        EXPECT_EQ(res.header("Content-Type"), "application/json; charset=utf-8");
        EXPECT_EQ(res.header("Cache-Control"), "no-store");
    }
}

// HEAD is GET without the body (RFC 9110, 9.3.2): the same status and fields, Content-Length
// included, and not one byte after the blank line, or a kept-alive connection would read those
// bytes as the next answer. A liveness probe may well use it.
TEST(Protocol, HeadAnswersAsGetWithoutTheBodyAndTheConnectionStaysInStep)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    struct expectation {
        std::string target;
        header_list headers;
        int status;
    };
    for (const auto& e : {expectation{"/health", {}, 200}, expectation{"/auth/me", s.headers(false), 200},
                          expectation{"/auth/me", {}, 401}, expectation{"/auth/logout", {}, 405},
                          expectation{"/nope", {}, 404}}) {
        const auto as_get = client.get(e.target, e.headers);
        std::string head = "HEAD " + e.target + " HTTP/1.1\r\nHost: " + client.host() + "\r\n";
        for (const auto& [name, value] : e.headers) {
            head += name + ": " + value + "\r\n";
        }
        head += "\r\n";
        const std::string raw = client.send_raw(head + "GET /health HTTP/1.1\r\nHost: " + client.host() +
                                                "\r\nConnection: close\r\n\r\n");
        const auto blank = raw.find("\r\n\r\n");
        ASSERT_NE(blank, std::string::npos) << raw;
        const auto answer = parse_response(raw.substr(0, blank + 4), true);
        EXPECT_EQ(answer.status, e.status) << e.target;
        EXPECT_EQ(as_get.status, e.status) << e.target;
        EXPECT_EQ(answer.header("Content-Length"), std::to_string(as_get.body.size()))
            << e.target << ": the length of the body a GET gets";
        EXPECT_EQ(answer.header("Content-Type"), as_get.header("Content-Type")) << e.target;
        EXPECT_EQ(answer.header("Allow"), as_get.header("Allow")) << e.target;
        EXPECT_EQ(answer.header("Cache-Control"), "no-store") << e.target;
        // The next bytes are the next answer, not a body.
        const auto next = parse_response(std::string_view(raw).substr(blank + 4));
        EXPECT_EQ(next.status, 200) << e.target << ": " << raw.substr(blank + 4, 80);
        EXPECT_EQ(next.json(), boost::json::parse(R"({"status":"ok"})")) << e.target;
    }
}

TEST(Protocol, UnknownPathGets404NotFound)
{
    server_process server;
    http_client client(server.port());
    for (const char* target :
         {"/nope", "/auth", "/auth/", "/auth/logout/extra", "/auth/sessions/", "/AUTH/LOGOUT"}) {
        const auto res = client.get(target);
        EXPECT_EQ(res.status, 404) << target;
        EXPECT_EQ(res.json(),
                  boost::json::parse(R"({"detail":{"error_code":"NOT_FOUND","message":"Not found."}})"))
            << target << ": " << res.body;
        EXPECT_EQ(res.header("Cache-Control"), "no-store");
    }
}

TEST(Protocol, WrongMethodGets405WithAllow)
{
    server_process server;
    http_client client(server.port());
    struct expectation {
        const char* method;
        const char* target;
        std::set<std::string> allow;
    };
    for (const auto& e :
         {expectation{"GET", "/auth/logout", {"POST"}},
          expectation{"PUT", "/auth/sessions", {"GET", "HEAD", "DELETE"}},
          expectation{"GET", "/auth/sessions/abc", {"DELETE"}},
          expectation{"POST", "/health", {"GET", "HEAD"}}, expectation{"DELETE", "/auth/me", {"GET", "HEAD"}},
          expectation{"GET", "/auth/login", {"POST"}}, expectation{"HEAD", "/auth/logout", {"POST"}}}) {
        const auto res = client.send({.method = e.method, .target = e.target, .headers = {}, .body = {}});
        EXPECT_EQ(res.status, 405) << e.method << " " << e.target;
        if (std::string_view(e.method) != "HEAD") {  // whose answer has no body
            EXPECT_EQ(res.error_code(), "METHOD_NOT_ALLOWED");
        }
        EXPECT_EQ(res.header("Cache-Control"), "no-store");
        std::set<std::string> allow;
        std::stringstream list(res.header("Allow").value_or(""));
        for (std::string item; std::getline(list, item, ',');) {
            allow.insert(item.substr(item.find_first_not_of(' ')));
        }
        EXPECT_EQ(allow, e.allow) << e.method << " " << e.target
                                  << ": Allow: " << res.header("Allow").value_or("(none)");
    }
}

TEST(Protocol, EveryAnswerCarriesCacheControlNoStore)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);
    std::vector<http_response> answers{
        me(client, s),
        client.get("/auth/sessions", s.headers(false)),
        client.get("/auth/csrf", s.headers(false)),
        client.get("/auth/me"),
        log_in(client, s.email, "wrong password"),
        client.post("/auth/login", "{", {{"Content-Type", "application/json"}}),
        client.post("/auth/logout", {}, s.headers(false)),
        client.send({.method = "POST",
                     .target = "/auth/login",
                     .headers = {{"Content-Length", "100000000"}},
                     .body = {}}),
        parse_response(client.send_raw("\x01\x02\x03\r\n\r\n")),
        parse_response(client.send_raw(
            "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n")),
    };
    for (const auto& res : answers) {
        EXPECT_EQ(res.header("Cache-Control"), "no-store") << res.status << " " << res.body;
        EXPECT_EQ(res.header("X-Content-Type-Options"), "nosniff") << res.status;
        EXPECT_EQ(res.header("X-Frame-Options"), "DENY") << res.status;
    }
}

TEST(Protocol, AcceptLanguagePlGivesPolishMessages)
{
    server_process server;
    http_client client(server.port());
    const auto me_pl = client.get("/auth/me", {{"Accept-Language", "pl"}});
    EXPECT_EQ(me_pl.status, 401);
    EXPECT_EQ(me_pl.error_code(), "NOT_AUTHENTICATED");
    EXPECT_EQ(me_pl.error_message(), "Użytkownik nie jest zalogowany.");

    const auto weighted = client.post("/auth/logout", {}, {{"Accept-Language", "en;q=0.5, pl-PL;q=0.9"}});
    EXPECT_EQ(weighted.error_message(), "Użytkownik nie jest zalogowany.");

    const auto not_found = client.get("/nope", {{"Accept-Language", "pl-PL,pl;q=0.9,en;q=0.8"}});
    EXPECT_EQ(not_found.error_message(), "Nie znaleziono.");
    EXPECT_EQ(not_found.error_code(), "NOT_FOUND") << "error codes are never translated";
}

TEST(Protocol, EnglishIsTheDefaultAndTheFallback)
{
    server_process server;
    http_client client(server.port());
    for (const header_list& headers : {header_list{}, header_list{{"Accept-Language", "de-DE,fr;q=0.8"}},
                                       header_list{{"Accept-Language", "en, pl;q=0.5"}}}) {
        EXPECT_EQ(client.get("/auth/me", headers).error_message(), "User is not logged in.");
    }
}

TEST(Protocol, KeepAliveConnectionServesPipelinedRequests)
{
    server_process server;
    http_client client(server.port());
    const std::string one = "GET /health HTTP/1.1\r\nHost: " + server.host() + "\r\n\r\n";
    const std::string last =
        "GET /ready HTTP/1.1\r\nHost: " + server.host() + "\r\nConnection: close\r\n\r\n";
    const std::string raw = client.send_raw(one + one + last);
    std::size_t answers = 0;
    for (auto at = raw.find("HTTP/1.1 200"); at != std::string::npos; at = raw.find("HTTP/1.1 200", at + 1)) {
        ++answers;
    }
    EXPECT_EQ(answers, 3U) << raw;
}

TEST(Login, ManyFailedLoginsLeaveTheServerHealthy)
{
    server_process server;
    http_client client(server.port());
    const session_handle a = new_session(client);
    const session_handle b = new_session(client);
    int answered = 0;
    for (int i = 0; i < 4; ++i) {
        for (const std::string& email : {a.email, b.email, unique_email("ghost"), unique_email("ghost")}) {
            try {
                const auto res = log_in(client, email, "wrong password");
                EXPECT_EQ(res.status, 401) << email << ": " << res.body;
                EXPECT_EQ(res.error_code(), "INVALID_CREDENTIALS");
                ++answered;
            } catch (const std::exception& e) {
                FAIL() << "failed login of " << email << " got no answer: " << e.what();
            }
        }
    }
    EXPECT_EQ(answered, 16);
    EXPECT_EQ(client.get("/health").status, 200);
    EXPECT_EQ(me(client, a).status, 200);
    EXPECT_EQ(read_logs(server.db_path(), "USER_LOGIN_FAILED").size(), 16U);
}

TEST(RateLimit, RepeatedFailuresForOneAccountGet429WithRetryAfter)
{
    server_process server({"--login-max-failures", "3"});
    http_client client(server.port());
    const session_handle s = new_session(client);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(log_in(client, s.email, "wrong password").status, 401) << "attempt " << i + 1;
    }
    const auto limited = log_in(client, s.email, "wrong password");
    EXPECT_EQ(limited.status, 429) << limited.body;
    EXPECT_EQ(limited.error_code(), "RATE_LIMITED");
    const auto retry = limited.header("Retry-After");
    ASSERT_TRUE(retry.has_value());
    EXPECT_GT(std::stoi(*retry), 0);
    EXPECT_EQ(log_in(client, s.email).status, 429) << "even the right password waits";
    EXPECT_EQ(me(client, s).status, 200) << "existing sessions are not affected";
    const session_handle other = new_session(client);  // another account is not limited
    EXPECT_EQ(me(client, other).status, 200);
}

TEST(RateLimit, DefaultLimitIsFiveFailuresPerAccount)
{
    server_process server;
    http_client client(server.port());
    const std::string email = unique_email();
    ASSERT_EQ(register_user(client, email).status, 201);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(log_in(client, email, "wrong password").status, 401) << "attempt " << i + 1;
    }
    EXPECT_EQ(log_in(client, email, "wrong password").status, 429);
}

TEST(RateLimit, FailuresAgeOutAfterTheWindow)
{
    server_process server({"--login-max-failures", "2", "--login-failure-window", "1s"});
    http_client client(server.port());
    const std::string email = unique_email();
    ASSERT_EQ(register_user(client, email).status, 201);
    (void)log_in(client, email, "wrong password");
    (void)log_in(client, email, "wrong password");
    ASSERT_EQ(log_in(client, email).status, 429);
    std::this_thread::sleep_for(std::chrono::milliseconds{1200});
    EXPECT_EQ(log_in(client, email).status, 200);
}

TEST(RateLimit, RepeatedFailuresFromOneAddressGet429AcrossAccounts)
{
    server_process server({"--login-max-failures-per-address", "3"});
    http_client client(server.port());
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(log_in(client, unique_email("ghost"), "wrong password").status, 401);
    }
    const auto limited = log_in(client, unique_email("ghost"), "wrong password");
    EXPECT_EQ(limited.status, 429) << limited.body;
    EXPECT_TRUE(limited.header("Retry-After").has_value());
}

TEST(ServiceLog, OneJsonLinePerRequestWithMethodRouteStatusLatencyAndRequestId)
{
    server_process server;
    http_client client(server.port());
    const session_handle s = new_session(client);  // 2 requests
    (void)me(client, s);
    const std::string id = std::string(me(client, s).json().at("session").at("id").as_string());
    (void)client.get("/nope");
    (void)client.del("/auth/sessions/" + id, s.headers(false));  // 403
    (void)log_out(client, s);
    (void)client.get("/health");
    constexpr int requests = 8;

    std::istringstream lines(server.log_text());
    int request_lines = 0;
    std::set<std::string> request_ids;
    std::set<std::string> routes;
    int line_number = 0;
    for (std::string line; std::getline(lines, line);) {
        ++line_number;
        boost::system::error_code ec;
        const auto v = boost::json::parse(line, ec);
        ASSERT_FALSE(ec) << "log line " << line_number << " is not JSON: " << line;
        ASSERT_TRUE(v.is_object());
        const auto& o = v.as_object();
        if (!o.contains("latency_us")) {
            continue;
        }
        ++request_lines;
        for (const char* key : {"method", "route", "status", "latency_us", "request_id"}) {
            EXPECT_TRUE(o.contains(key)) << key << " missing in " << line;
        }
        EXPECT_TRUE(o.at("status").is_int64()) << line;
        EXPECT_TRUE(o.at("latency_us").is_int64()) << line;
        request_ids.insert(std::string(o.at("request_id").as_string()));
        routes.insert(std::string(o.at("route").as_string()));
        EXPECT_FALSE(contains(line, id))
            << "the route is logged as its pattern, not with the session id: " << line;
    }
    EXPECT_EQ(request_lines, requests) << server.log_text();
    EXPECT_EQ(request_ids.size(), static_cast<std::size_t>(requests)) << "request ids must be unique";
    EXPECT_TRUE(routes.contains("/auth/logout"));
    EXPECT_TRUE(routes.contains("/auth/sessions/{id}"));
}

TEST(ServiceLog, RequestIdOfTheLogLineIsSentAsXRequestId)
{
    server_process server;
    http_client client(server.port());
    const auto res = client.get("/health");
    const auto id = res.header("X-Request-Id");
    ASSERT_TRUE(id.has_value());
    EXPECT_TRUE(contains(server.log_text(), "\"request_id\":\"" + *id + "\""));
}

TEST(ServiceLog, NeverContainsTheTokenTheCsrfTokenOrThePassword)
{
    server_process server({"--log-level", "debug"});
    http_client client(server.port());
    const session_handle a = new_session(client);
    const session_handle b = log_in_ok(client, a.email);
    (void)log_in(client, a.email, "wrong password 123");
    (void)client.post("/auth/logout", {}, {{"Cookie", a.cookie()}, {"X-CSRF-Token", "wrong"}});
    (void)client.post("/auth/logout", {}, a.headers());
    (void)client.post("/auth/logout", {}, a.headers());
    (void)client.post_json(
        "/auth/password",
        boost::json::object{{"current_password", default_password}, {"new_password", "new secret phrase"}},
        b.headers());
    const std::string log = server.log_text();
    ASSERT_FALSE(log.empty());
    for (const auto& s : {a, b}) {
        EXPECT_FALSE(contains(log, s.token)) << "session token in the service log";
        EXPECT_FALSE(contains(log, s.csrf)) << "CSRF token in the service log";
    }
    EXPECT_FALSE(contains(log, default_password));
    EXPECT_FALSE(contains(log, "wrong password 123"));
    EXPECT_FALSE(contains(log, "new secret phrase"));
}

}  // namespace
}  // namespace authd::test
