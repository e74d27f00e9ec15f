// A minimal synchronous HTTP/1.1 client over plain sockets: one connection per request
// (Connection: close), every response header kept (several Set-Cookie), raw bytes when needed.
// With AUTHD_RESPONSE_LOG set, every response send() and pending_request::finish() parse is
// appended to that file as a JSON line (see log_response in http_client.cpp).
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authd::test {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct http_response {
    int status = 0;
    std::string reason;
    header_list headers;  // in order, names as sent
    std::string body;

    // The first header with this name (case-insensitive), if any.
    std::optional<std::string> header(std::string_view name) const;
    // Every header with this name (e.g. each Set-Cookie), in order.
    std::vector<std::string> headers_named(std::string_view name) const;
    // The body parsed as JSON; a null value when it is not JSON.
    boost::json::value json() const;
    // `detail.error_code` of an error body ("" when absent).
    std::string error_code() const;
    // `detail.message` of an error body ("" when absent).
    std::string error_message() const;
};

// Parses a complete HTTP/1.x response as read until the connection closed. Throws on garbage.
// An answer to HEAD has no body, whatever its Content-Length says.
http_response parse_response(std::string_view raw, bool answer_to_head = false);

struct http_request {
    std::string method = "GET";
    std::string target = "/";
    header_list headers;  // Host, Content-Length and Connection are added unless given here
    std::string body;
    bool send_content_length = true;
};

// A request written up to its last byte on an open connection; finish() sends that byte and reads
// the answer. Lets many threads release their requests at the same moment.
class pending_request {
public:
    pending_request(unsigned short port, const std::string& bytes);
    ~pending_request();
    pending_request(pending_request&& other) noexcept;
    pending_request& operator=(pending_request&&) = delete;
    pending_request(const pending_request&) = delete;
    pending_request& operator=(const pending_request&) = delete;
    http_response finish();

private:
    int fd_ = -1;
    char last_ = 0;
    std::string method_;  // of the request line, for AUTHD_RESPONSE_LOG
    std::string target_;
};

// Releases every pending request at the same moment (one thread each) and returns the answers in
// order; an answer that could not be read (a cut connection) has status 0.
std::vector<http_response> finish_together(std::vector<pending_request>& pending);

class http_client {
public:
    explicit http_client(unsigned short port, std::string user_agent = "authd-integration-test/1.0");

    unsigned short port() const { return port_; }
    const std::string& user_agent() const { return user_agent_; }
    std::string host() const;

    // The bytes a request goes out as (with Host, User-Agent, Content-Length, Connection: close).
    std::string serialize(const http_request& req) const;

    http_response send(const http_request& req) const;
    http_response get(std::string target, header_list headers = {}) const;
    http_response post(std::string target, std::string body = {}, header_list headers = {}) const;
    http_response del(std::string target, header_list headers = {}) const;
    // POST with a JSON body and Content-Type: application/json.
    http_response post_json(std::string target, const boost::json::value& body,
                            header_list headers = {}) const;

    // Writes `bytes` as they are (write errors after the first byte are ignored: the server may
    // answer and close early), then reads until the server closes or `timeout` passes.
    std::string send_raw(std::string_view bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds{10}) const;

    pending_request prepare(const http_request& req) const;

private:
    unsigned short port_;
    std::string user_agent_;
};

// A connection to 127.0.0.1:port (throws on failure). The caller closes it.
int connect_local(unsigned short port);
// Reads until EOF, error or timeout.
std::string read_all(int fd, std::chrono::milliseconds timeout);

}  // namespace authd::test
