// The HTTP/1.1 transport: accepts connections, reads requests within size and time limits, hands
// each to a request_handler and writes its answer, with keep-alive. Knows nothing of auth.
#pragma once

#include "core/async.hpp"
#include "http/response.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

namespace authd::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;

struct server_limits {
    std::size_t header_limit = 16 * 1024;  // request line + headers
    std::size_t body_limit = 64 * 1024;
    std::size_t max_connections = 10000;
    std::chrono::milliseconds request_timeout{std::chrono::seconds{10}};    // first byte to last body byte
    std::chrono::milliseconds keepalive_timeout{std::chrono::seconds{30}};  // idle between requests
    std::chrono::milliseconds write_timeout{std::chrono::seconds{10}};
};

// Why the transport refused a request before any handler saw it.
enum class rejection { malformed, headers_too_large, body_too_large };

class request_handler {
public:
    virtual ~request_handler() = default;
    // Must not throw (the boundary that turns bugs into 500s lives in the implementation).
    virtual task<response> handle(request req, std::string client_address) = 0;
    // The answer to a refused request; `header` is the part that was parsed, when there is one.
    virtual response reject(rejection why, const request* header, const std::string& client_address) = 0;
};

class server {
public:
    // ioc and handler are owned by the application and outlive the server. With one I/O thread
    // (`io_threads` == 1) connections need no strands, and skipping them saves real time per request.
    server(boost::asio::io_context& ioc, request_handler& handler, server_limits limits, unsigned io_threads);
    ~server();

    // Binds "host:port" ("[::1]:8080" for IPv6; port 0 picks a free one) and returns the bound
    // endpoint; throws std::runtime_error naming the address on failure.
    boost::asio::ip::tcp::endpoint listen(const std::string& address);
    void start();
    // Stops accepting, closes idle keep-alive connections, and lets requests in flight finish.
    void stop();

    std::size_t open_connections() const { return open_connections_.load(); }

private:
    struct connection;
    task<void> accept_loop();
    task<void> serve_connection(std::shared_ptr<connection> conn);
    task<void> send_rejection(connection& conn, rejection why, const request* header);
    task<void> deadline_sweep();
    void expires_after(connection& conn, std::chrono::milliseconds timeout) const;
    boost::asio::any_io_executor connection_executor();

    boost::asio::io_context& ioc_;
    request_handler& handler_;
    server_limits limits_;
    bool strands_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::chrono::milliseconds sweep_interval_;
    std::atomic<std::int64_t> now_ms_;  // steady_clock ms at the last deadline sweep
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> open_connections_{0};

    std::mutex connections_mutex_;
    std::unordered_set<std::shared_ptr<connection>> connections_;  // guarded by connections_mutex_
};

}  // namespace authd::http
