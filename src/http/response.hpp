// An answer as authd sends it: a status, header fields in the order they were added, a body.
// Requests are Beast's (its parser is the one authd trusts with client bytes); answers are built
// by authd's own code only, so they are kept as the header text itself: one string for all the
// fields instead of Beast's allocation and ordered-set insert per field, and wire_format copies it
// out as is. Content-Length and Connection are not fields here: wire_format writes them from the
// body and keep_alive().
#pragma once

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace authd::http {

class response {
public:
    response() = default;
    response(boost::beast::http::status status, unsigned version);

    boost::beast::http::status result() const { return status_; }
    unsigned result_int() const { return static_cast<unsigned>(status_); }
    unsigned version() const { return version_; }

    // Adds a field, even if one of that name is already there (Set-Cookie).
    void insert(std::string_view name, std::string_view value);
    void insert(boost::beast::http::field name, std::string_view value);
    // Replaces every field of that name (compared case-insensitively) by this one, at the end.
    void set(std::string_view name, std::string_view value);
    void set(boost::beast::http::field name, std::string_view value);

    // The value of the first field of that name; empty if there is none.
    std::string_view operator[](std::string_view name) const;
    std::string_view operator[](boost::beast::http::field name) const;
    // Every value of that name, in order.
    std::vector<std::string_view> values(std::string_view name) const;
    struct field_view {
        std::string_view name;
        std::string_view value;
    };
    std::vector<field_view> fields() const;
    // The header fields as they go on the wire: "Name: value\r\n" each.
    const std::string& field_text() const { return fields_; }

    std::string& body() { return body_; }
    const std::string& body() const { return body_; }

    // Whether the connection stays open after this answer (HTTP/1.1 default: yes; 1.0: no).
    void keep_alive(bool keep) { keep_alive_ = keep; }
    bool keep_alive() const { return keep_alive_; }

    // An answer to HEAD: the fields and the Content-Length of the body it would carry, but not the
    // body itself (RFC 9110, 9.3.2). Bytes of a body there would be read as the next answer.
    void omit_body(bool omit) { omit_body_ = omit; }
    bool omits_body() const { return omit_body_; }

private:
    boost::beast::http::status status_ = boost::beast::http::status::ok;
    unsigned version_ = 11;
    bool keep_alive_ = true;
    bool omit_body_ = false;
    std::string fields_;
    std::string body_;
};

// The answer's bytes: status line, fields, Content-Length (none for 1xx, 204 and 304, which have
// no body), Connection where keep_alive() differs from the version's default, blank line, body
// (unless omits_body()).
std::string wire_format(const response& res);

}  // namespace authd::http
