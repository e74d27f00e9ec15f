// The whole request path: raw bytes -> Beast's request parser with the server's limits and framing
// rules (src/http/server.cpp) -> api::dispatcher (routes, authentication, CSRF, handlers) over
// in-memory stores and the real auth_service -> the response as it goes on the wire. The input may
// hold several pipelined requests; each gets its answer until one closes the connection.
//
// Every input starts from the same state: two users, and three live sessions whose cookies are
// fixed (see the seeds in corpus/request/), so fuzzed cookies and CSRF tokens can reach real
// sessions. Invariants checked on every answer: one is produced for each parsed request, its status
// is one the contract names (never 500: the stores here cannot fail), it carries
// Cache-Control: no-store (the embedded files: no-cache, see is_embedded_file) and
// X-Content-Type-Options: nosniff, no header holds CR, LF or NUL, an error answer has a JSON body
// with detail.error_code, 405 has Allow, 429 Retry-After, and the bytes on the wire parse back.
#include "api/dispatcher.hpp"
#include "api/handlers.hpp"
#include "api/session_cookie.hpp"
#include "audit/audit_log.hpp"
#include "auth/auth_service.hpp"
#include "auth/login_limiter.hpp"
#include "auth/password_hasher.hpp"
#include "common.hpp"
#include "core/crypto.hpp"
#include "http/framing.hpp"
#include "observability/log.hpp"
#include "session/memory_store.hpp"
#include "session/session_service.hpp"
#include "session/token.hpp"
#include "support/memory_user_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace {

using namespace authd;
using authd::fuzz::check;
using authd::fuzz::fail;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;

constexpr std::size_t header_limit = 16 * 1024;  // http::server_limits defaults
constexpr std::size_t body_limit = 64 * 1024;
constexpr int max_requests_per_input = 16;
const std::string client_address = "203.0.113.7";
// AUTHD_FUZZ_TRACE=1: one line per request (method, target, status, start of the body) on stderr,
// to see what a seed or a crash input reaches.
const bool trace = std::getenv("AUTHD_FUZZ_TRACE") != nullptr;

