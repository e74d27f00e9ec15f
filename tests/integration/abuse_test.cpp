// Abuse limits of the real binary: slow and idle clients, request-smuggling shapes, oversized
// headers, login brute force. Each test asserts what a client (or an attacker) would notice.
#include "auth_api.hpp"
#include "http_client.hpp"
#include "server_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace authd::test {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

struct raw_result {
    std::string data;
    bool closed = false;  // the server closed the connection (EOF or reset) before the timeout
};

// Reads until the server closes the connection or `timeout` passes.
raw_result read_until_closed(int fd, std::chrono::milliseconds timeout)
{
    raw_result out;
    const auto deadline = steady::now() + timeout;
    char buf[16384];
    for (;;) {
        // Polls at least once, so a zero timeout asks "closed by now?".
        const auto left = std::max<std::chrono::milliseconds::rep>(
            0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now()).count());
        pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            return out;
        }
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            out.closed = true;
            return out;
        }
        out.data.append(buf, static_cast<std::size_t>(n));
    }
}

void write_all(int fd, std::string_view bytes)
{
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;  // the server may close early (it answered already)
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

// Sends `bytes` on a fresh connection and reads until the server closes it (or `timeout`).
raw_result exchange(unsigned short port, std::string_view bytes, std::chrono::milliseconds timeout = 10s)
{
    const int fd = connect_local(port);
    write_all(fd, bytes);
    raw_result r = read_until_closed(fd, timeout);
    ::close(fd);
    return r;
}

// How many HTTP responses a byte stream holds (status lines; no authd body contains one).
std::size_t count_responses(std::string_view raw)
{
    std::size_t n = 0;
    for (auto at = raw.find("HTTP/1."); at != std::string_view::npos; at = raw.find("HTTP/1.", at + 1)) {
        ++n;
    }
    return n;
}

// A connection to 127.0.0.1:port from the loopback address `source` (e.g. 127.0.0.2): on Linux the
// whole 127.0.0.0/8 is local, so a test can be several client addresses. -1 when binding fails.
int connect_from(const char* source, unsigned short port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = 0;
    ::inet_pton(AF_INET, source, &local.sin_addr);
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(port);
    remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0 ||
        ::connect(fd, reinterpret_cast<const sockaddr*>(&remote), sizeof remote) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// A JSON login sent from the client address `source`.
http_response log_in_from(const http_client& client, const char* source, const std::string& email,
                          std::string_view password)
{
    const std::string body = R"({"email":")" + email + R"(","password":")" + std::string(password) + R"("})";
    const int fd = connect_from(source, client.port());
    if (fd < 0) {
        throw std::runtime_error(std::string("cannot connect from ") + source + ": " + std::strerror(errno));
    }
    write_all(fd, client.serialize({.method = "POST",
                                    .target = "/auth/login",
                                    .headers = {{"Content-Type", "application/json"}},
                                    .body = body}));
    const raw_result r = read_until_closed(fd, 15s);
    ::close(fd);
    return parse_response(r.data);
}

// GET /health, or status 0 when the server closed the connection without an answer.
int health_status(const http_client& client)
{
    const raw_result r =
        exchange(client.port(),
                 client.serialize({.method = "GET", .target = "/health", .headers = {}, .body = {}}), 15s);
    return r.data.empty() ? 0 : parse_response(r.data).status;
}

// The Retry-After of a 429, in seconds (-1 when missing or not a number).
int retry_after_seconds(const http_response& res)
{
    const auto value = res.header("Retry-After");
    if (!value || value->empty() || value->find_first_not_of("0123456789") != std::string::npos) {
        return -1;
    }
    return std::stoi(*value);
}

void expect_rate_limited(const http_response& res, int window_seconds)
{
    EXPECT_EQ(res.status, 429) << res.body;
    EXPECT_EQ(res.error_code(), "RATE_LIMITED") << res.body;
    const int wait = retry_after_seconds(res);
    EXPECT_GE(wait, 1) << "429 needs a Retry-After in seconds";
    EXPECT_LE(wait, window_seconds) << "never longer than one window";
}

// Raises this process's open-file limit (children inherit it) to at least `wanted`, or returns false.
bool raise_fd_limit(rlim_t wanted)
{
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) {
        return false;
    }
    if (lim.rlim_cur >= wanted) {
        return true;
    }
    if (lim.rlim_max < wanted) {
        lim.rlim_max = wanted;  // works as root (CAP_SYS_RESOURCE)
    }
    lim.rlim_cur = wanted;
    return ::setrlimit(RLIMIT_NOFILE, &lim) == 0;
}

// ---------------------------------------------------------------------------------------------

TEST(Abuse, AnIdleKeepAliveConnectionIsClosedAtItsDeadlineNotBefore)
{
    // Deadlines are enforced by a periodic sweep (a tenth of the shortest timeout here: 100 ms):
    // never early, at most one sweep late.
    server_process server({"--keepalive-timeout", "1s"});
    const int fd = connect_local(server.port());
    write_all(fd, "GET /health HTTP/1.1\r\nHost: " + server.host() + "\r\n\r\n");
    const auto answered = steady::now();
    const raw_result early = read_until_closed(fd, 700ms);
    EXPECT_NE(early.data.find("HTTP/1.1 200"), std::string::npos) << early.data;
    EXPECT_FALSE(early.closed) << "closed before --keepalive-timeout";
    const raw_result later = read_until_closed(fd, 1500ms);
    EXPECT_TRUE(later.closed) << "still open well after --keepalive-timeout";
    EXPECT_LT(steady::now() - answered, 2s);
    ::close(fd);
}

TEST(Abuse, SlowlorisIsCutOffByTheRequestDeadlineAndOthersAreServedMeanwhile)
{
    server_process server({"--request-timeout", "2s"});
    http_client client(server.port());

    // Two slow clients: one dribbles its header, one its body (after a complete header), a byte a second.
    const int slow_header = connect_local(server.port());
    const int slow_body = connect_local(server.port());
    write_all(slow_header, "GET /auth/me HTTP/1.1\r\nHost: " + server.host() + "\r\nX-Slow: ");
    write_all(slow_body, "POST /auth/login HTTP/1.1\r\nHost: " + server.host() +
                             "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");

    const auto start = steady::now();
    bool header_closed = false;
    bool body_closed = false;
    std::string header_answer;
    std::string body_answer;
    for (int second = 0; second < 20 && !(header_closed && body_closed); ++second) {
        // Another client is served promptly while the slow ones hold their connections.
        const auto asked = steady::now();
        EXPECT_EQ(health_status(client), 200);
        EXPECT_LT(steady::now() - asked, 2s) << "a slow client delayed another one";

        std::this_thread::sleep_for(1s);
        if (!header_closed) {
            write_all(slow_header, "a");
            const raw_result r = read_until_closed(slow_header, 10ms);
            header_answer += r.data;
            header_closed = r.closed;
        }
        if (!body_closed) {
            write_all(slow_body, " ");
            const raw_result r = read_until_closed(slow_body, 10ms);
            body_answer += r.data;
            body_closed = r.closed;
        }
    }
    const auto elapsed = steady::now() - start;
    ::close(slow_header);
    ::close(slow_body);
    EXPECT_TRUE(header_closed) << "a header sent a byte a second must be cut off by --request-timeout";
    EXPECT_TRUE(body_closed) << "a body sent a byte a second must be cut off by --request-timeout";
    EXPECT_LT(elapsed, 12s) << "the request deadline is 2 s";
    EXPECT_EQ(header_answer.find("HTTP/1.1 200"), std::string::npos) << header_answer;
    EXPECT_EQ(body_answer.find("HTTP/1.1 200"), std::string::npos) << body_answer;
    EXPECT_EQ(health_status(client), 200);
}

TEST(Abuse, TwoThousandIdleConnectionsDoNotStopNewClients)
{
    constexpr int idle_count = 2000;
    if (!raise_fd_limit(idle_count * 2 + 512)) {
        GTEST_SKIP() << "cannot raise RLIMIT_NOFILE to " << idle_count * 2 + 512
                     << " (authd inherits the test's limit)";
    }
    // Default --max-connections (10000); idle keep-alive connections are closed after 10 s.
    server_process server({"--keepalive-timeout", "10s", "--request-timeout", "120s"});
    http_client client(server.port());

    std::vector<int> never_sent;  // connected, not a byte sent: held under the request deadline
    std::vector<int> kept_alive;  // one request answered, then idle: held under the keep-alive deadline
    never_sent.reserve(idle_count / 2);
    kept_alive.reserve(idle_count / 2);
    const std::string keep_alive_request =
        "GET /health HTTP/1.1\r\nHost: " + server.host() + "\r\nConnection: keep-alive\r\n\r\n";
    for (int i = 0; i < idle_count / 2; ++i) {
        never_sent.push_back(connect_local(server.port()));
        const int fd = connect_local(server.port());
        write_all(fd, keep_alive_request);
        kept_alive.push_back(fd);
    }
    // Every keep-alive one got its answer and stays open.
    for (const int fd : kept_alive) {
        std::string got;
        const auto deadline = steady::now() + 20s;
        while (got.find("{\"status\":\"ok\"}") == std::string::npos && steady::now() < deadline) {
            pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
            if (::poll(&p, 1, 100) <= 0) {
                continue;
            }
            char buf[4096];
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            ASSERT_GT(n, 0) << "a keep-alive connection was closed at once: " << got;
            got.append(buf, static_cast<std::size_t>(n));
        }
        ASSERT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got;
    }

    // With 2,000 idle connections open, new clients are served: health, register, login, logout.
    const auto asked = steady::now();
    EXPECT_EQ(health_status(client), 200);
    EXPECT_LT(steady::now() - asked, 2s);
    const session_handle s = new_session(client);
    EXPECT_EQ(me(client, s).status, 200);
    EXPECT_EQ(log_out(client, s).status, 200);

    // The idle keep-alive connections are closed by the server after --keepalive-timeout.
    std::size_t reaped = 0;
    for (const int fd : kept_alive) {
        if (read_until_closed(fd, 30s).closed) {
            ++reaped;
        }
    }
    EXPECT_EQ(reaped, kept_alive.size()) << "idle keep-alive connections must be closed after 10 s";
    // The never-sent ones are still held (request deadline 120 s): the server did not fall over.
    std::size_t still_open = 0;
    for (const int fd : never_sent) {
        if (!read_until_closed(fd, 0ms).closed) {
            ++still_open;
        }
    }
    EXPECT_EQ(still_open, never_sent.size());
    for (const int fd : never_sent) {
        ::close(fd);
    }
    for (const int fd : kept_alive) {
        ::close(fd);
    }
    EXPECT_EQ(health_status(client), 200);
}

TEST(Abuse, ConnectionsPastTheCapAreClosedAndIdleOnesMakeRoomAfterTheDeadline)
{
    // 250 idle connections against a cap of 200: the 50 extra ones are closed at once, a new
    // client is refused while the cap is full, and served again once the idle ones timed out.
    server_process server({"--max-connections", "200", "--request-timeout", "4s"});
    http_client client(server.port());
    std::vector<int> idle;
    for (int i = 0; i < 250; ++i) {
        idle.push_back(connect_local(server.port()));
    }
    // Well before the 4 s deadline: the connections past the cap were closed, the others held.
    std::this_thread::sleep_for(1500ms);
    std::size_t closed_early = 0;
    for (const int fd : idle) {
        if (read_until_closed(fd, 0ms).closed) {
            ++closed_early;
        }
    }
    EXPECT_GE(closed_early, 50U) << "connections past --max-connections must be closed at once";
    EXPECT_LE(closed_early, 60U) << "connections under the cap must be held";

    // After the deadline the idle connections are gone and new clients are served again.
    int status = 0;
    const auto deadline = steady::now() + 20s;
    while (status != 200 && steady::now() < deadline) {
        status = health_status(client);
        if (status != 200) {
            std::this_thread::sleep_for(200ms);
        }
    }
    EXPECT_EQ(status, 200) << "idle connections must not keep new clients out for longer than the deadline";
    std::size_t closed = 0;
    for (const int fd : idle) {
        if (read_until_closed(fd, 10s).closed) {
            ++closed;
        }
        ::close(fd);
    }
    EXPECT_EQ(closed, idle.size()) << "every idle connection is closed by the request deadline";
    const session_handle s = new_session(client);
    EXPECT_EQ(log_out(client, s).status, 200);
}

TEST(Abuse, SmugglingShapesGet400TheConnectionClosesAndNothingAfterThemIsServed)
{
    server_process server;
    http_client client(server.port());
    const std::string host = "Host: " + server.host() + "\r\n";
    const std::string json = "Content-Type: application/json\r\n";
    // Each shape is followed by a second request: a server that misreads the framing would answer it.
    const std::string smuggled = "GET /auth/me HTTP/1.1\r\n" + host + "\r\n";
    struct shape {
        const char* name;
        std::string bytes;
    };
    const std::vector<shape> shapes{
        {"Content-Length + Transfer-Encoding",
         "POST /auth/login HTTP/1.1\r\n" + host + json +
             "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
        {"Transfer-Encoding + Content-Length",
         "POST /auth/login HTTP/1.1\r\n" + host + json +
             "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"},
        {"two differing Content-Length",
         "POST /auth/login HTTP/1.1\r\n" + host + json + "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}"},
        {"Content-Length list",
         "POST /auth/login HTTP/1.1\r\n" + host + json + "Content-Length: 2, 40\r\n\r\n{}"},
        {"space before the colon of Transfer-Encoding",
         "POST /auth/login HTTP/1.1\r\n" + host + json + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"},
        {"chunk size not hex", "POST /auth/login HTTP/1.1\r\n" + host + json +
                                   "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"},
        {"negative chunk size", "POST /auth/login HTTP/1.1\r\n" + host + json +
                                    "Transfer-Encoding: chunked\r\n\r\n-2\r\n{}\r\n0\r\n\r\n"},
        {"chunk size with 0x", "POST /auth/login HTTP/1.1\r\n" + host + json +
                                   "Transfer-Encoding: chunked\r\n\r\n0x2\r\n{}\r\n0\r\n\r\n"},
        {"chunk size overflowing 64 bits",
         "POST /auth/login HTTP/1.1\r\n" + host + json +
             "Transfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\n{}\r\n0\r\n\r\n"},
        {"chunk longer than its size", "POST /auth/login HTTP/1.1\r\n" + host + json +
                                           "Transfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n"},
        {"obs-fold (SP)", "GET /health HTTP/1.1\r\n" + host + "X-Folded: a\r\n b\r\n\r\n"},
        {"obs-fold (HTAB) of Transfer-Encoding",
         "POST /auth/login HTTP/1.1\r\n" + host + json +
             "Transfer-Encoding: gzip,\r\n\tchunked\r\n\r\n0\r\n\r\n"},
        {"bare LF line endings", "GET /health HTTP/1.1\n" + host.substr(0, host.size() - 2) + "\n\n"},
        {"one bare LF", "GET /health HTTP/1.1\r\nX-A: b\n" + host + "\r\n"},
    };
    for (const auto& s : shapes) {
        const raw_result r = exchange(server.port(), s.bytes + smuggled);
        ASSERT_FALSE(r.data.empty()) << s.name << ": no answer";
        const auto res = parse_response(r.data);
        EXPECT_EQ(res.status, 400) << s.name << "\n-> " << r.data;
        EXPECT_EQ(res.error_code(), "BAD_REQUEST") << s.name;
        EXPECT_EQ(res.header("Connection"), "close") << s.name;
        EXPECT_TRUE(r.closed) << s.name << ": the connection must be closed after the 400";
        EXPECT_EQ(count_responses(r.data), 1U) << s.name << ": the request after it must not be served\n"
                                               << r.data;
    }
    // The well-formed neighbours of these shapes are served (the checks are not over-eager).
    const std::string chunked_ok =
        "POST /auth/login HTTP/1.1\r\n" + host + json +
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
    EXPECT_EQ(parse_response(exchange(server.port(), chunked_ok).data).status, 422);
    const std::string same_length_twice =
        "POST /auth/login HTTP/1.1\r\n" + host + json +
        "Content-Length: 2\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
    EXPECT_EQ(parse_response(exchange(server.port(), same_length_twice).data).status, 422);
    const std::string spaces_in_value =
        "GET /health HTTP/1.1\r\n" + host + "X-Spaced: a  b\t c\r\nConnection: close\r\n\r\n";
    EXPECT_EQ(parse_response(exchange(server.port(), spaces_in_value).data).status, 200);
    // A folded header split across two TCP segments is caught too.
    {
        const int fd = connect_local(server.port());
        write_all(fd, "GET /health HTTP/1.1\r\n" + host + "X-Folded: a\r\n");
        std::this_thread::sleep_for(300ms);
        write_all(fd, " b\r\n\r\n");
        const raw_result r = read_until_closed(fd, 10s);
        ::close(fd);
        ASSERT_FALSE(r.data.empty());
        EXPECT_EQ(parse_response(r.data).status, 400) << r.data;
        EXPECT_TRUE(r.closed);
    }
    EXPECT_EQ(health_status(client), 200);
}

TEST(Abuse, OversizedHeaderShapesGetExactAnswers)
{
    // --max-header (default 16 KiB) limits the header block in bytes; there is no separate limit on
    // the number of header lines.
    server_process server;
    http_client client(server.port());

    header_list hundred_small;
    for (int i = 0; i < 100; ++i) {
        hundred_small.emplace_back("X-Filler-" + std::to_string(i), "v");
    }
    const auto small = client.get("/health", hundred_small);
    EXPECT_EQ(small.status, 200) << "100 short header lines fit in 16 KiB: " << small.body;

    header_list hundred_large;
    for (int i = 0; i < 100; ++i) {
        hundred_large.emplace_back("X-Filler-" + std::to_string(i), std::string(200, 'v'));
    }
    const auto large = client.get("/health", hundred_large);
    EXPECT_EQ(large.status, 431) << "100 header lines of 200 bytes exceed 16 KiB";
    EXPECT_EQ(large.error_code(), "HEADERS_TOO_LARGE");

    // An 8 KiB cookie is within the default limit: it is simply not a session (401).
    const auto cookie8k = client.get("/auth/me", {{"Cookie", "session=" + std::string(8 * 1024, 'A')}});
    EXPECT_EQ(cookie8k.status, 401) << cookie8k.body;
    EXPECT_EQ(cookie8k.error_code(), "NOT_AUTHENTICATED");

    // A 64 KiB header block: 431, and the connection is closed.
    const std::string block = "GET /health HTTP/1.1\r\nHost: " + server.host() +
                              "\r\nX-Big: " + std::string(64 * 1024, 'b') + "\r\n\r\n";
    const raw_result r = exchange(server.port(), block);
    ASSERT_FALSE(r.data.empty());
    const auto big = parse_response(r.data);
    EXPECT_EQ(big.status, 431);
    EXPECT_EQ(big.error_code(), "HEADERS_TOO_LARGE");
    EXPECT_EQ(big.header("Connection"), "close");
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(health_status(client), 200);

    // With --max-header 4KiB the 8 KiB cookie is refused before any session lookup.
    server_process strict({"--max-header", "4KiB"});
    http_client strict_client(strict.port());
    const auto refused = strict_client.get("/auth/me", {{"Cookie", "session=" + std::string(8 * 1024, 'A')}});
    EXPECT_EQ(refused.status, 431);
    EXPECT_EQ(refused.error_code(), "HEADERS_TOO_LARGE");
    EXPECT_EQ(strict_client.get("/health", hundred_small).status, 200);
}

TEST(Abuse, LoginBruteForcePerAccountGets429AndTheOwnerGetsInAfterTheWindow)
{
    constexpr int window = 15;  // long enough for the attempts on a loaded machine
    server_process server(
        {"--login-max-failures", "3", "--login-failure-window", std::to_string(window) + "s"});
    http_client client(server.port());
    const std::string victim = unique_email("victim");
    const std::string bystander = unique_email("bystander");
    ASSERT_EQ(register_user(client, victim).status, 201);
    ASSERT_EQ(register_user(client, bystander).status, 201);

    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(log_in(client, victim, "wrong password guess").status, 401);
    }
    expect_rate_limited(log_in(client, victim, "wrong password guess"), window);
    // Locked: even the right password is refused during the window (no oracle for the guesser).
    expect_rate_limited(log_in(client, victim), window);
    // Another account from the same address is not affected.
    EXPECT_EQ(log_in(client, bystander).status, 200);

    // The attacker keeps trying; refused attempts do not extend the lock, so the owner gets in
    // within about one window (bounded generously for a loaded machine).
    const auto locked_at = steady::now();
    int status = 0;
    while (steady::now() - locked_at < std::chrono::seconds{window + 10}) {
        (void)log_in(client, victim, "wrong password guess");
        status = log_in(client, victim).status;
        if (status == 200) {
            break;
        }
        EXPECT_EQ(status, 429);
        std::this_thread::sleep_for(300ms);
    }
    EXPECT_EQ(status, 200) << "the real user must not stay locked out";
}

TEST(Abuse, LoginBruteForcePerClientAddressGets429AndEndsWithTheWindow)
{
    constexpr int window = 15;  // long enough for the attempts on a loaded machine
    server_process server({"--login-max-failures-per-address", "4", "--login-max-failures", "100",
                           "--login-failure-window", std::to_string(window) + "s"});
    http_client client(server.port());
    // authd keys the address limit on the TCP peer address (it trusts no forwarding header), so
    // the test is several clients by connecting from different loopback addresses.
    if (int probe = connect_from("127.0.0.2", server.port()); probe >= 0) {
        ::close(probe);
    } else {
        GTEST_SKIP() << "cannot connect from 127.0.0.2: " << std::strerror(errno);
    }
    const std::string real = unique_email("real");
    ASSERT_EQ(register_user(client, real).status, 201);

    // 127.0.0.2 sprays four accounts once each: no account reaches its limit, the address does.
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(log_in_from(client, "127.0.0.2", unique_email("spray"), "wrong password guess").status,
                  401);
    }
    expect_rate_limited(log_in_from(client, "127.0.0.2", unique_email("spray"), "wrong password guess"),
                        window);
    expect_rate_limited(log_in_from(client, "127.0.0.2", real, default_password), window);
    // Other addresses are not affected, for the same account.
    EXPECT_EQ(log_in_from(client, "127.0.0.3", real, default_password).status, 200);
    EXPECT_EQ(log_in(client, real).status, 200);

    // After the window the address may log in again.
    const auto locked_at = steady::now();
    int status = 0;
    while (steady::now() - locked_at < std::chrono::seconds{window + 10}) {
        status = log_in_from(client, "127.0.0.2", real, default_password).status;
        if (status == 200) {
            break;
        }
        EXPECT_EQ(status, 429);
        std::this_thread::sleep_for(300ms);
    }
    EXPECT_EQ(status, 200) << "an address must not stay blocked for longer than the window";
}

}  // namespace
}  // namespace authd::test
