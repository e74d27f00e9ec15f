#include "http/response.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <gtest/gtest.h>

#include <string>

namespace authd::http {
namespace {

namespace bhttp = boost::beast::http;

// Reads the bytes back with Beast's client-side parser, as a browser or curl would.
bhttp::response<bhttp::string_body> read_back(const std::string& wire)
{
    bhttp::response_parser<bhttp::string_body> parser;
    boost::system::error_code ec;
    const std::size_t used = parser.put(boost::asio::buffer(wire), ec);
    if (!ec && !parser.is_done()) {
        parser.put(boost::asio::buffer(wire.data() + used, wire.size() - used), ec);
    }
    EXPECT_FALSE(ec) << ec.message() << "\n" << wire;
    EXPECT_TRUE(parser.is_done()) << wire;
    return parser.release();
}

TEST(Response, GoesOnTheWireWithItsFieldsInOrderAndTheBodyLength)
{
    response res{bhttp::status::ok, 11};
    res.insert(bhttp::field::content_type, "application/json; charset=utf-8");
    res.insert("X-Request-Id", "abc-1");
    res.body() = R"({"status":"ok"})";
    EXPECT_EQ(wire_format(res),
              "HTTP/1.1 200 OK\r\n"
              "Content-Type: application/json; charset=utf-8\r\n"
              "X-Request-Id: abc-1\r\n"
              "Content-Length: 15\r\n"
              "\r\n"
              R"({"status":"ok"})");
    const auto back = read_back(wire_format(res));
    EXPECT_EQ(back.result_int(), 200u);
    EXPECT_EQ(back.body(), res.body());
    EXPECT_TRUE(back.keep_alive());
}

TEST(Response, AnAnswerToHeadSaysTheBodysLengthButLeavesItOut)
{
    response res{bhttp::status::ok, 11};
    res.insert("X-Request-Id", "abc-1");
    res.body() = R"({"status":"ok"})";
    res.omit_body(true);
    EXPECT_EQ(wire_format(res),
              "HTTP/1.1 200 OK\r\n"
              "X-Request-Id: abc-1\r\n"
              "Content-Length: 15\r\n"
              "\r\n");
}

TEST(Response, SaysConnectionOnlyWhereItDiffersFromTheVersionsDefault)
{
    response closing{bhttp::status::bad_request, 11};
    closing.keep_alive(false);
    EXPECT_NE(wire_format(closing).find("\r\nConnection: close\r\n"), std::string::npos);
    EXPECT_FALSE(read_back(wire_format(closing)).keep_alive());

    response old{bhttp::status::ok, 10};
    EXPECT_FALSE(old.keep_alive()) << "HTTP/1.0 closes unless asked";
    EXPECT_EQ(wire_format(old).find("Connection"), std::string::npos);
    EXPECT_TRUE(wire_format(old).starts_with("HTTP/1.0 200 OK\r\n"));
    old.keep_alive(true);
    EXPECT_NE(wire_format(old).find("\r\nConnection: keep-alive\r\n"), std::string::npos);
    EXPECT_TRUE(read_back(wire_format(old)).keep_alive());

    response open{bhttp::status::ok, 11};
    EXPECT_EQ(wire_format(open).find("Connection"), std::string::npos);
}

TEST(Response, A204HasNeitherContentLengthNorBody)
{
    response res{bhttp::status::no_content, 11};
    res.insert(bhttp::field::cache_control, "no-store");
    EXPECT_EQ(wire_format(res), "HTTP/1.1 204 No Content\r\nCache-Control: no-store\r\n\r\n");
    EXPECT_EQ(read_back(wire_format(res)).result_int(), 204u);
}

TEST(Response, SetReplacesEveryFieldOfThatNameAndInsertKeepsThemAll)
{
    response res{bhttp::status::ok, 11};
    res.insert(bhttp::field::cache_control, "no-store");
    res.insert(bhttp::field::set_cookie, "session=a");
    res.insert(bhttp::field::set_cookie, "session=b");
    res.insert("X-Frame-Options", "DENY");
    res.insert("CACHE-CONTROL", "private");
    res.set("cache-control", "no-cache");
    EXPECT_EQ(res[bhttp::field::cache_control], "no-cache");
    EXPECT_EQ(res.values("Cache-Control").size(), 1u);
    EXPECT_EQ(res.values("set-cookie"), (std::vector<std::string_view>{"session=a", "session=b"}));
    EXPECT_EQ(res["X-Frame-Options"], "DENY");
    EXPECT_EQ(res["Location"], "");
    ASSERT_EQ(res.fields().size(), 4u);
    EXPECT_EQ(res.fields().back().name, "cache-control") << "a replaced field moves to the end";
}

TEST(Response, ALineBreakInAValueCannotSplitTheAnswer)
{
    response res{bhttp::status::ok, 11};
    res.insert("X-Request-Id", "abc\r\nSet-Cookie: session=forged\r\n\r\nbody");
    res.body() = "{}";
    const auto back = read_back(wire_format(res));
    EXPECT_EQ(back.count(bhttp::field::set_cookie), 0u);
    EXPECT_EQ(back.body(), "{}");
    EXPECT_EQ(res.fields().size(), 1u);
}

}  // namespace
}  // namespace authd::http
