#include "session/token.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace authd::session {
namespace {

bool is_base64url(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
               c == '_';
    });
}

TEST(IssueToken, Gives43CharacterBase64UrlValue)
{
    const issued_token t = issue_token();
    EXPECT_EQ(t.cookie_value.size(), 43u);
    EXPECT_TRUE(is_base64url(t.cookie_value)) << t.cookie_value;
    const auto raw = crypto::base64url_decode(t.cookie_value);
    ASSERT_TRUE(raw.has_value());
    EXPECT_EQ(raw->size(), 32u);
}

TEST(IssueToken, HashIsSha256OfTheCookieValue)
{
    const issued_token t = issue_token();
    EXPECT_EQ(t.hash, crypto::sha256(t.cookie_value));
    EXPECT_EQ(hash_cookie_value(t.cookie_value), t.hash);
}

TEST(IssueToken, TwoTokensDiffer)
{
    const issued_token a = issue_token();
    const issued_token b = issue_token();
    EXPECT_NE(a.cookie_value, b.cookie_value);
    EXPECT_NE(a.hash, b.hash);
}

TEST(HashCookieValue, RejectsWrongLength)
{
    const std::string good = issue_token().cookie_value;
    EXPECT_FALSE(hash_cookie_value("").has_value());
    EXPECT_FALSE(hash_cookie_value(good.substr(0, 42)).has_value());
    EXPECT_FALSE(hash_cookie_value(good + "A").has_value());
    EXPECT_FALSE(hash_cookie_value(std::string(1000, 'A')).has_value());
}

TEST(HashCookieValue, RejectsCharactersOutsideBase64Url)
{
    std::string value = issue_token().cookie_value;
    for (const char bad : {'+', '/', '=', ' ', '.', '"', '\0', '\xc4'}) {
        std::string v = value;
        v[10] = bad;
        EXPECT_FALSE(hash_cookie_value(v).has_value()) << static_cast<int>(bad);
    }
}

TEST(CsrfToken, Is43CharacterBase64UrlAndFresh)
{
    const std::string a = issue_csrf_token();
    EXPECT_EQ(a.size(), 43u);
    EXPECT_TRUE(is_base64url(a));
    EXPECT_NE(a, issue_csrf_token());
}

TEST(PublicId, RoundTripsThroughParse)
{
    const issued_token t = issue_token();
    const std::string id = public_id(t.hash);
    EXPECT_EQ(id.size(), 64u);
    EXPECT_EQ(id, crypto::hex_encode(t.hash));
    EXPECT_EQ(parse_public_id(id), t.hash);
}

TEST(PublicId, RejectsBadHex)
{
    const std::string id = public_id(issue_token().hash);
    EXPECT_FALSE(parse_public_id("").has_value());
    EXPECT_FALSE(parse_public_id(id.substr(0, 63)).has_value());
    EXPECT_FALSE(parse_public_id(id + "0").has_value());
    std::string bad = id;
    bad[5] = 'g';
    EXPECT_FALSE(parse_public_id(bad).has_value());
    EXPECT_FALSE(parse_public_id(issue_token().cookie_value).has_value());
}

TEST(PublicId, DoesNotRevealTheToken)
{
    const issued_token t = issue_token();
    EXPECT_EQ(public_id(t.hash).find(t.cookie_value), std::string::npos);
    EXPECT_NE(hash_cookie_value(public_id(t.hash).substr(0, 43)), t.hash);
}

TEST(LogRef, IsTheTwelveCharacterPrefixOfThePublicId)
{
    const issued_token t = issue_token();
    const std::string ref = log_ref(t.hash);
    EXPECT_EQ(ref.size(), 12u);
    EXPECT_EQ(ref, public_id(t.hash).substr(0, 12));
}

}  // namespace
}  // namespace authd::session
