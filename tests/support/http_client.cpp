#include "http_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <latch>
#include <stdexcept>
#include <thread>
#include <tuple>

namespace authd::test {
namespace {

constexpr auto response_timeout = std::chrono::seconds{15};

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool has_header(const header_list& headers, std::string_view name)
{
    return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); });
}

// Writes everything it can; false when the peer stopped reading (reset or closed).
bool write_all(int fd, std::string_view bytes)
{
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

const boost::json::value* detail_field(const boost::json::value& v, std::string_view key)
{
    if (!v.is_object())
        return nullptr;
    const auto* detail = v.as_object().if_contains("detail");
    if (detail == nullptr || !detail->is_object())
        return nullptr;
    return detail->as_object().if_contains(key);
}

// When AUTHD_RESPONSE_LOG names a file, every response the client reads is appended to it as one
// JSON line {"method", "target", "status", "content_type", "body", "headers"}, for
// tools/js/validate-responses.mjs to check against docs/openapi.json (ctest:
// openapi_responses_validate): those of send() (and so get, post, del, post_json),
// pending_request::finish() and send_raw(). For send_raw() the method and target come from the
// request line of the bytes (both empty when it is not "METHOD /target HTTP/1.x": the answer to
// garbage can only be 400), and only the first response is logged (pipelined requests get
// several); an answer that does not parse as HTTP (none at all, a cut connection) is not logged.
// Each line goes out in one write() on a descriptor opened with O_APPEND, so the test processes
// ctest runs in parallel never interleave their lines.
void log_response(std::string_view method, std::string_view target, const http_response& res)
{
    static const char* const path = std::getenv("AUTHD_RESPONSE_LOG");
    if (path == nullptr || *path == '\0') {
        return;
    }
    boost::json::object headers;
    for (const auto& [name, value] : res.headers) {
        std::string key = name;
        std::transform(key.begin(), key.end(), key.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        auto& values = headers[key];
        if (!values.is_array()) {
            values = boost::json::array{};
        }
        values.as_array().emplace_back(value);
    }
    const boost::json::object line{
        {"method", method},     {"target", target},
        {"status", res.status}, {"content_type", res.header("Content-Type").value_or("")},
        {"body", res.body},     {"headers", std::move(headers)},
    };
    const std::string text = boost::json::serialize(line) + "\n";
    const int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw std::runtime_error(std::string("cannot open AUTHD_RESPONSE_LOG ") + path + ": " +
                                 std::strerror(errno));
    }
    std::string_view rest = text;
    while (!rest.empty()) {  // more than one write only after a short write (a full disk)
        const ssize_t n = ::write(fd, rest.data(), rest.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            throw std::runtime_error(std::string("cannot write AUTHD_RESPONSE_LOG ") + path + ": " + why);
        }
        rest.remove_prefix(static_cast<std::size_t>(n));
    }
    ::close(fd);
}

bool is_method_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_';
}

bool is_target_char(char c)
{
    return c > 0x20 && c < 0x7f;
}

// The method and target of the request line at the start of `bytes`, or two empty strings.
std::pair<std::string, std::string> request_line_of(std::string_view bytes)
{
    while (bytes.starts_with("\r\n")) {
        bytes.remove_prefix(2);  // RFC 9112 lets a server ignore empty lines before a request
    }
    const std::string_view line = bytes.substr(0, bytes.find("\r\n"));
    const auto first = line.find(' ');
    const auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos || !line.substr(second + 1).starts_with("HTTP/1.")) {
        return {};
    }
    const std::string_view method = line.substr(0, first);
    const std::string_view target = line.substr(first + 1, second - first - 1);
    if (method.empty() || target.empty() || !std::all_of(method.begin(), method.end(), is_method_char) ||
        !std::all_of(target.begin(), target.end(), is_target_char)) {
        return {};
    }
    return {std::string(method), std::string(target)};
}

