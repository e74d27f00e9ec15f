// Runs the real authd binary for an integration test: a fresh temp dir with its own database,
// `--listen 127.0.0.1:0`, the port read from the "listening on" line, stderr kept in a file.
// When the process died during the test (a crash) its destructor adds a test failure, and when the
// test failed it prints the tail of authd's stderr.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace authd::test {

struct run_result {
    int exit_code = -1;  // or 128 + signal
    std::string out;     // what it printed on stdout
    std::string err;     // and on stderr
};

// Runs authd with exactly these arguments (no defaults) until it exits; kills it after `timeout`.
// For flag handling: --help, --version, bad options.
run_result run_authd(const std::vector<std::string>& args,
                     std::chrono::milliseconds timeout = std::chrono::seconds{10});

class server_process {
public:
    // Starts authd with `--listen 127.0.0.1:0 --db <tempdir>/authd.db --hash-threads 2` followed by
    // `extra_args` (a later flag wins). Throws std::runtime_error when it does not come up.
    explicit server_process(std::vector<std::string> extra_args = {});
    ~server_process();

    server_process(const server_process&) = delete;
    server_process& operator=(const server_process&) = delete;

    unsigned short port() const { return port_; }
    std::string host() const;    // "127.0.0.1:PORT", the Host header a client sends
    std::string origin() const;  // "http://127.0.0.1:PORT", the service's own origin
    const std::filesystem::path& dir() const { return dir_; }
    std::filesystem::path db_path() const { return dir_ / "authd.db"; }
    std::filesystem::path log_path() const { return dir_ / "stderr.log"; }
    std::string log_text() const;  // everything every run of the process wrote to stderr

    bool running() const { return pid_ > 0; }
    // The running process's id (-1 when stopped): for fault injection (prlimit, signals).
    pid_t pid() const { return pid_; }
    // SIGTERM, then waits (up to `timeout`, then SIGKILL). Returns the exit code, or 128 + signal
    // when the process died by a signal, or -1 when it was not running.
    int stop(std::chrono::milliseconds timeout = std::chrono::seconds{15});
    // SIGKILL and reap: a crash, nothing flushed, nothing shut down.
    void kill9();
    // Starts the binary again with the same arguments on the same database (it must be stopped).
    void restart();

private:
    void start();

    std::vector<std::string> args_;
    std::filesystem::path dir_;
    pid_t pid_ = -1;
    unsigned short port_ = 0;
};

}  // namespace authd::test
