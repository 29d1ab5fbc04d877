// Whether a range of a tracee's memory lies in a MAP_SHARED mapping, which
// another process could rewrite between the supervisor's read and the
// kernel's (docs/race-safety.md section 1).
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace sysgate::trace {

// True when [address, address + size) touches a shared mapping of `tid`, or
// when that cannot be told (the process is gone): callers refuse the argument.
// One PROCMAP_QUERY ioctl per mapping the range touches (Linux 6.11+); on
// older kernels, a scan of /proc/TID/maps.
bool touches_shared_mapping(pid_t tid, std::uint64_t address, std::uint64_t size);

}  // namespace sysgate::trace
