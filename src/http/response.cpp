#include "http/response.hpp"

#include <boost/beast/core/string.hpp>

#include <charconv>
#include <cstring>

namespace authd::http {

namespace bhttp = boost::beast::http;

namespace {

// Appends header text with CR, LF and NUL turned into spaces. Every name and value comes from
// authd's code, none from a client; this is the guard that keeps a mistake there from splitting
// the answer (response splitting) instead of only garbling one field.
void append_header_text(std::string& out, std::string_view text)
{
    const std::size_t start = out.size();
    out.append(text);
    // memchr is vectorized; the byte loop below runs only for text that needs it.
    if (std::memchr(text.data(), '\r', text.size()) == nullptr &&
        std::memchr(text.data(), '\n', text.size()) == nullptr &&
        std::memchr(text.data(), '\0', text.size()) == nullptr) {
        return;
    }
    for (std::size_t i = start; i < out.size(); ++i) {
        if (out[i] == '\r' || out[i] == '\n' || out[i] == '\0') {
            out[i] = ' ';
        }
    }
}

// Room for the fields every answer gets (about 200 bytes with a cookie), so that they cost one
// allocation.
constexpr std::size_t usual_field_bytes = 384;

// Calls visit(name, value, line_begin, line_end) for each field line of `text` until it returns
// true. Every line is "name: value\r\n": insert() writes nothing else.
template <typename Visit>
void for_each_field(std::string_view text, Visit&& visit)
{
    std::size_t begin = 0;
    while (begin < text.size()) {
        const std::size_t end = text.find("\r\n", begin) + 2;
        const std::string_view line = text.substr(begin, end - begin - 2);
        const std::size_t colon = line.find(": ");
        if (visit(line.substr(0, colon), line.substr(colon + 2), begin, end)) {
            return;
        }
        begin = end;
    }
}

bool has_no_body(bhttp::status status)
{
    const unsigned code = static_cast<unsigned>(status);
    return code < 200 || code == 204 || code == 304;
}

}  // namespace

response::response(bhttp::status status, unsigned version)
    : status_(status), version_(version), keep_alive_(version >= 11)
{
}

void response::insert(std::string_view name, std::string_view value)
{
    if (fields_.empty()) {
        fields_.reserve(usual_field_bytes);
    }
    append_header_text(fields_, name);
    fields_ += ": ";
    append_header_text(fields_, value);
    fields_ += "\r\n";
}

void response::insert(bhttp::field name, std::string_view value)
{
    insert(bhttp::to_string(name), value);
}

void response::set(std::string_view name, std::string_view value)
{
    // Usually there is no such field yet; when there is, its line is cut out where it stands.
    for (;;) {
        std::size_t cut_begin = 0;
        std::size_t cut_end = 0;
        for_each_field(fields_,
                       [&](std::string_view field, std::string_view, std::size_t begin, std::size_t end) {
                           if (!boost::beast::iequals(field, name)) {
                               return false;
                           }
                           cut_begin = begin;
                           cut_end = end;
                           return true;
                       });
        if (cut_end == 0) {
            break;
        }
        fields_.erase(cut_begin, cut_end - cut_begin);
    }
    insert(name, value);
}

void response::set(bhttp::field name, std::string_view value)
{
    set(bhttp::to_string(name), value);
}

std::string_view response::operator[](std::string_view name) const
{
    std::string_view found;
    for_each_field(fields_, [&](std::string_view field, std::string_view value, std::size_t, std::size_t) {
        if (boost::beast::iequals(field, name)) {
            found = value;
            return true;
        }
        return false;
    });
    return found;
}

std::string_view response::operator[](bhttp::field name) const
{
    return (*this)[bhttp::to_string(name)];
}

std::vector<std::string_view> response::values(std::string_view name) const
{
    std::vector<std::string_view> out;
    for_each_field(fields_, [&](std::string_view field, std::string_view value, std::size_t, std::size_t) {
        if (boost::beast::iequals(field, name)) {
            out.push_back(value);
        }
        return false;
    });
    return out;
}

std::vector<response::field_view> response::fields() const
{
    std::vector<field_view> out;
    for_each_field(fields_, [&](std::string_view field, std::string_view value, std::size_t, std::size_t) {
        out.push_back({field, value});
        return false;
    });
    return out;
}

std::string wire_format(const response& res)
{
    const bool bodiless = has_no_body(res.result());
    std::string out;
    out.reserve(96 + res.field_text().size() + res.body().size());
    out += res.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    char number[24];
    out.append(number, std::to_chars(number, number + sizeof number, res.result_int()).ptr);
    out += ' ';
    out += bhttp::obsolete_reason(res.result());
    out += "\r\n";
    out += res.field_text();
    if (!bodiless) {
        out += "Content-Length: ";
        out.append(number, std::to_chars(number, number + sizeof number, res.body().size()).ptr);
        out += "\r\n";
    }
    if (res.version() >= 11 && !res.keep_alive()) {
        out += "Connection: close\r\n";
    } else if (res.version() < 11 && res.keep_alive()) {
        out += "Connection: keep-alive\r\n";
    }
    out += "\r\n";
    if (!bodiless && !res.omits_body()) {
        out += res.body();
    }
    return out;
}

}  // namespace authd::http
