#include "trace/proc_stat.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace sysgate::trace {

std::optional<ProcStat> read_proc_stat(pid_t pid) {
  char path[64], buf[1024];
  std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return std::nullopt;
  buf[n] = '\0';
  // The command name may hold spaces and parentheses: parse after the last ')'.
  const char* paren = std::strrchr(buf, ')');
  if (paren == nullptr) return std::nullopt;
  // state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17) ... rss(24): f[k] is field k+4.
  unsigned long long f[21] = {};
  ProcStat st;
  int ppid = 0;
  int got = std::sscanf(paren + 2, "%c %d %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
                        &st.state, &ppid, &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9], &f[10],
                        &f[11], &f[12], &f[13], &f[14], &f[15], &f[16], &f[17], &f[18], &f[19], &f[20]);
  if (got < 2) return std::nullopt;
  st.ppid = ppid;
  if (got >= 22) {
    st.utime = f[10];
    st.stime = f[11];
    st.cutime = f[12];
    st.cstime = f[13];
    st.rss_pages = f[20];
  }
  return st;
}

}  // namespace sysgate::trace
