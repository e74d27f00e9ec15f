#include "config/options.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace authd::config {
namespace {

using namespace std::chrono_literals;

// The environment parse() sees: a fake, so tests never depend on the real one.
std::map<std::string, std::string>& fake_env()
{
    static std::map<std::string, std::string> env;
    return env;
}

const char* fake_getenv(const char* name)
{
    const auto it = fake_env().find(name);
    return it == fake_env().end() ? nullptr : it->second.c_str();
}

class OptionsTest : public ::testing::Test {
protected:
    void SetUp() override { fake_env().clear(); }
    void TearDown() override { fake_env().clear(); }
    static parse_outcome parse_args(std::vector<std::string> args) { return parse(args, fake_getenv); }
    static bool has_error_with(const parse_outcome& o, std::string_view part)
    {
        for (const auto& e : o.errors) {
            if (e.find(part) != std::string::npos) {
                return true;
            }
        }
        return false;
    }
};

std::string joined(const std::vector<std::string>& errors)
{
    std::string out;
    for (const auto& e : errors) {
        out += e + "\n";
    }
    return out;
}

TEST_F(OptionsTest, DefaultsMatchTheContract)
{
    const parse_outcome o = parse_args({});
    EXPECT_TRUE(o.errors.empty()) << joined(o.errors);
    EXPECT_FALSE(o.help);
    EXPECT_FALSE(o.version);
    const settings& s = o.values;
    EXPECT_EQ(s.listen, "127.0.0.1:8080");
    EXPECT_EQ(s.db, "./data/authd.db");
    EXPECT_EQ(s.cookie_name, "session");
    EXPECT_FALSE(s.cookie_domain.has_value());
    EXPECT_FALSE(s.insecure_cookies);
    EXPECT_TRUE(s.allowed_origins.empty());
    EXPECT_FALSE(s.clear_site_data);
    EXPECT_EQ(s.session_idle, 30min);
    EXPECT_EQ(s.session_absolute, 12h);
    EXPECT_EQ(s.session_remember, 24h * 30);
    EXPECT_EQ(s.log_level, log::level::info);
}

TEST_F(OptionsTest, EnvironmentVariableIsApplied)
{
    fake_env()["AUTHD_LISTEN"] = "127.0.0.1:0";
    fake_env()["AUTHD_SESSION_IDLE"] = "10m";
    fake_env()["AUTHD_INSECURE_COOKIES"] = "1";
    fake_env()["AUTHD_COOKIE_DOMAIN"] = "example.com";
    fake_env()["AUTHD_LOG_LEVEL"] = "debug";
    const parse_outcome o = parse_args({});
    EXPECT_TRUE(o.errors.empty()) << joined(o.errors);
    EXPECT_EQ(o.values.listen, "127.0.0.1:0");
    EXPECT_EQ(o.values.session_idle, 10min);
    EXPECT_TRUE(o.values.insecure_cookies);
    EXPECT_EQ(o.values.cookie_domain, "example.com");
    EXPECT_EQ(o.values.log_level, log::level::debug);
}

TEST_F(OptionsTest, FlagWinsOverEnvironment)
{
    fake_env()["AUTHD_COOKIE_NAME"] = "from_env";
    fake_env()["AUTHD_SESSION_ABSOLUTE"] = "1h";
    fake_env()["AUTHD_INSECURE_COOKIES"] = "true";
    const parse_outcome o =
        parse_args({"--cookie-name", "from_flag", "--session-absolute=2h", "--insecure-cookies=false"});
    EXPECT_TRUE(o.errors.empty()) << joined(o.errors);
    EXPECT_EQ(o.values.cookie_name, "from_flag");
    EXPECT_EQ(o.values.session_absolute, 2h);
    EXPECT_FALSE(o.values.insecure_cookies);
}

TEST_F(OptionsTest, AcceptsFlagEqualsValueAndFlagSpaceValue)
{
    const parse_outcome o = parse_args({"--listen=0.0.0.0:9000", "--db", "/tmp/x.db"});
    EXPECT_TRUE(o.errors.empty()) << joined(o.errors);
    EXPECT_EQ(o.values.listen, "0.0.0.0:9000");
    EXPECT_EQ(o.values.db, "/tmp/x.db");
}

TEST_F(OptionsTest, ValueMayContainEqualsSign)
{
    const parse_outcome o = parse_args({"--db=/tmp/a=b.db"});
    EXPECT_TRUE(o.errors.empty()) << joined(o.errors);
    EXPECT_EQ(o.values.db, "/tmp/a=b.db");
}

TEST_F(OptionsTest, BareSwitchTurnsItOn)
{
    const parse_outcome o = parse_args({"--insecure-cookies", "--clear-site-data"});
    EXPECT_TRUE(o.errors.empty()) << joined(o.errors);
    EXPECT_TRUE(o.values.insecure_cookies);
    EXPECT_TRUE(o.values.clear_site_data);
}

TEST_F(OptionsTest, BareNonSwitchAtTheEndNeedsAValue)
{
    const parse_outcome o = parse_args({"--listen"});
    ASSERT_EQ(o.errors.size(), 1u);
    EXPECT_TRUE(has_error_with(o, "--listen")) << joined(o.errors);
}

TEST_F(OptionsTest, UnknownOptionIsAnError)
{
    const parse_outcome o = parse_args({"--no-such-option=1"});
    ASSERT_EQ(o.errors.size(), 1u);
    EXPECT_TRUE(has_error_with(o, "--no-such-option")) << joined(o.errors);
}

TEST_F(OptionsTest, PositionalArgumentIsAnError)
{
    const parse_outcome o = parse_args({"stray"});
    ASSERT_EQ(o.errors.size(), 1u);
    EXPECT_TRUE(has_error_with(o, "stray"));
}

TEST_F(OptionsTest, BadDurationNamesTheOption)
{
    const parse_outcome o = parse_args({"--session-idle=soon"});
    ASSERT_EQ(o.errors.size(), 1u);
    EXPECT_TRUE(o.errors[0].starts_with("--session-idle")) << o.errors[0];
    EXPECT_EQ(o.values.session_idle, 30min) << "a rejected value leaves the default";
}

TEST_F(OptionsTest, BadEnvironmentValueNamesTheVariable)
{
    fake_env()["AUTHD_SESSION_IDLE"] = "0";
    const parse_outcome o = parse_args({});
    ASSERT_EQ(o.errors.size(), 1u);
    EXPECT_TRUE(o.errors[0].starts_with("AUTHD_SESSION_IDLE")) << o.errors[0];
}

TEST_F(OptionsTest, ReportsSeveralErrorsAtOnce)
{
    fake_env()["AUTHD_LOG_LEVEL"] = "loud";
    const parse_outcome o =
        parse_args({"--bogus", "--session-idle=-5m", "--cookie-name=bad name", "--hash-queue=0"});
    EXPECT_EQ(o.errors.size(), 5u) << joined(o.errors);
    EXPECT_TRUE(has_error_with(o, "AUTHD_LOG_LEVEL"));
    EXPECT_TRUE(has_error_with(o, "--bogus"));
    EXPECT_TRUE(has_error_with(o, "--session-idle"));
    EXPECT_TRUE(has_error_with(o, "--cookie-name"));
    EXPECT_TRUE(has_error_with(o, "--hash-queue"));
}

TEST_F(OptionsTest, HelpAndVersionAreRecognised)
{
    EXPECT_TRUE(parse_args({"--help"}).help);
    EXPECT_TRUE(parse_args({"-h"}).help);
    EXPECT_TRUE(parse_args({"--version"}).version);
}

TEST_F(OptionsTest, EffectiveValuesSayWhereEachCameFrom)
{
    fake_env()["AUTHD_SESSION_IDLE"] = "20m";
    fake_env()["AUTHD_LOG_LEVEL"] = "debug";
    const parse_outcome o = parse_args({"--log-level", "warn", "--insecure-cookies"});
    ASSERT_TRUE(o.errors.empty());
    const auto find = [&o](std::string_view env) {
        for (const auto& e : o.effective) {
            if (e.env == env) {
                return e;
            }
        }
        return effective_option{};
    };
    EXPECT_EQ(find("AUTHD_SESSION_IDLE").value, "20m");
    EXPECT_EQ(find("AUTHD_SESSION_IDLE").source, "env");
    EXPECT_EQ(find("AUTHD_LOG_LEVEL").value, "warn") << "the flag wins over its variable";
    EXPECT_EQ(find("AUTHD_LOG_LEVEL").source, "flag");
    EXPECT_EQ(find("AUTHD_INSECURE_COOKIES").value, "true");
    EXPECT_EQ(find("AUTHD_COOKIE_NAME").value, "session");
    EXPECT_EQ(find("AUTHD_COOKIE_NAME").source, "default");
}

TEST_F(OptionsTest, CookieDomainMustBeAHostNameNotAUrl)
{
    EXPECT_TRUE(parse_args({"--cookie-domain", "auth.example.com"}).errors.empty());
    for (const char* bad : {"https://example.com", "example.com:443", "example.com/path", "a; b"}) {
        const parse_outcome o = parse_args({"--cookie-domain", bad});
        ASSERT_EQ(o.errors.size(), 1u) << bad;
        EXPECT_NE(o.errors[0].find("--cookie-domain"), std::string::npos) << o.errors[0];
    }
}

TEST_F(OptionsTest, HelpNamesEveryContractOptionAndVariable)
{
    const std::string help = help_text();
    for (const char* name : {"--listen",
                             "AUTHD_LISTEN",
                             "--db",
                             "AUTHD_DB",
                             "--cookie-name",
                             "AUTHD_COOKIE_NAME",
                             "--cookie-domain",
                             "AUTHD_COOKIE_DOMAIN",
                             "--insecure-cookies",
                             "AUTHD_INSECURE_COOKIES",
                             "--allowed-origins",
                             "AUTHD_ALLOWED_ORIGINS",
                             "--clear-site-data",
                             "AUTHD_CLEAR_SITE_DATA",
                             "--session-idle",
                             "AUTHD_SESSION_IDLE",
                             "--session-absolute",
                             "AUTHD_SESSION_ABSOLUTE",
                             "--log-level",
                             "AUTHD_LOG_LEVEL"}) {
        EXPECT_NE(help.find(name), std::string::npos) << name;
    }
}

TEST_F(OptionsTest, HostPrefixedCookieWithADomainIsRejected)
{
    const parse_outcome o = parse_args({"--cookie-name=__Host-session", "--cookie-domain=example.com"});
    ASSERT_EQ(o.errors.size(), 1u) << joined(o.errors);
    EXPECT_TRUE(has_error_with(o, "--cookie-name"));
}

TEST_F(OptionsTest, HostPrefixedCookieMustBeSecure)
{
    EXPECT_EQ(parse_args({"--cookie-name=__Host-session", "--insecure-cookies"}).errors.size(), 1u);
    EXPECT_EQ(parse_args({"--cookie-name=__Secure-session", "--insecure-cookies"}).errors.size(), 1u);
    EXPECT_TRUE(parse_args({"--cookie-name=__Host-session"}).errors.empty());
    EXPECT_TRUE(parse_args({"--cookie-name=__Secure-session", "--cookie-domain=example.com"}).errors.empty());
}

// Browsers match the prefixes whatever their case, so they would refuse these cookies too.
TEST_F(OptionsTest, CookiePrefixesAreRecognisedInAnyCase)
{
    EXPECT_EQ(parse_args({"--cookie-name=__host-session", "--cookie-domain=example.com"}).errors.size(), 1u);
    EXPECT_EQ(parse_args({"--cookie-name=__SECURE-session", "--insecure-cookies"}).errors.size(), 1u);
    EXPECT_TRUE(parse_args({"--cookie-name=__hosts-session", "--cookie-domain=example.com"}).errors.empty());
}

TEST_F(OptionsTest, CookieDomainMustBeAPlainName)
{
    EXPECT_EQ(parse_args({"--cookie-domain=example.com; Secure"}).errors.size(), 1u);
    EXPECT_EQ(parse_args({"--cookie-domain", "a.com,b.com"}).errors.size(), 1u);
}

TEST_F(OptionsTest, AllowedOriginsAreAListWithoutTrailingSlashes)
{
    const parse_outcome o = parse_args({"--allowed-origins=https://app.example.com/, http://localhost:3000"});
    EXPECT_TRUE(o.errors.empty()) << joined(o.errors);
    EXPECT_EQ(o.values.allowed_origins,
              (std::vector<std::string>{"https://app.example.com", "http://localhost:3000"}));
    EXPECT_EQ(parse_args({"--allowed-origins=app.example.com"}).errors.size(), 1u);
}

TEST_F(OptionsTest, SizesAcceptUnits)
{
    const parse_outcome o = parse_args({"--max-body=128KiB", "--max-header=32k", "--hash-queue=10"});
    EXPECT_TRUE(o.errors.empty()) << joined(o.errors);
    EXPECT_EQ(o.values.max_body, 128u * 1024);
    EXPECT_EQ(o.values.max_header, 32u * 1024);
    EXPECT_EQ(o.values.hash_queue, 10u);
}

TEST_F(OptionsTest, MalformedSizeIsRejected)
{
    for (const char* bad : {"--max-body=lots", "--max-body=64xk", "--max-body=64 KiB", "--max-body=KiB"}) {
        EXPECT_EQ(parse_args({bad}).errors.size(), 1u) << bad;
    }
}

TEST(ParseDuration, UnderstandsEveryUnit)
{
    EXPECT_EQ(parse_duration("500ms"), 500ms);
    EXPECT_EQ(parse_duration("90s"), 90s);
    EXPECT_EQ(parse_duration("30m"), 30min);
    EXPECT_EQ(parse_duration("12h"), 12h);
    EXPECT_EQ(parse_duration("30d"), 24h * 30);
}

TEST(ParseDuration, PlainNumberIsSeconds)
{
    EXPECT_EQ(parse_duration("45"), 45s);
    EXPECT_EQ(parse_duration("0"), 0s);
}

TEST(ParseDuration, RejectsMalformedText)
{
    for (const char* bad : {"", "m", "10x", "-5m", "1.5h", " 5m", "5m ", "5 m", "5M", "5min", "ms5"}) {
        EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
    }
}

TEST(ParseDuration, RejectsValuesThatOverflow)
{
    // 10^16 hours cannot be held in milliseconds of a 64-bit count: it must not wrap around.
    EXPECT_FALSE(parse_duration("10000000000000000h").has_value());
    EXPECT_FALSE(parse_duration("400000000000000000d").has_value());
    EXPECT_FALSE(parse_duration("99999999999999999999").has_value());
}

}  // namespace
}  // namespace authd::config
