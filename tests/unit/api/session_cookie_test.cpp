#include "api/session_cookie.hpp"

#include <gtest/gtest.h>

namespace authd::api {
namespace {

session_cookie make(std::string name, std::optional<std::string> domain = std::nullopt)
{
    http::cookie_attributes a;
    a.name = std::move(name);
    a.domain = std::move(domain);
    return session_cookie{a};
}

TEST(SessionCookie, ReadsTheFirstValueOfItsOwnName)
{
    const session_cookie cookie = make("session");
    EXPECT_EQ(cookie.read("xsession=1; session=tok; session=later"), "tok");
    EXPECT_FALSE(cookie.read("other=1").has_value());
    EXPECT_FALSE(cookie.read("").has_value());
}

TEST(SessionCookie, ExpireRepeatsTheAttributesItWasSetWith)
{
    const session_cookie cookie = make("__Secure-session", "example.com");
    const std::string set = cookie.set("tok", std::nullopt);
    const std::string expired = cookie.expire();
    EXPECT_EQ(set, "__Secure-session=tok; Path=/; Domain=example.com; HttpOnly; Secure; SameSite=Lax");
    EXPECT_EQ(expired,
              "__Secure-session=; Path=/; Domain=example.com; Max-Age=0; "
              "Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax");
}

}  // namespace
}  // namespace authd::api
