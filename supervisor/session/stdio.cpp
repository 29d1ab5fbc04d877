#include "session/stdio.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sysgate::session {
namespace {

bool names_file(const std::optional<std::string>& p) { return p && *p != "-"; }

int open_or_throw(const std::string& path, bool input, const char* option) {
  int fd = input ? open(path.c_str(), O_RDONLY | O_CLOEXEC)
                 : open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw StdioError(std::string(option) + " " + path + ": " + std::strerror(errno));
  return fd;
}

bool same_file(int fd, const std::string& path) {
  struct stat a{}, b{};
  return fstat(fd, &a) == 0 && stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

ProgramStdio::ProgramStdio(const StdioConfig& c) {
  try {
    if (names_file(c.in)) fd_[0] = open_or_throw(*c.in, true, "--stdin");
    if (names_file(c.out)) fd_[1] = open_or_throw(*c.out, false, "--stdout");
    if (c.err_to_out) {
      if (c.err) throw StdioError("--stderr-to-stdout: --stderr names stderr's target already");
      err_shares_out_ = true;
    } else if (names_file(c.err)) {
      if (fd_[1] >= 0 && same_file(fd_[1], *c.err))
        err_shares_out_ = true;  // one open file: both append where the other left off
      else
        fd_[2] = open_or_throw(*c.err, false, "--stderr");
    }
    if (err_shares_out_) fd_[2] = fd_[1] >= 0 ? fcntl(fd_[1], F_DUPFD_CLOEXEC, 3) : fcntl(1, F_DUPFD_CLOEXEC, 3);
  } catch (...) {
    for (int fd : fd_)
      if (fd >= 0) close(fd);
    throw;
  }
}

ProgramStdio::~ProgramStdio() {
  for (int fd : fd_)
    if (fd >= 0) close(fd);
}

bool ProgramStdio::writes_to(const std::string& path) const {
  for (int i : {1, 2})
    if (fd_[i] >= 0 && same_file(fd_[i], path)) return true;
  return false;
}

}  // namespace sysgate::session
