#include "auth/validation.hpp"

#include <gtest/gtest.h>

#include <string>

namespace authd::auth {
namespace {

TEST(NormalizeEmail, TrimsAndLowerCases)
{
    EXPECT_EQ(normalize_email("  Alice.Smith@Example.COM \t\n"), "alice.smith@example.com");
    EXPECT_EQ(normalize_email("bob@example.com"), "bob@example.com");
    EXPECT_EQ(normalize_email("   "), "");
}

// What Python's str.strip() and str.lower() do, which the plan's normalization relies on: Unicode
// whitespace (the no-break spaces included) is trimmed, and every cased letter is lower-cased, so
// "Ü@example.com" and "\u00a0ü@example.com" are the account "ü@example.com".
TEST(NormalizeEmail, TrimsUnicodeWhitespace)
{
    EXPECT_EQ(normalize_email("\u00a0bob@example.com\u3000"), "bob@example.com");
    EXPECT_EQ(normalize_email("\u2028\u0085\u2003\u202f bob@example.com\u205f\u1680\u001c"),
              "bob@example.com");
    EXPECT_EQ(normalize_email("\u00a0\u00a0"), "");
}

TEST(NormalizeEmail, LowerCasesNonAsciiLetters)
{
    EXPECT_EQ(normalize_email("\u00dc@Example.com"), "\u00fc@example.com");  // Ü
    EXPECT_EQ(normalize_email("\u0416\u0423\u041a@\u041f\u0420\u0418\u041c\u0415\u0420.\u0440\u0444"),
              "\u0436\u0443\u043a@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444");  // Cyrillic
    EXPECT_EQ(normalize_email("\u03a9\u03a3@x.gr"), "\u03c9\u03c3@x.gr");               // Greek
    EXPECT_EQ(normalize_email("\U00010400@x.io"), "\U00010428@x.io");                   // four bytes
    EXPECT_EQ(normalize_email("\u0105\U0001f511@x.io"), "\u0105\U0001f511@x.io");       // nothing to lower
}

TEST(EmailProblem, AcceptsNormalAddresses)
{
    for (const char* ok :
         {"alice@example.com", "a.b+tag@sub.example.co.uk", "x@y.io", "first_last-1@ex-ample.org"}) {
        EXPECT_FALSE(email_problem(ok).has_value()) << ok;
    }
}

TEST(EmailProblem, RejectsMissingAt)
{
    EXPECT_TRUE(email_problem("alice.example.com").has_value());
    EXPECT_TRUE(email_problem("").has_value());
}

TEST(EmailProblem, RejectsTwoAts)
{
    EXPECT_TRUE(email_problem("alice@bob@example.com").has_value());
}

TEST(EmailProblem, RejectsEmptyLocalPartOrDomain)
{
    EXPECT_TRUE(email_problem("@example.com").has_value());
    EXPECT_TRUE(email_problem("alice@").has_value());
}

TEST(EmailProblem, RejectsDomainWithoutDot)
{
    EXPECT_TRUE(email_problem("alice@localhost").has_value());
    EXPECT_TRUE(email_problem("alice@.example.com").has_value());
    EXPECT_TRUE(email_problem("alice@example.com.").has_value());
    EXPECT_TRUE(email_problem("alice@example..com").has_value());
}

TEST(EmailProblem, RejectsDomainLabelsThatStartOrEndWithAHyphen)
{
    EXPECT_TRUE(email_problem("a@-example.com").has_value());
    EXPECT_TRUE(email_problem("a@example-.com").has_value());
    EXPECT_TRUE(email_problem("a@mail.example.-com").has_value());
    EXPECT_TRUE(email_problem("a@example.com-").has_value());
    EXPECT_FALSE(email_problem("a@ex-ample.com").has_value());
    EXPECT_FALSE(email_problem("-a-@example.com").has_value()) << "the local part may";
}

TEST(EmailProblem, RejectsSpacesAndControlCharacters)
{
    EXPECT_TRUE(email_problem("alice smith@example.com").has_value());
    EXPECT_TRUE(email_problem("alice@exa mple.com").has_value());
    EXPECT_TRUE(email_problem("alice\t@example.com").has_value());
    EXPECT_TRUE(email_problem("alice\n@example.com").has_value());
    EXPECT_TRUE(email_problem("<alice@example.com>").has_value());
    EXPECT_TRUE(email_problem("alice\u00a0smith@example.com").has_value()) << "no-break space";
    EXPECT_TRUE(email_problem("alice@exa\u3000mple.com").has_value()) << "ideographic space";
    EXPECT_TRUE(email_problem("alice\u0085@example.com").has_value()) << "next line (C1 control)";
    EXPECT_FALSE(email_problem("\u00fc@example.com").has_value());
}

TEST(EmailProblem, RejectsOverlongAddresses)
{
    const std::string local64(64, 'a');
    EXPECT_FALSE(email_problem(local64 + "@example.com").has_value());
    EXPECT_TRUE(email_problem(local64 + "a@example.com").has_value());

    // 254 characters in all is the longest accepted.
    const std::string domain = std::string(189 - 4, 'd') + ".com";  // 189 characters
    const std::string longest = local64 + "@" + domain;
    ASSERT_EQ(longest.size(), 254u);
    EXPECT_FALSE(email_problem(longest).has_value());
    EXPECT_TRUE(email_problem(local64 + "@d" + domain).has_value());
}

TEST(PasswordProblem, SevenCharactersRejected)
{
    EXPECT_TRUE(password_problem("1234567").has_value());
    EXPECT_TRUE(password_problem("").has_value());
}

TEST(PasswordProblem, EightCharactersAccepted)
{
    EXPECT_FALSE(password_problem("12345678").has_value());
}

TEST(PasswordProblem, ThousandTwentyFourAcceptedThousandTwentyFiveRejected)
{
    EXPECT_FALSE(password_problem(std::string(1024, 'a')).has_value());
    EXPECT_TRUE(password_problem(std::string(1025, 'a')).has_value());
}

std::string repeat(std::string_view s, int n)
{
    std::string out;
    for (int i = 0; i < n; ++i) {
        out += s;
    }
    return out;
}

TEST(PasswordProblem, CountsUtf8CharactersNotBytes)
{
    const std::string a_ogonek = "\xc4\x85";  // ą, two bytes
    EXPECT_TRUE(password_problem(repeat(a_ogonek, 4)).has_value()) << "8 bytes but 4 characters";
    EXPECT_TRUE(password_problem(repeat(a_ogonek, 7)).has_value());
    EXPECT_FALSE(password_problem(repeat(a_ogonek, 8)).has_value());
    EXPECT_FALSE(password_problem(repeat(a_ogonek, 1024)).has_value()) << "2048 bytes but 1024 characters";
    EXPECT_TRUE(password_problem(repeat(a_ogonek, 1025)).has_value());
    const std::string emoji = "\xf0\x9f\x94\x91";  // 🔑, four bytes
    EXPECT_FALSE(password_problem(repeat(emoji, 8)).has_value());
    EXPECT_TRUE(password_problem(repeat(emoji, 2)).has_value());
}

TEST(PasswordProblem, AllWhitespaceRejected)
{
    EXPECT_TRUE(password_problem("        ").has_value());
    EXPECT_TRUE(password_problem(" \t \n \r \f\v  ").has_value());
    EXPECT_FALSE(password_problem("  pass word  ").has_value());
}

TEST(PasswordProblem, AllUnicodeWhitespaceRejected)
{
    EXPECT_TRUE(password_problem(repeat("\u00a0", 8)).has_value()) << "no-break spaces";
    EXPECT_TRUE(password_problem(repeat("\u3000", 8)).has_value()) << "ideographic spaces";
    EXPECT_TRUE(password_problem("\u2028\u2029\u0085\u2003\u202f\u205f\u1680\u001c").has_value());
    EXPECT_FALSE(password_problem(repeat("\u00a0", 7) + "x").has_value());
    EXPECT_FALSE(password_problem(repeat("\u200b", 8)).has_value()) << "zero width space is not whitespace";
}

}  // namespace
}  // namespace authd::auth
