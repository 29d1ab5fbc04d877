#include "session/run_directory.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace sysgate::session {

RunDirectory RunDirectory::create() {
  char name[] = "/tmp/sysgate-run-XXXXXX";
  if (mkdtemp(name) == nullptr)
    throw std::runtime_error(std::string("cannot make the run's directory in /tmp: ") + std::strerror(errno));
  RunDirectory d;
  d.path_ = name;
  return d;
}

RunDirectory::RunDirectory(RunDirectory&& o) noexcept { *this = std::move(o); }

RunDirectory& RunDirectory::operator=(RunDirectory&& o) noexcept {
  if (this != &o) {
    discard();
    path_ = std::move(o.path_);
    keep_ = o.keep_;
    o.path_.clear();
  }
  return *this;
}

RunDirectory::~RunDirectory() {
  if (!keep_) discard();
}

void RunDirectory::prepare_tmp(uid_t uid, gid_t gid) const {
  std::string tmp = path_ + "/tmp";
  if (mkdir(tmp.c_str(), 0700) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot make " + tmp + ": " + std::strerror(errno));
  if (geteuid() == 0 && (chown(path_.c_str(), uid, gid) != 0 || chown(tmp.c_str(), uid, gid) != 0))
    throw std::runtime_error("cannot give " + path_ + " to uid " + std::to_string(uid) + ": " + std::strerror(errno));
}

void RunDirectory::discard() {
  if (path_.empty()) return;
  // Nothing of the run is left running: remove_all does not follow the
  // symbolic links the program may have left there.
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  if (ec) std::fprintf(stderr, "sysgate: cannot remove %s: %s\n", path_.c_str(), ec.message().c_str());
  path_.clear();
}

}  // namespace sysgate::session
