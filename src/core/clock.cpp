#include "core/clock.hpp"

#include <cstdio>

namespace authd {

sys_ms system_clock::now() const
{
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::string format_iso8601(sys_ms t)
{
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
    return buf;
}

std::int64_t to_unix_ms(sys_ms t)
{
    return t.time_since_epoch().count();
}

sys_ms from_unix_ms(std::int64_t ms)
{
    return sys_ms{std::chrono::milliseconds{ms}};
}

}  // namespace authd
