#include "fs/kernel_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace sysgate::fs {

std::optional<std::string> read_kernel_file(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return out;
}

}  // namespace sysgate::fs