// Writes `bytes` and reads until the server closes or `timeout` passes (no logging).
std::string exchange(unsigned short port, std::string_view bytes, std::chrono::milliseconds timeout)
{
    const int fd = connect_local(port);
    write_all(fd, bytes);  // the server may answer (413, 431, 400) before it read everything
    std::string raw = read_all(fd, timeout);
    ::close(fd);
    return raw;
}

}  // namespace

std::optional<std::string> http_response::header(std::string_view name) const
{
    for (const auto& [k, v] : headers) {
        if (iequals(k, name)) {
            return v;
        }
    }
    return std::nullopt;
}

std::vector<std::string> http_response::headers_named(std::string_view name) const
{
    std::vector<std::string> out;
    for (const auto& [k, v] : headers) {
        if (iequals(k, name)) {
            out.push_back(v);
        }
    }
    return out;
}

boost::json::value http_response::json() const
{
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    return ec ? boost::json::value{} : v;
}

std::string http_response::error_code() const
{
    const boost::json::value parsed = json();
    const auto* f = detail_field(parsed, "error_code");
    return f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string{};
}

std::string http_response::error_message() const
{
    const boost::json::value parsed = json();
    const auto* f = detail_field(parsed, "message");
    return f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string{};
}

http_response parse_response(std::string_view raw, bool answer_to_head)
{
    if (raw.empty()) {
        throw std::runtime_error("the server closed the connection without answering (did authd crash?)");
    }
    for (;;) {
        const auto head_end = raw.find("\r\n\r\n");
        if (head_end == std::string_view::npos) {
            throw std::runtime_error("no complete HTTP response header in " + std::to_string(raw.size()) +
                                     " bytes: '" + std::string(raw.substr(0, 200)) + "'");
        }
        std::string_view head = raw.substr(0, head_end);
        std::string_view rest = raw.substr(head_end + 4);

        http_response res;
        const auto line_end = head.find("\r\n");
        const std::string_view status_line = head.substr(0, line_end);
        if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
            throw std::runtime_error("not an HTTP status line: '" + std::string(status_line) + "'");
        }
        res.status = std::stoi(std::string(status_line.substr(9, 3)));
        res.reason = std::string(trim(status_line.substr(std::min<std::size_t>(13, status_line.size()))));
        head = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);
        while (!head.empty()) {
            const auto end = head.find("\r\n");
            const std::string_view line = head.substr(0, end);
            head = end == std::string_view::npos ? std::string_view{} : head.substr(end + 2);
            const auto colon = line.find(':');
            if (colon == std::string_view::npos) {
                throw std::runtime_error("bad header line: '" + std::string(line) + "'");
            }
            res.headers.emplace_back(std::string(line.substr(0, colon)),
                                     std::string(trim(line.substr(colon + 1))));
        }
        if (res.status >= 100 && res.status < 200) {
            raw = rest;  // 100 Continue: the real answer follows
            continue;
        }
        if (answer_to_head) {
            return res;
        }
        if (const auto length = res.header("Content-Length")) {
            const auto n = std::stoul(*length);
            if (rest.size() < n) {
                throw std::runtime_error("body shorter than Content-Length (" + std::to_string(rest.size()) +
                                         " < " + *length + ")");
            }
            rest = rest.substr(0, n);
        }
        res.body = std::string(rest);
        return res;
    }
}

int connect_local(unsigned short port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw std::runtime_error("socket failed");
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed: " + why);
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

std::string read_all(int fd, std::chrono::milliseconds timeout)
{
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[16384];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            break;
        }
        pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            break;
        }
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

pending_request::pending_request(unsigned short port, const std::string& bytes)
{
    if (bytes.empty()) {
        throw std::invalid_argument("empty request");
    }
    std::tie(method_, target_) = request_line_of(bytes);  // for the response log
    fd_ = connect_local(port);
    last_ = bytes.back();
    if (!write_all(fd_, std::string_view(bytes).substr(0, bytes.size() - 1))) {
        ::close(fd_);
        throw std::runtime_error("writing the request failed");
    }
}

