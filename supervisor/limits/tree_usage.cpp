#include "limits/tree_usage.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

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
    char path[64], buf[1024];
    std::snprintf(path, sizeof path, "/proc/%d/stat", p);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) continue;
    buf[n] = '\0';
    char* paren = std::strrchr(buf, ')');
    if (paren == nullptr) continue;
    // Fields after the command: state(3) ... utime(14) stime(15) cutime(16) cstime(17) ... rss(24).
    unsigned long long f[22] = {};
    char state;
    int got = std::sscanf(paren + 2,
                          "%c %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu "
                          "%llu %llu %llu %llu",
                          &state, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9], &f[10], &f[11],
                          &f[12], &f[13], &f[14], &f[15], &f[16], &f[17], &f[18], &f[19], &f[20]);
    if (got < 22) continue;
    // f[k] is field k+4: utime f[10], stime f[11], cutime f[12], cstime f[13], rss f[20].
    std::uint64_t t = f[10] + f[11] + f[12] + f[13];
    s.cpu_ns += t * (1000000000ull / static_cast<std::uint64_t>(ticks));
    s.rss_bytes += f[20] * static_cast<std::uint64_t>(page);
  }
  return s;
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
