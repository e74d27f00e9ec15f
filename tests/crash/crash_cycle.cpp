// Crash-safety driver for tools/crash-cycle.sh: runs authd on a database of pre-made sessions,
// sends concurrent logouts, kills authd with SIGKILL at a random moment, restarts it on the same
// database, and repeats. Then it proves, with a fresh authd and the database file:
//   - every logout that was answered 200 stayed ended (/auth/me -> 401);
//   - every session no logout was sent for is still alive (/auth/me -> 200); a logout that got no
//     answer may have gone either way;
//   - PRAGMA integrity_check is "ok";
//   - the audit log has exactly one USER_LOGOUT row per ended session and none for a live one
//     (the row and the deletion commit together), and no session has two.
//
// usage: authd_crash_cycle --authd BIN --db PATH --tokens FILE [--cycles N] [--seed S] [--log FILE]
#include "http_client.hpp"
#include "session/token.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using namespace std::chrono_literals;
using authd::test::http_client;
using authd::test::http_response;

enum class outcome : int {
    never_sent = 0,
    unanswered = 1,  // sent; the process died (or something else) before a full answer
    acknowledged = 2,
    answered_401 = 3,  // each session gets one logout at most, so this means it was lost
};

struct token {
    std::string value;
    std::string csrf;
    std::atomic<int> state{static_cast<int>(outcome::never_sent)};
};

struct options {
    std::string authd;
    std::string db;
    std::string tokens;
    std::string log = "/dev/null";
    int cycles = 20;
    unsigned seed = 0;
    int workers = 8;
};

[[noreturn]] void die(const std::string& why)
{
    std::cerr << "crash-cycle: " << why << "\n";
    std::exit(2);
}

class authd_process {
public:
    authd_process(const options& o)
    {
        std::vector<std::string> args{o.authd, "--listen",    "127.0.0.1:0", "--db",
                                      o.db,    "--threads",   "2",           "--hash-threads",
                                      "1",     "--log-level", "warn"};
        std::vector<char*> argv;
        for (auto& a : args) {
            argv.push_back(a.data());
        }
        argv.push_back(nullptr);
        int out[2];
        if (::pipe2(out, O_CLOEXEC) != 0) {
            die("pipe failed");
        }
        const int log_fd = ::open(o.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        pid_ = ::fork();
        if (pid_ < 0) {
            die("fork failed");
        }
        if (pid_ == 0) {
            ::dup2(out[1], STDOUT_FILENO);
            if (log_fd >= 0) {
                ::dup2(log_fd, STDERR_FILENO);
            }
            ::execve(argv[0], argv.data(), environ);
            ::_exit(127);
        }
        ::close(out[1]);
        if (log_fd >= 0) {
            ::close(log_fd);
        }
        std::string seen;
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        const std::string prefix = "listening on 127.0.0.1:";
        while (port_ == 0 && std::chrono::steady_clock::now() < deadline) {
            pollfd p{.fd = out[0], .events = POLLIN, .revents = 0};
            if (::poll(&p, 1, 200) <= 0) {
                continue;
            }
            char buf[256];
            const ssize_t n = ::read(out[0], buf, sizeof buf);
            if (n <= 0) {
                break;
            }
            seen.append(buf, static_cast<std::size_t>(n));
            const auto at = seen.find(prefix);
            if (at != std::string::npos && seen.find('\n', at) != std::string::npos) {
                port_ = static_cast<unsigned short>(std::stoul(seen.substr(at + prefix.size())));
            }
        }
        ::close(out[0]);
        if (port_ == 0) {
            kill9();
            die("authd did not start (see " + o.log + ")");
        }
    }
    ~authd_process() { kill9(); }
    authd_process(const authd_process&) = delete;
    authd_process& operator=(const authd_process&) = delete;

    unsigned short port() const { return port_; }

    void kill9()
    {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            pid_ = -1;
        }
    }