pending_request::pending_request(pending_request&& other) noexcept
    : fd_(other.fd_), last_(other.last_), method_(std::move(other.method_)), target_(std::move(other.target_))
{
    other.fd_ = -1;
}

pending_request::~pending_request()
{
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

std::vector<http_response> finish_together(std::vector<pending_request>& pending)
{
    std::vector<http_response> answers(pending.size());
    std::latch go(static_cast<std::ptrdiff_t>(pending.size()));
    std::vector<std::thread> threads;
    threads.reserve(pending.size());
    for (std::size_t i = 0; i < pending.size(); ++i) {
        threads.emplace_back([&, i] {
            go.arrive_and_wait();
            try {
                answers[i] = pending[i].finish();
            } catch (const std::exception&) {
                answers[i] = http_response{};
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    return answers;
}

http_response pending_request::finish()
{
    write_all(fd_, std::string_view(&last_, 1));
    const std::string raw = read_all(fd_, response_timeout);
    ::close(fd_);
    fd_ = -1;
    http_response res = parse_response(raw, method_ == "HEAD");
    log_response(method_, target_, res);
    return res;
}

http_client::http_client(unsigned short port, std::string user_agent)
    : port_(port), user_agent_(std::move(user_agent))
{
}

std::string http_client::host() const
{
    return "127.0.0.1:" + std::to_string(port_);
}

std::string http_client::serialize(const http_request& req) const
{
    std::string out = req.method + " " + req.target + " HTTP/1.1\r\n";
    if (!has_header(req.headers, "Host")) {
        out += "Host: " + host() + "\r\n";
    }
    if (!has_header(req.headers, "User-Agent") && !user_agent_.empty()) {
        out += "User-Agent: " + user_agent_ + "\r\n";
    }
    if (!has_header(req.headers, "Connection")) {
        out += "Connection: close\r\n";
    }
    if (req.send_content_length && !has_header(req.headers, "Content-Length") &&
        !has_header(req.headers, "Transfer-Encoding") && (!req.body.empty() || req.method == "POST")) {
        out += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
    }
    for (const auto& [k, v] : req.headers) {
        out += k + ": " + v + "\r\n";
    }
    out += "\r\n";
    out += req.body;
    return out;
}

http_response http_client::send(const http_request& req) const
{
    const std::string raw = exchange(port_, serialize(req), response_timeout);
    http_response res = parse_response(raw, req.method == "HEAD");
    log_response(req.method, req.target, res);
    return res;
}

http_response http_client::get(std::string target, header_list headers) const
{
    return send({.method = "GET", .target = std::move(target), .headers = std::move(headers), .body = {}});
}

http_response http_client::post(std::string target, std::string body, header_list headers) const
{
    return send({.method = "POST",
                 .target = std::move(target),
                 .headers = std::move(headers),
                 .body = std::move(body)});
}

http_response http_client::del(std::string target, header_list headers) const
{
    return send({.method = "DELETE", .target = std::move(target), .headers = std::move(headers), .body = {}});
}

http_response http_client::post_json(std::string target, const boost::json::value& body,
                                     header_list headers) const
{
    headers.emplace_back("Content-Type", "application/json");
    return post(std::move(target), boost::json::serialize(body), std::move(headers));
}

std::string http_client::send_raw(std::string_view bytes, std::chrono::milliseconds timeout) const
{
    std::string raw = exchange(port_, bytes, timeout);
    if (std::getenv("AUTHD_RESPONSE_LOG") != nullptr) {
        const auto [method, target] = request_line_of(bytes);
        std::optional<http_response> res;
        try {
            res = parse_response(raw, method == "HEAD");
        } catch (const std::exception&) {
            // Not an HTTP answer: nothing to check against the document (the caller sees the bytes).
        }
        if (res) {
            log_response(method, target, *res);
        }
    }
    return raw;
}

pending_request http_client::prepare(const http_request& req) const
{
    return pending_request(port_, serialize(req));
}

}  // namespace authd::test