// The fixed accounts and sessions every input starts with. The cookies are 43 base64url
// characters, the shape of a real token.
const std::string password_a = "correct horse battery staple";
struct fixed_session {
    const char* cookie;
    const char* csrf;
    const char* user_id;
};
const fixed_session fixed_sessions[] = {
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "csrf-a1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "user-a"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2", "csrf-a2-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "user-a"},
    {"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1", "csrf-b1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "user-b"},
};

// What lives for the whole run: the hashing pool (threads) and the one password hash.
struct process_state {
    process_state()
    {
        if (!crypto::initialize()) {
            fail("libsodium could not be initialized");
        }
        // Warnings (CSRF failures, rejected requests) are expected by the thousand; errors are not.
        log::set_level(log::level::error);
        hash_a = auth::hash_password(password_a, cost);
    }
    // libsodium's minimum Argon2id cost, so that register, login and password change stay fast.
    auth::argon2_cost cost{.ops_limit = 1, .mem_limit = 8192};
    auth::password_hasher hasher{1, 1024, cost};
    std::string hash_a;
    boost::asio::io_context ioc;
};

// Runs a task to completion on `ioc`; a task that does not finish is a failure.
template <class T>
T run(boost::asio::io_context& ioc, task<T> t)
{
    std::optional<T> out;
    std::exception_ptr error;
    boost::asio::co_spawn(ioc, std::move(t), [&](std::exception_ptr e, T value) {
        error = e;
        if (!e) {
            out.emplace(std::move(value));
        }
    });
    ioc.restart();
    ioc.run();
    if (error) {
        std::rethrow_exception(error);  // uncaught: libFuzzer reports it as a crash
    }
    check(out.has_value(), "the task did not finish");
    return std::move(*out);
}

// The per-input application, wired as src/app/app.cpp does but over memory stores.
struct application {
    explicit application(process_state& p) : process(p)
    {
        const sys_ms now = clock.now();
        run(p.ioc, users.insert({.id = "user-a",
                                 .email = "alice@example.com",
                                 .password_hash = p.hash_a,
                                 .role = "user",
                                 .created_at = now - 1h}));
        run(p.ioc, users.insert({.id = "user-b",
                                 .email = "bob@example.com",
                                 .password_hash = p.hash_a,
                                 .role = "user",
                                 .created_at = now - 1h}));
        for (const auto& s : fixed_sessions) {
            const auto hash = session::hash_cookie_value(s.cookie);
            check(hash.has_value(), "a fixed cookie has the wrong shape");
            run(p.ioc, store.insert({.hash = *hash,
                                     .user_id = s.user_id,
                                     .csrf_token = s.csrf,
                                     .created_at = now - 1min,
                                     .last_seen_at = now - 1min,
                                     .expires_at = now + 11h,
                                     .remember_me = false,
                                     .ip_address = client_address,
                                     .user_agent = "seed"}));
        }
    }

    process_state& process;
    manual_clock clock{from_unix_ms(1'795'549'419'000)};
    session::memory_store store;
    session::session_service sessions{store, clock, session::session_policy{}};
    test::memory_user_store users;
    audit::memory_audit_log audit_log;
    auth::login_limiter limiter{clock, auth::login_limits{}};
    auth::auth_service auth{users, sessions, audit_log, process.hasher, limiter};
    api::session_cookie cookie{http::cookie_attributes{.name = "session",
                                                       .domain = std::nullopt,
                                                       .path = "/",
                                                       .secure = true,
                                                       .http_only = true,
                                                       .same_site = "Lax"}};
    api::handlers handlers{auth, sessions, cookie, api::handler_options{}};
    api::dispatcher dispatcher{handlers, sessions, cookie, auth::origin_policy{}};
};

using http::acceptable_framing;
using http::has_obs_fold;
using http::wire_format;

bool is_disconnect(const boost::system::error_code& ec)
{
    return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message;
}

// The statuses API.md names (301: GET /ui -> /ui/; 503: hashing queue full, store not ready).
// Never 500 here: the memory stores cannot fail, so a 500 is a bug.
bool status_in_contract(unsigned status)
{
    static constexpr unsigned contract[] = {200, 201, 204, 301, 400, 401, 403, 404,
                                            405, 409, 413, 422, 429, 431, 503};
    return std::find(std::begin(contract), std::end(contract), status) != std::end(contract);
}

bool safe_header_text(std::string_view s)
{
    return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// The files authd serves itself (Swagger UI, the web UI, the OpenAPI document): they hold nothing of
// a session, and their handler (src/api/operations_handlers.cpp) deliberately answers
// "Cache-Control: no-cache" (a browser may keep them but must revalidate).
bool is_embedded_file(std::string_view target)
{
    const std::string_view path = target.substr(0, target.find('?'));
    return path == "/openapi.json" || path == "/docs" || path.starts_with("/docs/") ||
           path.starts_with("/ui/");
}

// Every answer, whether the dispatcher's or a rejection; `target` is the request's (empty for a
// rejection).
void check_response(http::response& res, bool keep_alive, std::string_view target = {})
{
    const unsigned status = res.result_int();
    check(status_in_contract(status), "status outside the contract",
          std::to_string(status) + "\n" + res.body());
    const bool embedded_file = status == 200 && is_embedded_file(target);
    check(res[bhttp::field::cache_control] == "no-store" ||
              (embedded_file && res[bhttp::field::cache_control] == "no-cache"),
          "Cache-Control: no-store missing", target);
    check(res["X-Content-Type-Options"] == "nosniff", "X-Content-Type-Options: nosniff missing");
    check(!res["X-Request-Id"].empty(), "X-Request-Id missing");
    for (const auto& field : res.fields()) {
        check(!field.name.empty() && safe_header_text(field.name),
              "a header name is empty or holds CR/LF/NUL", field.name);
        check(safe_header_text(field.value), "a header value holds CR/LF/NUL", field.value);
    }
    for (const std::string_view cookie : res.values("Set-Cookie")) {
        check(cookie.starts_with("session="), "Set-Cookie for another cookie", cookie);
        check(cookie.find("; HttpOnly; Secure; SameSite=Lax") != std::string_view::npos,
              "Set-Cookie without its flags", cookie);
    }
    if (status == 204) {
        check(res.body().empty(), "204 with a body");
    }
    if (status == 405) {
        check(!res[bhttp::field::allow].empty(), "405 without Allow");
    }
    if (status == 429) {
        check(!res[bhttp::field::retry_after].empty(), "429 without Retry-After");
    }
    const bool json = res[bhttp::field::content_type].starts_with("application/json");
    if (status >= 400) {
        check(json, "an error answer that is not JSON", res.body());
    }
    if (json) {
        boost::system::error_code ec;
        const auto body = boost::json::parse(res.body(), ec);
        check(!ec, "a JSON answer that does not parse", res.body());
        check(body.is_object(), "a JSON answer that is not an object", res.body());
        if (status >= 400) {
            const auto* detail = body.as_object().if_contains("detail");
            check(detail != nullptr && detail->is_object(), "an error body without detail", res.body());
            const auto* code = detail->as_object().if_contains("error_code");
            check(code != nullptr && code->is_string() && !code->as_string().empty(),
                  "an error body without detail.error_code", res.body());
            const auto* message = detail->as_object().if_contains("message");
            check(message != nullptr && message->is_string(), "an error body without detail.message",
                  res.body());
        }
    }
    // As the server sends it: the bytes must read back as the same answer.
    res.keep_alive(keep_alive);
    const std::string wire = wire_format(res);
    bhttp::response_parser<bhttp::string_body> reader;
    reader.body_limit(std::numeric_limits<std::uint64_t>::max());
    reader.header_limit(std::numeric_limits<std::uint32_t>::max());
    boost::system::error_code ec;
    const std::size_t used = reader.put(boost::asio::buffer(wire), ec);
    if (!ec && !reader.is_done()) {
        reader.put(boost::asio::buffer(wire.data() + used, wire.size() - used), ec);
    }
    check(!ec && reader.is_done(), "the answer on the wire does not parse", wire);
    check(reader.get().result_int() == status, "the answer on the wire has another status", wire);
    check(reader.get().body() == res.body(), "the answer on the wire has another body", wire);
}

// One connection's worth of bytes: answers each request as src/http/server.cpp would, until the
// input ends or a request closes the connection.
void serve(application& app, std::string_view input)
{
    boost::asio::io_context& ioc = app.process.ioc;
    for (int n = 0; n < max_requests_per_input && !input.empty(); ++n) {
        if (has_obs_fold(input)) {
            auto res = app.dispatcher.reject(http::rejection::malformed, nullptr, client_address);
            check_response(res, false);
            return;
        }
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(header_limit));
        parser.body_limit(body_limit);
        boost::system::error_code ec;
        // The header.
        input.remove_prefix(parser.put(boost::asio::buffer(input.data(), input.size()), ec));
        if (ec == bhttp::error::need_more) {
            return;  // the client closed mid-header: no answer
        }
        if (ec) {
            http::response res;
            if (ec == bhttp::error::header_limit) {
                res = app.dispatcher.reject(http::rejection::headers_too_large, nullptr, client_address);
            } else if (ec == bhttp::error::body_limit) {
                res = app.dispatcher.reject(http::rejection::body_too_large, &parser.get(), client_address);
            } else {
                res = app.dispatcher.reject(http::rejection::malformed, nullptr, client_address);
            }
            check_response(res, false);
            return;
        }
        check(parser.is_header_done(), "the parser stopped before the end of the header");
        if (!acceptable_framing(parser.get())) {
            auto res = app.dispatcher.reject(http::rejection::malformed, nullptr, client_address);
            check_response(res, false);
            return;
        }
        if (const auto length = parser.content_length(); length && *length > body_limit) {
            auto res = app.dispatcher.reject(http::rejection::body_too_large, &parser.get(), client_address);
            check_response(res, false);
            return;
        }
        // The body.
        while (!parser.is_done()) {
            if (input.empty()) {
                parser.put_eof(ec);
                break;
            }
            const std::size_t used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
            input.remove_prefix(used);
            if (ec == bhttp::error::need_more) {
                ec = {};
                if (used == 0) {
                    input = {};  // the parser needs more than the client sent: end of the stream
                }
                continue;
            }
            if (ec) {
                break;
            }
        }
        if (ec) {
            if (is_disconnect(ec)) {
                return;
            }
            const bool too_large = ec == bhttp::error::body_limit;
            auto res = app.dispatcher.reject(
                too_large ? http::rejection::body_too_large : http::rejection::malformed,
                too_large ? &parser.get() : nullptr, client_address);
            check_response(res, false);
            return;
        }
        http::request req = parser.release();
        const bool keep_alive = req.keep_alive();
        const std::string target(req.target());
        const std::string line = std::string(req.method_string()) + " " + target;
        http::response res = run(ioc, app.dispatcher.handle(std::move(req), client_address));
        if (trace) {
            std::fprintf(stderr, "%s -> %u %s\n", line.c_str(), res.result_int(),
                         res.body().substr(0, 160).c_str());
        }
        check_response(res, keep_alive, target);
        if (!keep_alive) {
            return;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static process_state* process = new process_state();  // never destroyed: the pool's threads live on
    application app(*process);
    serve(app, std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
