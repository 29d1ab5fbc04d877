#include "limits/tree_usage.hpp"

#include "trace/proc_stat.hpp"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

namespace sysgate::limits {
namespace {

std::uint64_t ns(const timeval& tv) {
  return static_cast<std::uint64_t>(tv.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(tv.tv_usec) * 1000ull;
}

}  // namespace

TreeSample sample_tree(const std::vector<pid_t>& tgids) {
  static const long ticks = sysconf(_SC_CLK_TCK);
  static const long page = sysconf(_SC_PAGESIZE);
  TreeSample s;
  for (pid_t p : tgids) {
    auto st = trace::read_proc_stat(p);
    if (!st) continue;
    s.cpu_ns += (st->utime + st->stime + st->cutime + st->cstime) * (1000000000ull / static_cast<std::uint64_t>(ticks));
    s.rss_bytes += st->rss_pages * static_cast<std::uint64_t>(page);
  }
  return s;
}

std::optional<std::uint64_t> process_cpu_ns(pid_t pid) {
  clockid_t clock;
  timespec ts{};
  if (clock_getcpuclockid(pid, &clock) == 0 && clock_gettime(clock, &ts) == 0)
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(ts.tv_nsec);
  static const long ticks = sysconf(_SC_CLK_TCK);
  auto st = trace::read_proc_stat(pid);
  if (!st) return std::nullopt;
  return (st->utime + st->stime) * (1000000000ull / static_cast<std::uint64_t>(ticks));
}

std::uint64_t reaped_cpu_ns() {
  rusage ru{};
  getrusage(RUSAGE_CHILDREN, &ru);
  return ns(ru.ru_utime) + ns(ru.ru_stime);
}

std::uint64_t reaped_max_rss_bytes() {
  rusage ru{};
  getrusage(RUSAGE_CHILDREN, &ru);
  return static_cast<std::uint64_t>(ru.ru_maxrss) * 1024;
}

}  // namespace sysgate::limits
