#include "core/clock.hpp"

#include <gtest/gtest.h>

namespace authd {
namespace {

using namespace std::chrono_literals;

TEST(ManualClock, MovesOnlyWhenAdvanced)
{
    manual_clock clock{from_unix_ms(1'000)};
    EXPECT_EQ(to_unix_ms(clock.now()), 1'000);
    EXPECT_EQ(to_unix_ms(clock.now()), 1'000);
    clock.advance(1500ms);
    EXPECT_EQ(to_unix_ms(clock.now()), 2'500);
}

TEST(FormatIso8601, WritesUtcWithMilliseconds)
{
    EXPECT_EQ(format_iso8601(from_unix_ms(0)), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(format_iso8601(from_unix_ms(1'795'549'419'123)), "2026-11-24T19:43:39.123Z");
}

TEST(UnixMilliseconds, RoundTrip)
{
    EXPECT_EQ(to_unix_ms(from_unix_ms(1'795'549'419'123)), 1'795'549'419'123);
}

}  // namespace
}  // namespace authd
