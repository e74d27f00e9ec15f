#include "auth/login_limiter.hpp"

#include <gtest/gtest.h>

namespace authd::auth {
namespace {

using namespace std::chrono_literals;

class LoginLimiterTest : public ::testing::Test {
protected:
    void fail(const std::string& account, const std::string& address, int times = 1)
    {
        for (int i = 0; i < times; ++i) {
            limiter.record_failure(account, address);
            clock.advance(1s);
        }
    }

    manual_clock clock{from_unix_ms(1'795'549'419'000)};
    login_limiter limiter{clock, login_limits{}};  // 5 per account, 100 per address, 15 min
};

TEST_F(LoginLimiterTest, FreshAccountMayTry)
{
    EXPECT_FALSE(limiter.retry_after("alice@example.com", "203.0.113.7").has_value());
}

TEST_F(LoginLimiterTest, FourFailuresStillAllowed)
{
    fail("alice@example.com", "203.0.113.7", 4);
    EXPECT_FALSE(limiter.retry_after("alice@example.com", "203.0.113.7").has_value());
}

TEST_F(LoginLimiterTest, FiveFailuresSetAPositiveRetryAfter)
{
    fail("alice@example.com", "203.0.113.7", 5);
    const auto wait = limiter.retry_after("alice@example.com", "203.0.113.7");
    ASSERT_TRUE(wait.has_value());
    EXPECT_GT(wait->count(), 0);
    EXPECT_LE(*wait, 15min);
    // The oldest failure was 5 s ago: it ages out 15 min after it happened.
    EXPECT_EQ(*wait, 15min - 5s);
}

TEST_F(LoginLimiterTest, LockedAccountIsLockedFromEveryAddress)
{
    fail("alice@example.com", "203.0.113.7", 5);
    EXPECT_TRUE(limiter.retry_after("alice@example.com", "198.51.100.1").has_value());
    EXPECT_FALSE(limiter.retry_after("bob@example.com", "203.0.113.7").has_value());
}

TEST_F(LoginLimiterTest, AllowedAgainAfterTheWindowPasses)
{
    fail("alice@example.com", "203.0.113.7", 5);
    const auto wait = limiter.retry_after("alice@example.com", "203.0.113.7");
    ASSERT_TRUE(wait.has_value());
    clock.advance(*wait - 1s);
    EXPECT_TRUE(limiter.retry_after("alice@example.com", "203.0.113.7").has_value());
    clock.advance(1s);
    EXPECT_FALSE(limiter.retry_after("alice@example.com", "203.0.113.7").has_value());
}

TEST_F(LoginLimiterTest, RetryAfterNeverUnderstatesTheWait)
{
    limiter.record_failure("alice@example.com", "ip");
    clock.advance(1500ms);
    fail("alice@example.com", "ip", 4);
    const auto wait = limiter.retry_after("alice@example.com", "ip");
    ASSERT_TRUE(wait.has_value());
    clock.advance(*wait);
    EXPECT_FALSE(limiter.retry_after("alice@example.com", "ip").has_value())
        << "a client that waits Retry-After seconds may try again";
}

TEST_F(LoginLimiterTest, SuccessClearsTheAccount)
{
    fail("alice@example.com", "203.0.113.7", 4);
    limiter.record_success("alice@example.com");
    fail("alice@example.com", "203.0.113.7", 4);
    EXPECT_FALSE(limiter.retry_after("alice@example.com", "203.0.113.7").has_value());
    fail("alice@example.com", "203.0.113.7");
    EXPECT_TRUE(limiter.retry_after("alice@example.com", "203.0.113.7").has_value());
}

TEST_F(LoginLimiterTest, SuccessUnlocksALockedAccount)
{
    fail("alice@example.com", "203.0.113.7", 5);
    limiter.record_success("alice@example.com");
    EXPECT_FALSE(limiter.retry_after("alice@example.com", "203.0.113.7").has_value());
}

TEST(LoginLimiter, PerAddressLimitIsIndependentOfTheAccount)
{
    manual_clock clock{from_unix_ms(0)};
    login_limiter limiter{clock, login_limits{.max_failures_per_account = 5,
                                              .max_failures_per_address = 3,
                                              .window = std::chrono::minutes{15}}};
    limiter.record_failure("a@example.com", "203.0.113.7");
    limiter.record_failure("b@example.com", "203.0.113.7");
    limiter.record_failure("c@example.com", "203.0.113.7");
    // A fourth account from the same address is refused; the same accounts elsewhere are not.
    EXPECT_TRUE(limiter.retry_after("d@example.com", "203.0.113.7").has_value());
    EXPECT_FALSE(limiter.retry_after("a@example.com", "198.51.100.1").has_value());
    // Success on an account does not clear the address.
    limiter.record_success("a@example.com");
    EXPECT_TRUE(limiter.retry_after("a@example.com", "203.0.113.7").has_value());
}

TEST(LoginLimiter, AccountLimitCountsFailuresFromManyAddresses)
{
    manual_clock clock{from_unix_ms(0)};
    login_limiter limiter{clock, login_limits{}};
    for (int i = 0; i < 5; ++i) {
        limiter.record_failure("alice@example.com", "198.51.100." + std::to_string(i));
    }
    EXPECT_TRUE(limiter.retry_after("alice@example.com", "192.0.2.1").has_value());
    EXPECT_FALSE(limiter.retry_after("bob@example.com", "198.51.100.0").has_value());
}

TEST(LoginLimiter, FailuresOlderThanTheWindowAreForgotten)
{
    manual_clock clock{from_unix_ms(0)};
    login_limiter limiter{clock, login_limits{}};
    for (int i = 0; i < 4; ++i) {
        limiter.record_failure("alice@example.com", "ip");
    }
    clock.advance(15min);
    limiter.record_failure("alice@example.com", "ip");
    EXPECT_FALSE(limiter.retry_after("alice@example.com", "ip").has_value());
}

}  // namespace
}  // namespace authd::auth
