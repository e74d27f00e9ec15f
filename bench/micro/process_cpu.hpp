// The CPU time this process has used so far (every thread, user and system), in seconds: what the
// bench/micro programs report per logout or per purged row.
#pragma once

#include <sys/resource.h>

inline double process_cpu_seconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}