    // SIGTERM and wait: the exit code (or -1).
    int stop()
    {
        if (pid_ <= 0) {
            return -1;
        }
        ::kill(pid_, SIGTERM);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

private:
    pid_t pid_ = -1;
    unsigned short port_ = 0;
};

// One request on its own connection: its status, 0 when there was no complete answer, -1 when
// the connection was refused (nothing was sent).
int send_status(const http_client& client, const authd::test::http_request& req)
{
    int fd = -1;
    try {
        fd = authd::test::connect_local(client.port());
    } catch (const std::exception&) {
        return -1;
    }
    const std::string bytes = client.serialize(req);
    std::string_view rest = bytes;
    while (!rest.empty()) {
        const ssize_t n = ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            break;
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
    const std::string raw = authd::test::read_all(fd, 15s);
    ::close(fd);
    try {
        return authd::test::parse_response(raw).status;
    } catch (const std::exception&) {
        return 0;
    }
}

authd::test::http_request logout_request(const token& t, unsigned short port)
{
    return {.method = "POST",
            .target = "/auth/logout",
            .headers = {{"Cookie", "session=" + t.value},
                        {"X-CSRF-Token", t.csrf},
                        {"Origin", "http://127.0.0.1:" + std::to_string(port)}},
            .body = {},
            .send_content_length = true};
}

std::map<std::string, int> logout_rows_by_ref(const std::string& db, std::string& integrity, int& other_bad)
{
    sqlite3* c = nullptr;
    if (sqlite3_open_v2(db.c_str(), &c, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        die("cannot open " + db);
    }
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(c, "PRAGMA integrity_check", -1, &s, nullptr);
    while (sqlite3_step(s) == SQLITE_ROW) {
        integrity += reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
    std::map<std::string, int> rows;
    sqlite3_prepare_v2(
        c, "SELECT session_ref, user_id, message, created_at FROM logs WHERE event_type = 'USER_LOGOUT'", -1,
        &s, nullptr);
    while (sqlite3_step(s) == SQLITE_ROW) {
        // A half-written row would lack its columns; created_at is ISO 8601 UTC.
        const auto* ref = sqlite3_column_text(s, 0);
        const auto* created = sqlite3_column_text(s, 3);
        if (ref == nullptr || sqlite3_column_type(s, 1) == SQLITE_NULL || sqlite3_column_bytes(s, 2) == 0 ||
            created == nullptr || std::strlen(reinterpret_cast<const char*>(created)) < 20) {
            ++other_bad;
            continue;
        }
        ++rows[reinterpret_cast<const char*>(ref)];
    }
    sqlite3_finalize(s);
    sqlite3_close(c);
    return rows;
}

}  // namespace

int main(int argc, char** argv)
{
    options o;
    o.seed = static_cast<unsigned>(std::random_device{}());
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--authd") {
            o.authd = value;
        } else if (flag == "--db") {
            o.db = value;
        } else if (flag == "--tokens") {
            o.tokens = value;
        } else if (flag == "--cycles") {
            o.cycles = std::stoi(value);
        } else if (flag == "--seed") {
            o.seed = static_cast<unsigned>(std::stoul(value));
        } else if (flag == "--log") {
            o.log = value;
        } else if (flag == "--workers") {
            o.workers = std::stoi(value);
        } else {
            die("unknown option " + flag);
        }
    }
    if (o.authd.empty() || o.db.empty() || o.tokens.empty() || argc % 2 == 0) {
        die("usage: authd_crash_cycle --authd BIN --db PATH --tokens FILE [--cycles N] [--seed S] [--log "
            "FILE]");
    }
    ::signal(SIGPIPE, SIG_IGN);

    std::vector<std::unique_ptr<token>> tokens;
    {
        std::ifstream in(o.tokens);
        std::string value;
        std::string csrf;
        while (in >> value >> csrf) {
            auto t = std::make_unique<token>();
            t->value = value;
            t->csrf = csrf;
            tokens.push_back(std::move(t));
        }
    }
    if (tokens.size() < 20) {
        die("need at least 20 tokens in " + o.tokens);
    }
    // A tenth of the sessions is never logged out: they must all survive every crash.
    const std::size_t sendable = tokens.size() - tokens.size() / 10;
    std::mt19937 rng(o.seed);
    std::cout << "crash-cycle: seed " << o.seed << ", " << tokens.size() << " sessions, " << o.cycles
              << " cycles" << std::endl;

    // Each cycle gets an equal share of the sessions; authd is killed once a random part of that
    // share was sent, so every kill lands in the middle of the load.
    const std::size_t share = std::max<std::size_t>(sendable / static_cast<std::size_t>(o.cycles), 1);
    std::atomic<std::size_t> next{0};
    for (int cycle = 1; cycle <= o.cycles && next.load() < sendable; ++cycle) {
        const std::size_t first = next.load();
        const std::size_t last = std::min(first + share, sendable);
        std::uniform_int_distribution<std::size_t> pick(std::max<std::size_t>(1, (last - first) / 4),
                                                        std::max<std::size_t>(1, last - first - 1));
        const std::size_t kill_after = first + pick(rng);
        authd_process server(o);
        const http_client client(server.port(), "crash-cycle/1.0");
        std::atomic<bool> stop{false};
        std::vector<std::thread> workers;
        for (int w = 0; w < o.workers; ++w) {
            workers.emplace_back([&] {
                while (!stop.load()) {
                    const std::size_t i = next.fetch_add(1);
                    if (i >= last) {
                        next = last;  // the next cycle starts right after this one's share
                        return;
                    }
                    token& t = *tokens[i];
                    t.state = static_cast<int>(outcome::unanswered);
                    const int status = send_status(client, logout_request(t, server.port()));
                    if (status < 0) {
                        t.state = static_cast<int>(outcome::never_sent);
                    } else if (status == 200) {
                        t.state = static_cast<int>(outcome::acknowledged);
                    } else if (status == 401) {
                        t.state = static_cast<int>(outcome::answered_401);
                    }
                }
            });
        }
        const auto give_up = std::chrono::steady_clock::now() + 60s;
        while (next.load() < kill_after && std::chrono::steady_clock::now() < give_up) {
            std::this_thread::sleep_for(200us);
        }
        std::uniform_int_distribution<int> jitter_us(0, 2000);
        std::this_thread::sleep_for(std::chrono::microseconds{jitter_us(rng)});
        stop = true;  // no new logouts; those in flight are cut by the kill
        server.kill9();
        for (auto& w : workers) {
            w.join();
        }
        if (next.load() > last) {
            next = last;
        }
        std::size_t acked = 0;
        std::size_t open = 0;
        for (std::size_t i = first; i < last; ++i) {
            acked += tokens[i]->state == static_cast<int>(outcome::acknowledged) ? 1 : 0;
            open += tokens[i]->state == static_cast<int>(outcome::unanswered) ? 1 : 0;
        }
        std::cout << "cycle " << cycle << ": killed after " << kill_after - first << " of " << last - first
                  << " logouts sent; acknowledged " << acked << ", unanswered " << open << std::endl;
        next = last;
    }

    // Verification with a fresh process (nothing cached) on the same database.
    std::size_t counts[4] = {0, 0, 0, 0};
    std::size_t failures = 0;
    std::size_t unanswered_ended = 0;
    std::vector<bool> ended(tokens.size(), false);
    {
        authd_process server(o);
        const http_client client(server.port(), "crash-cycle/1.0");
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            const token& t = *tokens[i];
            const auto kind = static_cast<outcome>(t.state.load());
            ++counts[static_cast<int>(kind)];
            const int status = send_status(client, {.method = "GET",
                                                    .target = "/auth/me",
                                                    .headers = {{"Cookie", "session=" + t.value}},
                                                    .body = {},
                                                    .send_content_length = true});
            ended[i] = status == 401;
            // A logout answered 401 was the only one sent for its session: the session was lost.
            const bool ok = (kind == outcome::acknowledged && status == 401) ||
                            (kind == outcome::never_sent && status == 200) ||
                            (kind == outcome::unanswered && (status == 200 || status == 401));
            if (kind == outcome::unanswered && status == 401) {
                ++unanswered_ended;
            }
            if (!ok) {
                ++failures;
                if (failures <= 10) {
                    std::cerr << "FAIL: session #" << i << " (state " << static_cast<int>(kind)
                              << ") answered /auth/me with " << status << "\n";
                }
            }
        }
        const int code = server.stop();
        if (code != 0) {
            std::cerr << "FAIL: authd exited with " << code << " on SIGTERM\n";
            ++failures;
        }
    }

