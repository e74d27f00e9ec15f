#include "auth/csrf.hpp"

#include <gtest/gtest.h>

namespace authd::auth {
namespace {

TEST(CsrfToken, MatchesAnEqualToken)
{
    EXPECT_TRUE(csrf_token_matches("Zm9vYmFyYmF6cXV4", "Zm9vYmFyYmF6cXV4"));
}

TEST(CsrfToken, DoesNotMatchADifferentToken)
{
    EXPECT_FALSE(csrf_token_matches("Zm9vYmFyYmF6cXV4", "Zm9vYmFyYmF6cXV5"));
    EXPECT_FALSE(csrf_token_matches("Zm9vYmFyYmF6cXV4", "zm9vYmFyYmF6cXV4"));
}

TEST(CsrfToken, DoesNotMatchADifferentLength)
{
    EXPECT_FALSE(csrf_token_matches("Zm9vYmFyYmF6cXV4", "Zm9vYmFyYmF6cXV"));
    EXPECT_FALSE(csrf_token_matches("Zm9vYmFyYmF6cXV4", "Zm9vYmFyYmF6cXV4A"));
    EXPECT_FALSE(csrf_token_matches("Zm9vYmFyYmF6cXV4", ""));
}

TEST(CsrfToken, EmptyExpectedTokenNeverMatches)
{
    EXPECT_FALSE(csrf_token_matches("", ""));
    EXPECT_FALSE(csrf_token_matches("", "anything"));
}

TEST(OriginOf, KeepsSchemeHostAndPort)
{
    EXPECT_EQ(origin_of("https://example.com"), "https://example.com");
    EXPECT_EQ(origin_of("http://localhost:8080"), "http://localhost:8080");
    EXPECT_EQ(origin_of("https://[::1]:8443"), "https://[::1]:8443");
}

TEST(OriginOf, LowerCasesSchemeAndHost)
{
    EXPECT_EQ(origin_of("HTTPS://App.Example.COM:8443"), "https://app.example.com:8443");
}

TEST(OriginOf, StripsPathQueryAndFragment)
{
    EXPECT_EQ(origin_of("https://example.com/some/page?x=1#top"), "https://example.com");
    EXPECT_EQ(origin_of("https://example.com:8443/"), "https://example.com:8443");
    EXPECT_EQ(origin_of("https://example.com?next=https://evil.com"), "https://example.com");
    EXPECT_EQ(origin_of("https://example.com#https://evil.com"), "https://example.com");
}

TEST(OriginOf, NullOriginHasNoOrigin)
{
    EXPECT_EQ(origin_of("null"), "");
}

TEST(OriginOf, RejectsUserinfo)
{
    EXPECT_EQ(origin_of("https://user:pass@example.com"), "");
    EXPECT_EQ(origin_of("https://example.com@evil.com/"), "");
}

TEST(OriginOf, RejectsNonHttpSchemesAndMalformedValues)
{
    EXPECT_EQ(origin_of("ftp://example.com"), "");
    EXPECT_EQ(origin_of("file:///etc/passwd"), "");
    EXPECT_EQ(origin_of("javascript://example.com"), "");
    EXPECT_EQ(origin_of("chrome-extension://abcdef"), "");
    EXPECT_EQ(origin_of("https://"), "");
    EXPECT_EQ(origin_of("https:///path"), "");
    EXPECT_EQ(origin_of("://example.com"), "");
    EXPECT_EQ(origin_of("example.com"), "");
    EXPECT_EQ(origin_of(""), "");
}

// An origin's authority is a host and at most one numeric port: anything else is not one a browser
// sends, and must not pass for the server's own by having a default port stripped off its end.
TEST(OriginOf, RejectsAMalformedPort)
{
    EXPECT_EQ(origin_of("http://127.0.0.1:8080:80"), "");
    EXPECT_EQ(origin_of("https://example.com:8443:443"), "");
    EXPECT_EQ(origin_of("https://example.com:"), "");
    EXPECT_EQ(origin_of("https://example.com:https"), "");
    EXPECT_EQ(origin_of("https://example.com:123456"), "");
    EXPECT_EQ(origin_of("https://[::1]:"), "");
    EXPECT_EQ(origin_of("https://[::1]8443"), "");
    EXPECT_EQ(origin_of("https://[::1"), "");
    EXPECT_EQ(origin_of("https://::1"), "");
    EXPECT_EQ(origin_of("https://[::1]"), "https://[::1]");
    EXPECT_EQ(origin_of("http://example.com:80"), "http://example.com:80");
}

const origin_policy own_origin{};

TEST(OriginAllowed, PassesWithoutOriginOrReferer)
{
    EXPECT_TRUE(origin_allowed(own_origin, "", "", "example.com"));
    EXPECT_TRUE(origin_allowed(own_origin, "", "", ""));
}

TEST(OriginAllowed, OwnHostMatches)
{
    EXPECT_TRUE(origin_allowed(own_origin, "http://localhost:8080", "", "localhost:8080"));
    EXPECT_TRUE(origin_allowed(own_origin, "https://example.com", "", "example.com"));
    EXPECT_TRUE(origin_allowed(own_origin, "https://Example.com", "", "EXAMPLE.COM"));
}

TEST(OriginAllowed, OwnHostMatchesWithOrWithoutTheDefaultPort)
{
    EXPECT_TRUE(origin_allowed(own_origin, "https://example.com", "", "example.com:443"));
    EXPECT_TRUE(origin_allowed(own_origin, "https://example.com:443", "", "example.com"));
    EXPECT_TRUE(origin_allowed(own_origin, "http://example.com", "", "example.com:80"));
    EXPECT_TRUE(origin_allowed(own_origin, "http://example.com:80", "", "example.com"));
}

TEST(OriginAllowed, OtherPortOrSchemeDefaultPortIsAnotherOrigin)
{
    EXPECT_FALSE(origin_allowed(own_origin, "http://localhost:9999", "", "localhost:8080"));
    EXPECT_FALSE(origin_allowed(own_origin, "http://example.com", "", "example.com:443"));
    EXPECT_FALSE(origin_allowed(own_origin, "https://example.com", "", "example.com:80"));
    EXPECT_FALSE(origin_allowed(own_origin, "https://example.com:8443", "", "example.com"));
}

TEST(OriginAllowed, OwnHostWithASecondPortFails)
{
    EXPECT_FALSE(origin_allowed(own_origin, "http://127.0.0.1:8080:80", "", "127.0.0.1:8080"));
    EXPECT_FALSE(origin_allowed(own_origin, "", "https://example.com:443:443/page", "example.com"));
}

TEST(OriginAllowed, ForeignOriginFails)
{
    EXPECT_FALSE(origin_allowed(own_origin, "https://evil.com", "", "example.com"));
    EXPECT_FALSE(origin_allowed(own_origin, "https://example.com.evil.com", "", "example.com"));
    EXPECT_FALSE(origin_allowed(own_origin, "https://evilexample.com", "", "example.com"));
    EXPECT_FALSE(origin_allowed(own_origin, "null", "", "example.com"));
    EXPECT_FALSE(origin_allowed(own_origin, "https://user@example.com", "", "example.com"));
}

TEST(OriginAllowed, OriginWithoutHostHeaderFails)
{
    EXPECT_FALSE(origin_allowed(own_origin, "https://example.com", "", ""));
}

TEST(OriginAllowed, RefererIsUsedOnlyWhenOriginIsAbsent)
{
    EXPECT_TRUE(origin_allowed(own_origin, "", "https://example.com/settings?tab=1", "example.com"));
    EXPECT_FALSE(origin_allowed(own_origin, "", "https://evil.com/page", "example.com"));
    // Origin wins over a matching Referer, and over a foreign one.
    EXPECT_FALSE(origin_allowed(own_origin, "https://evil.com", "https://example.com/page", "example.com"));
    EXPECT_TRUE(origin_allowed(own_origin, "https://example.com", "https://evil.com/page", "example.com"));
}

TEST(OriginAllowed, ConfiguredListReplacesTheOwnOriginDefault)
{
    const origin_policy policy{.allowed = {"https://app.example.com", "http://localhost:3000"}};
    EXPECT_TRUE(origin_allowed(policy, "https://app.example.com", "", "api.example.com"));
    EXPECT_TRUE(origin_allowed(policy, "http://localhost:3000", "", "api.example.com"));
    EXPECT_TRUE(origin_allowed(policy, "", "https://app.example.com/x", "api.example.com"));
    EXPECT_FALSE(origin_allowed(policy, "https://api.example.com", "", "api.example.com"));
    EXPECT_FALSE(origin_allowed(policy, "http://app.example.com", "", "api.example.com"));
    EXPECT_FALSE(origin_allowed(policy, "https://evil.com", "", "api.example.com"));
    EXPECT_TRUE(origin_allowed(policy, "", "", "api.example.com"));
}

TEST(OriginAllowed, ConfiguredOriginsCompareCaseInsensitively)
{
    const origin_policy policy{.allowed = {"https://App.Example.com"}};
    EXPECT_TRUE(origin_allowed(policy, "https://app.example.COM", "", "api.example.com"));
}

}  // namespace
}  // namespace authd::auth
