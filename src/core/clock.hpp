// Time as the domain sees it: an injectable clock (tests use a fake one) and UTC formatting.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace authd {

using sys_ms = std::chrono::sys_time<std::chrono::milliseconds>;

class clock {
public:
    virtual ~clock() = default;
    virtual sys_ms now() const = 0;
};

class system_clock final : public clock {
public:
    sys_ms now() const override;
};

// A clock that only moves when told to (tests).
class manual_clock final : public clock {
public:
    explicit manual_clock(sys_ms start) : now_(start) {}
    sys_ms now() const override { return now_; }
    void advance(std::chrono::milliseconds by) { now_ += by; }

private:
    sys_ms now_;
};

// "2026-11-24T19:43:39.123Z": ISO 8601 / RFC 3339 in UTC, millisecond precision.
std::string format_iso8601(sys_ms t);

std::int64_t to_unix_ms(sys_ms t);
sys_ms from_unix_ms(std::int64_t ms);

}  // namespace authd
