#include "core/crypto.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace authd::crypto {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text)
{
    return {text.begin(), text.end()};
}

TEST(Base64Url, RoundTripsEveryLengthUpToFortyBytes)
{
    for (std::size_t n = 0; n <= 40; ++n) {
        std::vector<std::uint8_t> data(n);
        if (n > 0) {  // randombytes_buf's pointer is declared non-null, even for zero bytes
            random_bytes(data);
        }
        const std::string encoded = base64url_encode(data);
        EXPECT_EQ(encoded.size(), (n * 4 + 2) / 3) << "unpadded length for " << n << " bytes";
        const auto decoded = base64url_decode(encoded);
        ASSERT_TRUE(decoded.has_value()) << encoded;
        EXPECT_EQ(*decoded, std::string(data.begin(), data.end()));
    }
}

TEST(Base64Url, UsesTheUrlSafeAlphabetWithoutPadding)
{
    const std::vector<std::uint8_t> data{0xfb, 0xff, 0xbf};
    EXPECT_EQ(base64url_encode(data), "-_-_");
    EXPECT_EQ(base64url_encode(bytes_of("f")), "Zg");
    EXPECT_EQ(base64url_encode(bytes_of("foobar")), "Zm9vYmFy");
}

TEST(Base64Url, RejectsTheStandardAlphabetPaddingAndGarbage)
{
    EXPECT_FALSE(base64url_decode("+/+/").has_value());
    EXPECT_FALSE(base64url_decode("Zg==").has_value());
    EXPECT_FALSE(base64url_decode("Zm9v YmFy").has_value());
    EXPECT_FALSE(base64url_decode("Z").has_value());
    EXPECT_FALSE(base64url_decode("Zm9v!").has_value());
}

TEST(Hex, RoundTripsAndAcceptsUpperCase)
{
    const std::array<std::uint8_t, 4> data{0x00, 0x1f, 0xa0, 0xff};
    EXPECT_EQ(hex_encode(data), "001fa0ff");
    std::array<std::uint8_t, 4> back{};
    ASSERT_TRUE(hex_decode("001fa0ff", back));
    EXPECT_EQ(back, data);
    back = {};
    ASSERT_TRUE(hex_decode("001FA0FF", back));
    EXPECT_EQ(back, data);
}

TEST(Hex, RejectsWrongLengthAndNonHexCharacters)
{
    std::array<std::uint8_t, 2> out{};
    EXPECT_FALSE(hex_decode("abc", out));
    EXPECT_FALSE(hex_decode("abcdef", out));
    EXPECT_FALSE(hex_decode("ab g", out));
    EXPECT_FALSE(hex_decode("0x1f", out));
    EXPECT_FALSE(hex_decode("", out));
}

TEST(ConstantTimeEqual, ComparesContentAndLength)
{
    EXPECT_TRUE(constant_time_equal("secret", "secret"));
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_FALSE(constant_time_equal("secret", "secreT"));
    EXPECT_FALSE(constant_time_equal("secret", "secret!"));
    EXPECT_FALSE(constant_time_equal("secret", ""));
    EXPECT_FALSE(constant_time_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

TEST(Sha256, MatchesTheKnownVectorForAbc)
{
    EXPECT_EQ(hex_encode(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(hex_encode(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, MatchesTheTwoBlockKnownVector)
{
    // 56 bytes: the padding no longer fits the block, so the length goes into a second one.
    EXPECT_EQ(hex_encode(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, AgreesWithLibsodiumOnEveryLengthAcrossBlockBoundaries)
{
    // Whichever implementation this CPU gets (say which, so a log shows what was compared).
    RecordProperty("sha_extensions", sha256_uses_cpu_extensions() ? "yes" : "no");
    std::vector<std::uint8_t> buffer(300);
    for (std::size_t length = 0; length <= buffer.size(); ++length) {
        for (int draw = 0; draw < 8; ++draw) {
            random_bytes(buffer);
            const std::string_view data(reinterpret_cast<const char*>(buffer.data()), length);
            ASSERT_EQ(sha256(data), sha256_portable(data)) << "length " << length;
        }
    }
}

TEST(Sha256, AgreesWithLibsodiumOnTokenSizedInputs)
{
    // The hot case: a 43-character cookie value, many times, so a lane or shuffle mistake that
    // only some bit patterns show cannot hide.
    std::array<std::uint8_t, 43> token{};
    for (int draw = 0; draw < 20000; ++draw) {
        random_bytes(token);
        const std::string_view data(reinterpret_cast<const char*>(token.data()), token.size());
        ASSERT_EQ(sha256(data), sha256_portable(data));
    }
}

TEST(RandomUuid, HasTheVersionFourCanonicalForm)
{
    const std::regex form("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const std::string id = random_uuid();
        EXPECT_TRUE(std::regex_match(id, form)) << id;
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 200u);
}

TEST(RandomBytes, TwoDrawsDiffer)
{
    std::array<std::uint8_t, 32> a{};
    std::array<std::uint8_t, 32> b{};
    random_bytes(a);
    random_bytes(b);
    EXPECT_NE(a, b);
}

}  // namespace
}  // namespace authd::crypto
