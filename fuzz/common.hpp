// Helpers shared by the fuzz targets: a failed invariant stops the run like a crash, so libFuzzer
// keeps the input that broke it.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace authd::fuzz {

[[noreturn]] inline void fail(const char* what, std::string_view detail = {})
{
    std::fprintf(stderr, "fuzz invariant failed: %s\n", what);
    if (!detail.empty()) {
        std::fprintf(stderr, "  detail: %.*s\n", static_cast<int>(std::min<std::size_t>(detail.size(), 2000)),
                     detail.data());
    }
    std::abort();
}

inline void check(bool ok, const char* what, std::string_view detail = {})
{
    if (!ok) {
        fail(what, detail);
    }
}

// The input split at the first byte `sep`: the part before it, and the rest is left in `input`.
// Without `sep`, the whole input.
inline std::string_view take_until(std::string_view& input, char sep)
{
    const auto at = input.find(sep);
    const std::string_view head = input.substr(0, at);
    input = at == std::string_view::npos ? std::string_view{} : input.substr(at + 1);
    return head;
}

}  // namespace authd::fuzz
