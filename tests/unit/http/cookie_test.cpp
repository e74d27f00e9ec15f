#include "http/cookie.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace authd::http {
namespace {

using namespace std::chrono_literals;
using values = std::vector<std::string_view>;

TEST(CookieParsing, FindsOneCookieAmongSeveral)
{
    EXPECT_EQ(cookie_values("theme=dark; session=abc; lang=pl", "session"), values{"abc"});
}

TEST(CookieParsing, ToleratesSpacesAndTabsAroundPairs)
{
    EXPECT_EQ(cookie_values("  a=1 ;\tsession=abc\t;  b=2", "session"), values{"abc"});
    EXPECT_EQ(cookie_values("session=abc;b=2", "session"), values{"abc"});
}

TEST(CookieParsing, RemovesQuotesAroundAValue)
{
    EXPECT_EQ(cookie_values("session=\"abc\"", "session"), values{"abc"});
    EXPECT_EQ(cookie_values("session=\"\"", "session"), values{""});
    // A lone quote is not a quoted value.
    EXPECT_EQ(cookie_values("session=\"", "session"), values{"\""});
}

TEST(CookieParsing, ReturnsDuplicatesInHeaderOrder)
{
    EXPECT_EQ(cookie_values("session=first; other=x; session=second", "session"),
              (values{"first", "second"}));
}

TEST(CookieParsing, TellsWhetherANameIsSentMoreThanOnce)
{
    EXPECT_TRUE(has_several_cookie_values("session=first; other=x; session=second", "session"));
    EXPECT_FALSE(has_several_cookie_values("session=only; xsession=x; sessions=y", "session"));
    EXPECT_FALSE(has_several_cookie_values("other=x", "session"));
}

TEST(CookieParsing, SkipsPairsWithoutEquals)
{
    EXPECT_EQ(cookie_values("session; session=abc; ;;", "session"), values{"abc"});
    EXPECT_TRUE(cookie_values("session", "session").empty());
}

TEST(CookieParsing, KeepsEqualsSignsInsideTheValue)
{
    EXPECT_EQ(cookie_values("session=a=b==", "session"), values{"a=b=="});
}

TEST(CookieParsing, EmptyHeaderHasNoValues)
{
    EXPECT_TRUE(cookie_values("", "session").empty());
    EXPECT_TRUE(cookie_values(" ; ; ", "session").empty());
}

TEST(CookieParsing, DoesNotConfuseNamesThatShareAPrefixOrSuffix)
{
    EXPECT_EQ(cookie_values("xsession=1; session=2", "session"), values{"2"});
    EXPECT_EQ(cookie_values("session_x=1; sessionx=3; session=2", "session"), values{"2"});
    EXPECT_TRUE(cookie_values("xsession=1; sessions=3", "session").empty());
    EXPECT_TRUE(cookie_values("__Host-session=1", "session").empty());
    EXPECT_EQ(cookie_values("session=1; __Host-session=2", "__Host-session"), values{"2"});
}

TEST(CookieParsing, NameMatchIsCaseSensitive)
{
    EXPECT_TRUE(cookie_values("Session=1; SESSION=2", "session").empty());
}

TEST(CookieParsing, KeepsAnEmptyValue)
{
    EXPECT_EQ(cookie_values("session=; a=1", "session"), values{""});
}

cookie_attributes defaults(std::string name = "session")
{
    cookie_attributes a;
    a.name = std::move(name);
    return a;
}

TEST(SetCookie, RendersDefaultsWithoutDomainOrMaxAge)
{
    EXPECT_EQ(render_set_cookie(defaults(), "tok", std::nullopt),
              "session=tok; Path=/; HttpOnly; Secure; SameSite=Lax");
}

TEST(SetCookie, RendersDomainAndMaxAge)
{
    auto a = defaults();
    a.domain = "example.com";
    EXPECT_EQ(render_set_cookie(a, "tok", std::chrono::seconds{2592000}),
              "session=tok; Path=/; Domain=example.com; Max-Age=2592000; HttpOnly; Secure; SameSite=Lax");
}

TEST(SetCookie, OmitsSecureForInsecureCookies)
{
    auto a = defaults();
    a.secure = false;
    EXPECT_EQ(render_set_cookie(a, "tok", 60s), "session=tok; Path=/; Max-Age=60; HttpOnly; SameSite=Lax");
}

TEST(SetCookie, KeepsTheConfiguredName)
{
    EXPECT_EQ(render_set_cookie(defaults("__Host-session"), "v", std::nullopt),
              "__Host-session=v; Path=/; HttpOnly; Secure; SameSite=Lax");
}

TEST(ExpiredCookie, HasEmptyValueMaxAgeZeroAndAPastExpires)
{
    EXPECT_EQ(
        render_expired_cookie(defaults()),
        "session=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax");
}

TEST(ExpiredCookie, RepeatsDomainAndFlagsOfTheSetCookie)
{
    auto a = defaults();
    a.domain = "example.com";
    EXPECT_EQ(render_expired_cookie(a),
              "session=; Path=/; Domain=example.com; Max-Age=0; "
              "Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax");
    a.secure = false;
    EXPECT_EQ(render_expired_cookie(a),
              "session=; Path=/; Domain=example.com; Max-Age=0; "
              "Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax");
}

TEST(CookieName, AcceptsTokens)
{
    EXPECT_TRUE(is_valid_cookie_name("session"));
    EXPECT_TRUE(is_valid_cookie_name("__Host-session"));
    EXPECT_TRUE(is_valid_cookie_name("__Secure-s.id_1~!#$%&'*+^`|"));
}

TEST(CookieName, RejectsEmptySeparatorsControlsAndNonAscii)
{
    EXPECT_FALSE(is_valid_cookie_name(""));
    for (const char* bad : {"a b", "a=b", "a;b", "a,b", "a\"b", "a(b)", "a/b", "a:b", "a@b", "a?b", "a[b]",
                            "a{b}", "a\\b", "a\tb", "a\x7f", "a\x01", "sesj\xc4\x85"}) {
        EXPECT_FALSE(is_valid_cookie_name(bad)) << bad;
    }
}

}  // namespace
}  // namespace authd::http
