// Hostile and broken input: every one gets a clean error, and the server keeps serving.
#include "auth_api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <boost/json/object.hpp>
#include <gtest/gtest.h>

namespace authd::test {
namespace {

void expect_still_serving(const http_client& client)
{
    const auto health = client.get("/health");
    EXPECT_EQ(health.status, 200) << "the server must survive the bad input";
}

void expect_validation_error(const http_response& res)
{
    EXPECT_EQ(res.status, 422) << res.body;
    EXPECT_EQ(res.error_code(), "VALIDATION_ERROR");
    EXPECT_EQ(res.header("Cache-Control"), "no-store");
}

// The names listed in detail.fields of a 422.
std::vector<std::string> field_names(const http_response& res)
{
    std::vector<std::string> out;
    const auto body = res.json();
    if (!body.is_object() || !body.at("detail").is_object())
        return out;
    const auto* fields = body.at("detail").as_object().if_contains("fields");
    if (fields == nullptr || !fields->is_array())
        return out;
    for (const auto& f : fields->as_array()) {
        if (f.is_object() && f.as_object().contains("field")) {
            out.emplace_back(f.as_object().at("field").as_string());
        }
    }
    return out;
}

http_response post_raw_json(const http_client& client, const std::string& target, std::string body)
{
    return client.post(target, std::move(body), {{"Content-Type", "application/json"}});
}

TEST(BadInput, MalformedJsonGets422)
{
    server_process server;
    http_client client(server.port());
    for (const char* body : {"{", "{\"email\": }", "not json", "{\"email\":\"a@b.c\",}", ""}) {
        expect_validation_error(post_raw_json(client, "/auth/register", body));
        expect_validation_error(post_raw_json(client, "/auth/login", body));
    }
    expect_still_serving(client);
}

TEST(BadInput, JsonThatIsNotAnObjectGets422)
{
    server_process server;
    http_client client(server.port());
    for (const char* body : {"[]", "\"text\"", "42", "null"}) {
        expect_validation_error(post_raw_json(client, "/auth/login", body));
    }
    expect_still_serving(client);
}

TEST(BadInput, MissingFieldsGet422NamingThem)
{
    server_process server;
    http_client client(server.port());
    const auto res = post_raw_json(client, "/auth/register", "{}");
    expect_validation_error(res);
    const auto names = field_names(res);
    EXPECT_NE(std::find(names.begin(), names.end(), "email"), names.end()) << res.body;
    EXPECT_NE(std::find(names.begin(), names.end(), "password"), names.end()) << res.body;
    expect_validation_error(post_raw_json(client, "/auth/login", R"({"email":"a@example.com"})"));
    expect_still_serving(client);
}

TEST(BadInput, WrongTypesGet422)
{
    server_process server;
    http_client client(server.port());
    const auto res =
        post_raw_json(client, "/auth/register", R"({"email": 5, "password": "long enough password"})");
    expect_validation_error(res);
    const auto names = field_names(res);
    EXPECT_NE(std::find(names.begin(), names.end(), "email"), names.end()) << res.body;
    expect_validation_error(post_raw_json(client, "/auth/login", R"({"email": ["a"], "password": true})"));
    expect_validation_error(
        post_raw_json(client, "/auth/login",
                      R"({"email": "a@example.com", "password": "xxxxxxxx", "remember_me": "yes"})"));
    expect_validation_error(post_raw_json(
        client, "/auth/login", R"({"email": "a@example.com", "password": "xxxxxxxx", "remember_me": null})"));
    expect_still_serving(client);
}

TEST(BadInput, InvalidEmailOrPasswordOnRegisterGets422)
{
    server_process server;
    http_client client(server.port());
    expect_validation_error(register_user(client, "not-an-email"));
    expect_validation_error(register_user(client, unique_email(), "short"));
    expect_validation_error(register_user(client, unique_email(), "            "));
    expect_validation_error(register_user(client, unique_email(), std::string(1025, 'p')));
    EXPECT_EQ(register_user(client, unique_email(), std::string(1024, 'p')).status, 201);
    expect_still_serving(client);
}

TEST(BadInput, DuplicateEmailAfterNormalizationGets409)
{
    server_process server;
    http_client client(server.port());
    const std::string email = unique_email();
    ASSERT_EQ(register_user(client, email).status, 201);
    std::string shouted = email;
    std::transform(shouted.begin(), shouted.end(), shouted.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    const auto res = register_user(client, "  " + shouted + " ");
    EXPECT_EQ(res.status, 409) << res.body;
    EXPECT_EQ(res.error_code(), "EMAIL_TAKEN");
    EXPECT_EQ(log_in(client, shouted).status, 200) << "login normalizes the email too";
}

// Trimming and lower-casing are Unicode's, as the plan's Python str.strip() and str.lower() are:
// a no-break space in front or a capital Ü does not make a second account.
TEST(BadInput, DuplicateNonAsciiEmailAfterNormalizationGets409)
{
    server_process server;
    http_client client(server.port());
    const std::string email = "\u00fc-" + unique_email();  // ü-user-…@…
    ASSERT_EQ(register_user(client, email).status, 201);
    for (const std::string& same : {"\u00dc" + email.substr(2), "\u00a0" + email + "\u3000"}) {
        const auto res = register_user(client, same);
        EXPECT_EQ(res.status, 409) << same << ": " << res.body;
        EXPECT_EQ(res.error_code(), "EMAIL_TAKEN");
    }
    EXPECT_EQ(log_in(client, "\u00dc" + email.substr(2)).status, 200) << "login normalizes the email too";
    expect_validation_error(
        register_user(client, unique_email(), "\u00a0\u00a0\u00a0\u00a0\u3000\u3000\u3000\u3000"));
    expect_still_serving(client);
}

TEST(BadInput, NonJsonContentTypeOnRegisterGets422)
{
    server_process server;
    http_client client(server.port());
    const std::string body = R"({"email":")" + unique_email() + R"(","password":"long enough password"})";
    for (const char* type :
         {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
        expect_validation_error(client.post("/auth/register", body, {{"Content-Type", type}}));
    }
    EXPECT_EQ(
        client.post("/auth/register", body, {{"Content-Type", "application/json; charset=utf-8"}}).status,
        201);
    expect_still_serving(client);
}

TEST(BadInput, InvalidUtf8InJsonStringGets422)
{
    server_process server;
    http_client client(server.port());
    const std::string body =
        "{\"email\":\"bad\xff\xfe@example.com\",\"password\":\"long enough \xc3\x28 password\"}";
    expect_validation_error(post_raw_json(client, "/auth/register", body));
    expect_validation_error(post_raw_json(client, "/auth/login", body));
    expect_still_serving(client);
}

TEST(BadInput, DeeplyNestedJsonGets422)
{
    server_process server;
    http_client client(server.port());
    const std::string body = std::string(5000, '[') + std::string(5000, ']');
    expect_validation_error(post_raw_json(client, "/auth/login", body));
    expect_still_serving(client);
}

TEST(BadInput, OneMegabyteBodyGets413AndTheClientReadsIt)
{
    server_process server;
    http_client client(server.port());
    const std::string big =
        R"({"email":"a@example.com","password":")" + std::string(1024 * 1024, 'x') + R"("})";
    const auto res = post_raw_json(client, "/auth/login", big);
    EXPECT_EQ(res.status, 413) << res.body;
    EXPECT_EQ(res.error_code(), "PAYLOAD_TOO_LARGE");
    EXPECT_EQ(res.header("Cache-Control"), "no-store");
    expect_still_serving(client);
}

TEST(BadInput, ChunkedBodyOverTheLimitGets413)
{
    server_process server;
    http_client client(server.port());
    std::string chunked;
    const std::string chunk(8192, 'x');
    for (int i = 0; i < 16; ++i) {
        chunked += "2000\r\n" + chunk + "\r\n";
    }
    chunked += "0\r\n\r\n";
    const auto res =
        client.send({.method = "POST",
                     .target = "/auth/login",
                     .headers = {{"Content-Type", "application/json"}, {"Transfer-Encoding", "chunked"}},
                     .body = chunked});
    EXPECT_EQ(res.status, 413) << res.body;
    EXPECT_EQ(res.error_code(), "PAYLOAD_TOO_LARGE");
    expect_still_serving(client);
}

TEST(BadInput, MaxBodyFlagLowersTheLimit)
{
    server_process server({"--max-body", "2KiB"});
    http_client client(server.port());
    const std::string body = R"({"email":"a@example.com","password":")" + std::string(4096, 'x') + R"("})";
    EXPECT_EQ(post_raw_json(client, "/auth/login", body).status, 413);
    expect_still_serving(client);
}

TEST(BadInput, GarbageCookieValueGets401)
{
    server_process server;
    http_client client(server.port());
    for (const std::string& cookie : std::vector<std::string>{
             std::string("session=garbage"), std::string("session="), std::string("session=%00%ff"),
             std::string("session=") + std::string(43, '!'),
             std::string("session=\"") + std::string(43, 'A') + "\"",
             std::string("session=") + std::string(4000, 'A'), std::string(";;;=;session")}) {
        const auto res = client.get("/auth/me", {{"Cookie", cookie}});
        EXPECT_EQ(res.status, 401) << cookie.substr(0, 60) << ": " << res.body;
        EXPECT_EQ(res.error_code(), "NOT_AUTHENTICATED");
        const auto out = client.post("/auth/logout", {}, {{"Cookie", cookie}, {"X-CSRF-Token", "x"}});
        EXPECT_EQ(out.status, 401) << cookie.substr(0, 60) << ": " << out.body;
        if (cookie.starts_with("session=")) {
            const auto expired = set_cookies_named(out, "session");
            EXPECT_EQ(expired.size(), 1U) << "a 401 to a request with a session cookie expires it";
        }
    }
    expect_still_serving(client);
}

TEST(BadInput, OversizedCookieGets431)
{
    server_process server;
    http_client client(server.port());
    const auto res = client.get("/auth/me", {{"Cookie", "session=" + std::string(20 * 1024, 'A')}});
    EXPECT_EQ(res.status, 431) << res.body;
    EXPECT_EQ(res.error_code(), "HEADERS_TOO_LARGE");
    expect_still_serving(client);
}

TEST(BadInput, RawGarbageBytesGet400AndTheConnectionIsClosed)
{
    server_process server;
    http_client client(server.port());
    std::string garbage = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n";
    const std::string raw = client.send_raw(garbage);  // returns once the server closed the connection
    const auto res = parse_response(raw);
    EXPECT_EQ(res.status, 400) << raw;
    EXPECT_EQ(res.error_code(), "BAD_REQUEST");
    EXPECT_EQ(res.header("Connection"), "close");
    expect_still_serving(client);
}

TEST(BadInput, SmugglingShapesAndMissingHostGet400)
{
    server_process server;
    http_client client(server.port());
    for (const std::string& request : std::vector<std::string>{
             std::string("GET /health HTTP/1.1\r\n\r\n"),
             std::string("GET /health HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n"),
             std::string(
                 "POST /auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
             std::string("POST /auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
             std::string("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")}) {
        const std::string raw = client.send_raw(request);
        ASSERT_FALSE(raw.empty()) << "no answer to: " << request;
        const auto res = parse_response(raw);
        EXPECT_EQ(res.status, 400) << request << "\n-> " << raw;
        EXPECT_EQ(res.error_code(), "BAD_REQUEST") << request;
    }
    // HTTP/1.0 needs no Host, and plain chunked bodies stay welcome.
    EXPECT_EQ(parse_response(client.send_raw("GET /health HTTP/1.0\r\n\r\n")).status, 200);
    EXPECT_EQ(
        parse_response(client.send_raw("POST /auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                       "Content-Type: application/json\r\nTransfer-Encoding: Chunked\r\n"
                                       "\r\n2\r\n{}\r\n0\r\n\r\n"))
            .status,
        422);
    expect_still_serving(client);
}

TEST(BadInput, MalformedRequestLinesGet400)
{
    server_process server;
    http_client client(server.port());
    for (const std::string& request : std::vector<std::string>{
             std::string("GET\r\n\r\n"), std::string("GET /health HTTP/1.1\r\nBad Header Line\r\n\r\n"),
             std::string("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"),
             std::string("POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: "
                         "7\r\n\r\nhello")}) {
        const std::string raw = client.send_raw(request);
        ASSERT_FALSE(raw.empty()) << "no answer to: " << request;
        EXPECT_EQ(parse_response(raw).status, 400) << request << "\n-> " << raw;
    }
    expect_still_serving(client);
}

TEST(BadInput, UnparsableTargetGets400Or404)
{
    server_process server;
    http_client client(server.port());
    const auto res = client.get("/auth/me?%zz=1");
    EXPECT_TRUE(res.status == 400 || res.status == 401) << res.status << " " << res.body;
    const auto absolute = client.get("http://evil.example/health");
    EXPECT_TRUE(absolute.status == 400 || absolute.status == 404) << absolute.status;
    expect_still_serving(client);
}

}  // namespace
}  // namespace authd::test
