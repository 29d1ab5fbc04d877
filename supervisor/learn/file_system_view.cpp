#include "learn/file_system_view.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sysgate::learn {
namespace {

std::optional<std::size_t> host_entries(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return std::nullopt;
  std::size_t n = 0;
  while (dirent* e = readdir(d)) {
    std::string_view name = e->d_name;
    if (name != "." && name != "..") ++n;
  }
  closedir(d);
  return n;
}

bool host_exists(const std::string& path) {
  struct stat st{};
  return lstat(path.c_str(), &st) == 0;
}

bool host_is_symlink(const std::string& path) {
  struct stat st{};
  return lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

// The first word after "#!" of a regular file (never a FIFO's open, which would wait).
std::string host_interpreter(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return {};
  struct stat st{};
  char head[256];
  ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, head, sizeof head) : -1;
  close(fd);
  if (n < 2 || head[0] != '#' || head[1] != '!') return {};
  std::string line(head + 2, static_cast<std::size_t>(n - 2));
  line = line.substr(0, line.find('\n'));
  auto start = line.find_first_not_of(" \t");
  if (start == std::string::npos || line[start] != '/') return {};
  return line.substr(start, line.find_first_of(" \t\r", start) - start);
}

std::string host_resolve_parent(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return path;
  std::string dir = slash == 0 ? "/" : path.substr(0, slash);
  char real[PATH_MAX];
  if (realpath(dir.c_str(), real) == nullptr) return path;
  std::string r = real;
  return (r == "/" ? "" : r) + path.substr(slash);
}

}  // namespace

FileSystemView FileSystemView::host() {
  FileSystemView v;
  v.entries = host_entries;
  v.exists = host_exists;
  v.is_symlink = host_is_symlink;
  v.interpreter = host_interpreter;
  v.resolve_parent = host_resolve_parent;
  return v;
}

}  // namespace sysgate::learn
