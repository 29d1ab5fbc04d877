// Accounting without cgroups: CPU time and resident memory of the traced tree
// read from /proc, plus what the kernel already summed for reaped children.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace sysgate::limits {

struct TreeSample {
  std::uint64_t cpu_ns = 0;     // live processes, with their reaped children
  std::uint64_t rss_bytes = 0;  // live processes, summed
};

// `tgids`: the live thread groups of the tree.
TreeSample sample_tree(const std::vector<pid_t>& tgids);

// CPU time one process (all its threads) has used so far, in nanoseconds: its
// CPU-time clock (clock_getcpuclockid), else /proc/PID/stat in clock ticks.
// nullopt when the process is gone.
std::optional<std::uint64_t> process_cpu_ns(pid_t pid);

// CPU time and largest RSS of every child this supervisor has reaped (and of
// their reaped descendants): getrusage(RUSAGE_CHILDREN).
std::uint64_t reaped_cpu_ns();
std::uint64_t reaped_max_rss_bytes();

}  // namespace sysgate::limits