    std::string integrity;
    int malformed_rows = 0;
    const auto rows = logout_rows_by_ref(o.db, integrity, malformed_rows);
    std::size_t audit_failures = 0;
    std::size_t rows_matched = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const auto hash = authd::session::hash_cookie_value(tokens[i]->value);
        if (!hash) {
            die("token #" + std::to_string(i) + " is not a token");
        }
        const auto it = rows.find(authd::session::log_ref(*hash));
        const int n = it == rows.end() ? 0 : it->second;
        rows_matched += static_cast<std::size_t>(n);
        // Exactly one row for an ended session, none for a live one.
        if (n != (ended[i] ? 1 : 0)) {
            ++audit_failures;
            if (audit_failures <= 10) {
                std::cerr << "FAIL: session #" << i << " (ended: " << ended[i] << ") has " << n
                          << " USER_LOGOUT rows\n";
            }
        }
    }
    std::size_t total_rows = 0;
    for (const auto& [ref, n] : rows) {
        total_rows += static_cast<std::size_t>(n);
    }
    const bool integrity_ok = integrity == "ok";
    const bool rows_ok = audit_failures == 0 && malformed_rows == 0 && rows_matched == total_rows;

    std::cout << "crash-cycle result: sessions " << tokens.size() << ", logouts sent "
              << counts[1] + counts[2] + counts[3] << ", acknowledged (200) " << counts[2]
              << ", answered 401 " << counts[3] << ", unanswered " << counts[1] << " (of which ended "
              << unanswered_ended << "), never sent " << counts[0] << "\n";
    std::cout << "  acknowledged logouts still ended, unsent sessions alive: "
              << (failures == 0 ? "ok" : "FAILED (" + std::to_string(failures) + ")") << "\n";
    std::cout << "  PRAGMA integrity_check: " << integrity << "\n";
    std::cout << "  USER_LOGOUT rows " << total_rows << ", one per ended session, none for live ones: "
              << (rows_ok ? "ok"
                          : "FAILED (" + std::to_string(audit_failures) + " sessions, " +
                                std::to_string(malformed_rows) + " malformed rows)")
              << std::endl;
    return failures == 0 && integrity_ok && rows_ok ? 0 : 1;
}
