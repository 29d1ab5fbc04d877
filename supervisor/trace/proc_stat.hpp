// /proc/PID/stat of one process or thread: the few fields the supervisor uses.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace sysgate::trace {

struct ProcStat {
  char state = '?';  // R S D T t Z ...
  pid_t ppid = 0;
  std::uint64_t utime = 0, stime = 0, cutime = 0, cstime = 0;  // clock ticks
  std::uint64_t rss_pages = 0;
};

// nullopt when the task is gone.
std::optional<ProcStat> read_proc_stat(pid_t pid);

}  // namespace sysgate::trace
