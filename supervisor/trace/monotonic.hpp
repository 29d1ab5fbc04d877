// CLOCK_MONOTONIC in nanoseconds, for the short polls before a sleep (the stop
// waiter's, the launcher's hand-overs). Async-signal-safe: the launcher's
// forked child uses it before exec.
#pragma once

#include <time.h>

#include <cstdint>

namespace sysgate::trace {

inline std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace sysgate::trace
