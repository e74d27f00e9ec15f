#include "api/session_cookie.hpp"

namespace authd::api {

std::optional<std::string_view> session_cookie::read(std::string_view cookie_header) const
{
    return http::first_cookie_value(cookie_header, attributes_.name);
}

std::vector<std::string_view> session_cookie::read_all(std::string_view cookie_header) const
{
    return http::cookie_values(cookie_header, attributes_.name);
}

bool session_cookie::sent_several(std::string_view cookie_header) const
{
    return http::has_several_cookie_values(cookie_header, attributes_.name);
}

std::string session_cookie::set(std::string_view token, std::optional<std::chrono::seconds> max_age) const
{
    return http::render_set_cookie(attributes_, token, max_age);
}

std::string session_cookie::expire() const
{
    return http::render_expired_cookie(attributes_);
}

}  // namespace authd::api
