#include "core/clock.hpp"

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
    // Written digit by digit: this runs for every timestamp in every answer (snprintf showed in profiles).
    std::string out = "0000-00-00T00:00:00.000Z";
    auto put = [&out](std::size_t at, unsigned value, std::size_t digits) {
        for (std::size_t i = digits; i-- > 0; value /= 10) {
            out[at + i] = static_cast<char>('0' + value % 10);
        }
    };
    put(0, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
    put(5, static_cast<unsigned>(ymd.month()), 2);
    put(8, static_cast<unsigned>(ymd.day()), 2);
    put(11, static_cast<unsigned>(hms.hours().count()), 2);
    put(14, static_cast<unsigned>(hms.minutes().count()), 2);
    put(17, static_cast<unsigned>(hms.seconds().count()), 2);
    put(20, static_cast<unsigned>(hms.subseconds().count()), 3);
    return out;
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
