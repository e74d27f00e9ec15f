#include "auth_api.hpp"

#include <boost/json/object.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <stdexcept>

namespace authd::test {
namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

[[noreturn]] void fail(const std::string& what, const http_response& res)
{
    throw std::runtime_error(what + ": HTTP " + std::to_string(res.status) + " " + res.body);
}

std::string string_at(const boost::json::value& v, std::initializer_list<std::string_view> path)
{
    const boost::json::value* at = &v;
    for (const auto key : path) {
        if (!at->is_object() || at->as_object().if_contains(key) == nullptr) {
            return {};
        }
        at = at->as_object().if_contains(key);
    }
    return at->is_string() ? std::string(at->as_string()) : std::string{};
}

}  // namespace

std::string unique_email(std::string_view tag)
{
    static std::atomic<int> counter{0};
    return std::string(tag) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) +
           "@example.com";
}

bool set_cookie::has(std::string_view attribute) const
{
    return get(attribute).has_value();
}

std::optional<std::string> set_cookie::get(std::string_view attribute) const
{
    for (const auto& [k, v] : attributes) {
        if (lower(k) == lower(attribute)) {
            return v;
        }
    }
    return std::nullopt;
}

std::vector<std::string> set_cookie::normalized_attributes() const
{
    std::vector<std::string> out;
    for (const auto& [k, v] : attributes) {
        out.push_back(v.empty() ? k : k + "=" + v);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> normalized(std::vector<std::string> attributes)
{
    std::sort(attributes.begin(), attributes.end());
    return attributes;
}

set_cookie parse_set_cookie(std::string_view header)
{
    set_cookie out;
    bool first = true;
    while (!header.empty()) {
        const auto semi = header.find(';');
        const std::string_view part = trim(header.substr(0, semi));
        header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
        const auto eq = part.find('=');
        const std::string name(trim(part.substr(0, eq)));
        const std::string value =
            eq == std::string_view::npos ? std::string{} : std::string(trim(part.substr(eq + 1)));
        if (first) {
            out.name = name;
            out.value = value;
            first = false;
        } else {
            out.attributes.emplace_back(name, value);
        }
    }
    return out;
}

std::vector<set_cookie> set_cookies_named(const http_response& res, std::string_view name)
{
    std::vector<set_cookie> out;
    for (const auto& h : res.headers_named("Set-Cookie")) {
        auto c = parse_set_cookie(h);
        if (c.name == name) {
            out.push_back(std::move(c));
        }
    }
    return out;
}

header_list session_handle::headers(bool with_csrf) const
{
    header_list out{{"Cookie", cookie()}};
    if (with_csrf) {
        out.emplace_back("X-CSRF-Token", csrf);
    }
    return out;
}

session_handle session_for(std::string token, std::string csrf, std::string cookie_name)
{
    session_handle s;
    s.token = std::move(token);
    s.csrf = std::move(csrf);
    s.cookie_name = std::move(cookie_name);
    return s;
}

http_response register_user(const http_client& client, const std::string& email, std::string_view password)
{
    return client.post_json("/auth/register", boost::json::object{{"email", email}, {"password", password}});
}

http_response log_in(const http_client& client, const std::string& email, std::string_view password,
                     bool remember_me, header_list headers)
{
    return client.post_json(
        "/auth/login",
        boost::json::object{{"email", email}, {"password", password}, {"remember_me", remember_me}},
        std::move(headers));
}

session_handle log_in_ok(const http_client& client, const std::string& email, std::string_view password,
                         bool remember_me, std::string_view cookie_name)
{
    const http_response res = log_in(client, email, password, remember_me);
    if (res.status != 200) {
        fail("login of " + email, res);
    }
    const auto cookies = set_cookies_named(res, cookie_name);
    if (cookies.size() != 1 || cookies.front().value.empty()) {
        fail("login of " + email + " set no single '" + std::string(cookie_name) + "' cookie", res);
    }
    const auto body = res.json();
    session_handle s{
        .token = cookies.front().value,
        .csrf = string_at(body, {"csrf_token"}),
        .user_id = string_at(body, {"user", "id"}),
        .email = email,
        .password = std::string(password),
        .cookie_name = std::string(cookie_name),
    };
    if (s.csrf.empty() || s.user_id.empty()) {
        fail("login answer without csrf_token or user.id", res);
    }
    return s;
}

session_handle new_session(const http_client& client, std::string_view cookie_name)
{
    const std::string email = unique_email();
    const http_response res = register_user(client, email);
    if (res.status != 201) {
        fail("register " + email, res);
    }
    return log_in_ok(client, email, default_password, false, cookie_name);
}

http_response me(const http_client& client, const session_handle& s)
{
    return client.get("/auth/me", s.headers(false));
}

http_response log_out(const http_client& client, const session_handle& s, std::string_view query)
{
    return client.post("/auth/logout" + std::string(query), {}, s.headers(true));
}

bool contains(std::string_view text, std::string_view needle)
{
    return !needle.empty() && text.find(needle) != std::string_view::npos;
}

}  // namespace authd::test
