#include "http/server.hpp"

#include "http/framing.hpp"
#include "http/listen_address.hpp"

#include "observability/log.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string_view>

namespace authd::http {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto with_error = net::as_tuple(net::use_awaitable);
constexpr std::size_t read_chunk = 4096;
// After refusing a request, how long and how much of its remainder is read and discarded so that
// the client sees the answer instead of a connection reset.
constexpr auto linger_time = std::chrono::seconds{2};
constexpr std::size_t linger_bytes = 4 * 1024 * 1024;

bool is_disconnect(const boost::system::error_code& ec)
{
    // operation_aborted is also what a passed deadline looks like (the sweep cancels the read).
    return ec == bhttp::error::end_of_stream || ec == net::error::eof ||
           ec == net::error::operation_aborted || ec == net::error::connection_reset ||
           ec == bhttp::error::partial_message;
}

tcp::endpoint parse_endpoint(const std::string& address)
{
    const auto colon = address.rfind(':');
    if (colon == std::string::npos) {
        throw std::runtime_error("listen address must be host:port, got '" + address + "'");
    }
    std::string host = address.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    boost::system::error_code ec;
    const auto ip = net::ip::make_address(host, ec);
    const std::string port_text = address.substr(colon + 1);
    char* end = nullptr;
    const unsigned long port = std::strtoul(port_text.c_str(), &end, 10);
    if (ec || port_text.empty() || *end != '\0' || port > 65535) {
        throw std::runtime_error("invalid listen address '" + address + "'");
    }
    return {ip, static_cast<unsigned short>(port)};
}

std::int64_t steady_ms(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// How often deadlines are checked: a tenth of the shortest one, within 5-250 ms. A deadline is
// enforced that much late at most, never early.
std::chrono::milliseconds sweep_interval_for(const server_limits& limits)
{
    const auto shortest = std::min({limits.request_timeout, limits.keepalive_timeout, limits.write_timeout});
    return std::clamp(shortest / 10, std::chrono::milliseconds{5}, std::chrono::milliseconds{250});
}

}  // namespace

struct server::connection {
    explicit connection(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    std::string client_address;
    bool idle = true;  // waiting for the next request; only touched on the connection's strand
    // When the current phase (waiting for a request, reading it, writing the answer) must be
    // over, in steady_clock milliseconds. Set on the connection's strand, read by the sweep.
    std::atomic<std::int64_t> deadline_ms{std::numeric_limits<std::int64_t>::max()};
};

server::server(net::io_context& ioc, request_handler& handler, server_limits limits, unsigned io_threads)
    : ioc_(ioc),
      handler_(handler),
      limits_(limits),
      strands_(io_threads > 1),
      acceptor_(connection_executor()),
      sweep_interval_(sweep_interval_for(limits)),
      now_ms_(steady_ms(std::chrono::steady_clock::now()))
{
}

// A deadline costs a connection one store per phase, no clock read and no timer: the time it
// counts from is the sweep's last reading, and the one margin of a sweep interval keeps that from
// ending a phase early. (Beast's tcp_stream armed and cancelled an Asio timer around every read
// and write, which showed in profiles of /auth/me.)
void server::expires_after(connection& conn, std::chrono::milliseconds timeout) const
{
    conn.deadline_ms.store(
        now_ms_.load(std::memory_order_relaxed) + timeout.count() + sweep_interval_.count(),
        std::memory_order_relaxed);
}

// Every sweep interval: cancels the pending read or write of each connection whose deadline has
// passed, on the connection's own strand (where it checks again: the phase may have moved on). A
// connection between operations (its handler still running) is cancelled at a later sweep if its
// deadline still stands then; the next phase sets a new one.
task<void> server::deadline_sweep()
{
    net::steady_timer tick(co_await net::this_coro::executor);
    for (;;) {
        tick.expires_after(sweep_interval_);
        auto [ec] = co_await tick.async_wait(with_error);
        if (ec) {
            co_return;
        }
        const std::int64_t now = steady_ms(std::chrono::steady_clock::now());
        now_ms_.store(now, std::memory_order_relaxed);
        std::lock_guard lock(connections_mutex_);
        for (const auto& conn : connections_) {
            if (conn->deadline_ms.load(std::memory_order_relaxed) <= now) {
                net::post(conn->socket.get_executor(), [conn, now] {
                    if (conn->deadline_ms.load(std::memory_order_relaxed) <= now) {
                        boost::system::error_code ignored;
                        conn->socket.cancel(ignored);
                    }
                });
            }
        }
    }
}

net::any_io_executor server::connection_executor()
{
    if (strands_) {
        return net::make_strand(ioc_);
    }
    return ioc_.get_executor();
}

server::~server() = default;

tcp::endpoint server::listen(const std::string& address)
{
    const tcp::endpoint endpoint = parse_endpoint(address);
    boost::system::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor_.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor_.listen(net::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        throw std::runtime_error("cannot listen on " + address + ": " + ec.message());
    }
    return acceptor_.local_endpoint();
}

void server::start()
{
    net::co_spawn(acceptor_.get_executor(), accept_loop(), [](const std::exception_ptr& e) {
        if (e) {
            log::error("accept loop ended by an exception");
        }
    });
    net::co_spawn(acceptor_.get_executor(), deadline_sweep(), [](const std::exception_ptr& e) {
        if (e) {
            log::error("deadline sweep ended by an exception");
        }
    });
}

void server::stop()
{
    if (stopping_.exchange(true)) {
        return;
    }
    net::post(acceptor_.get_executor(), [this] {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
    });
    std::lock_guard lock(connections_mutex_);
    for (const auto& conn : connections_) {
        net::post(conn->socket.get_executor(), [conn] {
            if (conn->idle) {
                boost::system::error_code ignored;
                conn->socket.cancel(ignored);  // a request in flight finishes; an idle wait ends now
            }
        });
    }
}

task<void> server::accept_loop()
{
    while (!stopping_) {
        auto [ec, socket] = co_await acceptor_.async_accept(connection_executor(), with_error);
        if (ec) {
            if (stopping_ || ec == net::error::operation_aborted) {
                break;
            }
            // Typically EMFILE: back off briefly instead of spinning.
            log::error("accept failed", {{"error", ec.message()}});
            net::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds{50});
            co_await pause.async_wait(with_error);
            continue;
        }
        if (open_connections_.load() >= limits_.max_connections) {
            log::warn("connection refused: connection limit reached", {{"limit", limits_.max_connections}});
            boost::system::error_code ignored;
            socket.close(ignored);
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        auto conn = std::make_shared<connection>(std::move(socket));
        if (const auto remote = conn->socket.remote_endpoint(ec); !ec) {
            conn->client_address = remote.address().to_string();
        }
        {
            std::lock_guard lock(connections_mutex_);
            connections_.insert(conn);
        }
        ++open_connections_;
        const auto executor = conn->socket.get_executor();
        net::co_spawn(executor, serve_connection(conn), [this, conn](const std::exception_ptr& e) {
            if (e) {
                log::error("connection ended by an exception", {{"client", conn->client_address}});
            }
            --open_connections_;
            std::lock_guard lock(connections_mutex_);
            connections_.erase(conn);
        });
    }
}

task<void> server::send_rejection(connection& conn, rejection why, const request* header)
{
    response res = handler_.reject(why, header, conn.client_address);
    res.keep_alive(false);
    res.omit_body(header != nullptr && header->method() == bhttp::verb::head);
    const std::string wire = wire_format(res);
    expires_after(conn, limits_.write_timeout);
    auto [ec, written] = co_await net::async_write(conn.socket, net::buffer(wire), with_error);
    if (ec) {
        co_return;
    }
    // Lingering close: stop sending, then drain what the client is still sending for a moment.
    conn.socket.shutdown(tcp::socket::shutdown_send, ec);
    expires_after(conn, linger_time);
    std::size_t drained = 0;
    char sink[read_chunk];
    while (drained < linger_bytes) {
        auto [rec, n] = co_await conn.socket.async_read_some(net::buffer(sink), with_error);
        if (rec) {
            break;
        }
        drained += n;
    }
}

task<void> server::serve_connection(std::shared_ptr<connection> conn)
{
    tcp::socket& stream = conn->socket;
    beast::flat_buffer buffer;
    bool first_request = true;
    for (;;) {
        // Between requests: wait for the first byte under the keep-alive deadline (or the request
        // deadline on a new connection), so that an idle connection can be closed at shutdown.
        if (buffer.size() == 0) {
            if (stopping_) {
                break;
            }
            conn->idle = true;
            expires_after(*conn, first_request ? limits_.request_timeout : limits_.keepalive_timeout);
            auto [ec, n] = co_await stream.async_read_some(buffer.prepare(read_chunk), with_error);
            conn->idle = false;
            if (ec) {
                break;
            }
            buffer.commit(n);
        }
        conn->idle = false;
        first_request = false;

        // Header and body together must arrive within the request deadline (slowloris).
        expires_after(*conn, limits_.request_timeout);
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(limits_.header_limit));
        parser.body_limit(limits_.body_limit);

        // The header is read by hand (what bhttp::async_read_header does) so that the bytes can be
        // checked for obs-fold before Beast unfolds them. Beast consumes a field only once the byte
        // after its CRLF is known not to continue it, so a fold is always still in `buffer` here.
        boost::system::error_code header_ec;
        bool folded = false;
        for (;;) {
            const std::string_view pending(static_cast<const char*>(buffer.data().data()), buffer.size());
            if (has_obs_fold(pending)) {
                folded = true;
                break;
            }
            if (buffer.size() > 0) {
                buffer.consume(parser.put(buffer.data(), header_ec));
                if (header_ec == bhttp::error::need_more) {
                    header_ec = {};
                } else if (header_ec || parser.is_header_done()) {
                    break;
                }
            }
            auto [read_ec, n] = co_await stream.async_read_some(buffer.prepare(read_chunk), with_error);
            if (read_ec) {
                header_ec = read_ec;
                break;
            }
            buffer.commit(n);
        }
        if (folded) {
            co_await send_rejection(*conn, rejection::malformed, nullptr);
            break;
        }
        if (header_ec) {
            if (header_ec == bhttp::error::header_limit) {
                co_await send_rejection(*conn, rejection::headers_too_large, nullptr);
            } else if (header_ec == bhttp::error::body_limit) {
                co_await send_rejection(*conn, rejection::body_too_large, &parser.get());
            } else if (!is_disconnect(header_ec)) {
                co_await send_rejection(*conn, rejection::malformed, nullptr);
            }
            break;
        }
        if (!acceptable_framing(parser.get())) {
            co_await send_rejection(*conn, rejection::malformed, nullptr);
            break;
        }
        if (const auto length = parser.content_length(); length && *length > limits_.body_limit) {
            co_await send_rejection(*conn, rejection::body_too_large, &parser.get());
            break;
        }
        if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue") && !parser.is_done()) {
            bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
            auto [ec, n] = co_await bhttp::async_write(stream, go_on, with_error);
            if (ec) {
                break;
            }
        }
        auto [body_ec, body_bytes] = co_await bhttp::async_read(stream, buffer, parser, with_error);
        if (body_ec) {
            if (body_ec == bhttp::error::body_limit) {
                co_await send_rejection(*conn, rejection::body_too_large, &parser.get());
            } else if (!is_disconnect(body_ec)) {
                co_await send_rejection(*conn, rejection::malformed, nullptr);
            }
            break;
        }

        request req = parser.release();
        const bool keep_alive = req.keep_alive();
        const bool head = req.method() == bhttp::verb::head;
        response res = co_await handler_.handle(std::move(req), conn->client_address);
        res.keep_alive(keep_alive && !stopping_);
        res.omit_body(head);
        const std::string wire = wire_format(res);
        expires_after(*conn, limits_.write_timeout);
        auto [write_ec, written] = co_await net::async_write(stream, net::buffer(wire), with_error);
        if (write_ec || !res.keep_alive()) {
            break;
        }
    }
    boost::system::error_code ignored;
    stream.shutdown(tcp::socket::shutdown_send, ignored);
    stream.close(ignored);
}

std::optional<std::string> listen_address_problem(const std::string& address)
{
    try {
        (void)parse_endpoint(address);
        return std::nullopt;
    } catch (const std::exception& e) {
        return std::string(e.what());
    }
}

}  // namespace authd::http
