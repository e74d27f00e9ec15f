#include "server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef AUTHD_BINARY
#error "AUTHD_BINARY must name the authd executable"
#endif

extern char** environ;

namespace authd::test {
namespace {

constexpr auto startup_timeout = std::chrono::seconds{20};
constexpr std::string_view ready_prefix = "listening on 127.0.0.1:";

std::filesystem::path make_temp_dir()
{
    std::string pattern = (std::filesystem::temp_directory_path() / "authd-it-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error(std::string("mkdtemp failed: ") + std::strerror(errno));
    }
    return pattern;
}

// waitpid that retries on EINTR; returns the wait status.
int reap(pid_t pid)
{
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

int exit_code_of(int status)
{
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return -1;
}

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// argv for execve: pointers into `args`, which must outlive the call; null-terminated.
std::vector<char*> c_argv(std::vector<std::string>& args)
{
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    return argv;
}

// The environment for the child: the test decides every setting, so the caller's AUTHD_*
// variables are dropped.
std::vector<char*> environment_without_authd_settings()
{
    std::vector<char*> envp;
    for (char** e = environ; *e != nullptr; ++e) {
        if (std::strncmp(*e, "AUTHD_", 6) != 0) {
            envp.push_back(*e);
        }
    }
    envp.push_back(nullptr);
    return envp;
}

}  // namespace

run_result run_authd(const std::vector<std::string>& args, std::chrono::milliseconds timeout)
{
    const auto dir = make_temp_dir();
    const auto out_path = dir / "stdout";
    const auto err_path = dir / "stderr";
    std::vector<std::string> all{AUTHD_BINARY};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv = c_argv(all);
    std::vector<char*> envp = environment_without_authd_settings();
    const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out_fd, STDOUT_FILENO);
        ::dup2(err_fd, STDERR_FILENO);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(out_fd);
    ::close(err_fd);
    run_result result;
    if (pid > 0) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        int status = 0;
        for (;;) {
            const pid_t done = ::waitpid(pid, &status, WNOHANG);
            if (done == pid) {
                break;
            }
            if (std::chrono::steady_clock::now() >= deadline) {
                ::kill(pid, SIGKILL);
                status = reap(pid);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds{5});
        }
        result.exit_code = exit_code_of(status);
    }
    result.out = read_file(out_path);
    result.err = read_file(err_path);
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    return result;
}

server_process::server_process(std::vector<std::string> extra_args) : dir_(make_temp_dir())
{
    args_ = {AUTHD_BINARY, "--listen", "127.0.0.1:0", "--db", db_path().string(), "--hash-threads", "2"};
    args_.insert(args_.end(), extra_args.begin(), extra_args.end());
    try {
        start();
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        throw;
    }
}

server_process::~server_process()
{
    bool show_log = ::testing::Test::HasFailure() || std::uncaught_exceptions() > 0;
    if (pid_ > 0) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            // Nobody stopped it: it crashed or exited on its own while the test ran.
            ADD_FAILURE() << "authd died during the test (exit code " << exit_code_of(status) << ")";
            show_log = true;
        } else {
            // A clean SIGTERM shutdown after every test: exit code 0 proves the drain works, and
            // under the sanitizers it is when LeakSanitizer reports (a leak exits non-zero).
            const int code = stop(std::chrono::seconds{15});
            if (code != 0) {
                ADD_FAILURE() << "authd did not exit cleanly on SIGTERM (exit code " << code
                              << "): a shutdown bug, or a leak report in its stderr";
                show_log = true;
            }
        }
        pid_ = -1;
    }
    if (show_log) {
        const std::string log = log_text();
        const auto from = log.size() > 6000 ? log.size() - 6000 : 0;
        std::cerr << "---- authd stderr (" << log_path().string() << ", last " << log.size() - from
                  << " bytes) ----\n"
                  << log.substr(from) << "---- end of authd stderr ----\n";
    }
    if (std::getenv("AUTHD_IT_KEEP") == nullptr) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
}

std::string server_process::host() const
{
    return "127.0.0.1:" + std::to_string(port_);
}

std::string server_process::origin() const
{
    return "http://" + host();
}

std::string server_process::log_text() const
{
    return read_file(log_path());
}

void server_process::start()
{
    // Everything the child needs is prepared before fork: after it only async-signal-safe calls.
    std::vector<char*> argv = c_argv(args_);
    std::vector<char*> envp = environment_without_authd_settings();

    const int log_fd = ::open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) {
        throw std::runtime_error("cannot open " + log_path().string());
    }
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) {
        ::close(log_fd);
        throw std::runtime_error("pipe failed");
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(log_fd);
        ::close(out[0]);
        ::close(out[1]);
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
        if (::getppid() != parent) {
            ::_exit(127);
        }
        ::dup2(out[1], STDOUT_FILENO);
        ::dup2(log_fd, STDERR_FILENO);
        const int null_fd = ::open("/dev/null", O_RDONLY);
        if (null_fd >= 0) {
            ::dup2(null_fd, STDIN_FILENO);
        }
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(log_fd);
    ::close(out[1]);
    pid_ = pid;

    std::string seen;
    const auto deadline = std::chrono::steady_clock::now() + startup_timeout;
    unsigned short port = 0;
    for (;;) {
        const auto newline = seen.find('\n');
        if (newline != std::string::npos) {
            const std::string line = seen.substr(0, newline);
            if (line.starts_with(ready_prefix)) {
                port = static_cast<unsigned short>(std::stoul(line.substr(ready_prefix.size())));
                break;
            }
            seen.erase(0, newline + 1);
            continue;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd p{.fd = out[0], .events = POLLIN, .revents = 0};
        const int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        char buf[512];
        const ssize_t n = ready > 0 ? ::read(out[0], buf, sizeof buf) : 0;
        if (n <= 0) {
            break;  // end of output (the process exited) or the deadline passed
        }
        seen.append(buf, static_cast<std::size_t>(n));
    }
    ::close(out[0]);  // nothing else is printed on stdout
    if (port == 0) {
        ::kill(pid_, SIGKILL);
        const int code = exit_code_of(reap(pid_));
        pid_ = -1;
        throw std::runtime_error("authd did not print 'listening on' (exit " + std::to_string(code) +
                                 "); stderr:\n" + log_text());
    }
    port_ = port;
}

int server_process::stop(std::chrono::milliseconds timeout)
{
    if (pid_ <= 0) {
        return -1;
    }
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    for (;;) {
        const pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            break;
        }
        if (done < 0 && errno != EINTR) {
            pid_ = -1;
            return -1;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid_, SIGKILL);
            status = reap(pid_);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    pid_ = -1;
    return exit_code_of(status);
}

void server_process::kill9()
{
    if (pid_ <= 0) {
        return;
    }
    ::kill(pid_, SIGKILL);
    reap(pid_);
    pid_ = -1;
}

void server_process::restart()
{
    if (pid_ > 0) {
        throw std::logic_error("restart() needs a stopped server");
    }
    start();
}

}  // namespace authd::test
