#include "session/run_directory.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace sysgate::session {

namespace {

// The run directories whose run is gone: no lock on them (a lock dies with its
// holder, in whatever pid namespace), older than a run takes to lock its own,
// not kept. One this user cannot open is someone else's to sweep.
void sweep_stale() {
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir("/tmp"), closedir);
  if (!d) return;
  const auto now = std::time(nullptr);
  while (const dirent* e = readdir(d.get())) {
    if (std::strncmp(e->d_name, "sysgate-run-", 12) != 0) continue;
    const std::string path = std::string("/tmp/") + e->d_name;
    int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat st{};
    bool stale = fstat(fd, &st) == 0 && now - st.st_mtime >= RunDirectory::kStaleAfterSeconds &&
                 faccessat(fd, ".kept", F_OK, AT_SYMLINK_NOFOLLOW) != 0 && flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (stale) {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);  // does not follow the links left inside
    }
    close(fd);
  }
}

}  // namespace

RunDirectory RunDirectory::reserve() {
  static constexpr char kLetters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char random[10];
  if (getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random))
    throw std::runtime_error(std::string("cannot name the run's directory: getrandom: ") + std::strerror(errno));
  RunDirectory d;
  d.path_ = "/tmp/sysgate-run-";
  for (unsigned char r : random) d.path_ += kLetters[r % (sizeof kLetters - 1)];
  return d;
}

void RunDirectory::make() {
  if (made_ || path_.empty()) return;
  sweep_stale();
  // mkdir does not follow a link: whatever is already there is refused.
  if (mkdir(path_.c_str(), 0700) != 0)
    throw std::runtime_error("cannot make the run's directory " + path_ + ": " + std::strerror(errno));
  made_ = true;
  lock_fd_ = open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (lock_fd_ >= 0) flock(lock_fd_, LOCK_EX);
}

RunDirectory::RunDirectory(RunDirectory&& o) noexcept { *this = std::move(o); }

RunDirectory& RunDirectory::operator=(RunDirectory&& o) noexcept {
  if (this != &o) {
    discard();
    path_ = std::move(o.path_);
    made_ = o.made_;
    keep_ = o.keep_;
    lock_fd_ = o.lock_fd_;
    o.path_.clear();
    o.made_ = false;
    o.lock_fd_ = -1;
  }
  return *this;
}

RunDirectory::~RunDirectory() {
  if (!keep_) discard();
  if (lock_fd_ >= 0) close(lock_fd_);
}

void RunDirectory::keep() {
  keep_ = true;
  // A kept directory is never stale.
  int fd = open((path_ + "/.kept").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0) close(fd);
}

void RunDirectory::prepare_tmp(uid_t uid, gid_t gid) const {
  std::string tmp = path_ + "/tmp";
  if (mkdir(tmp.c_str(), 0700) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot make " + tmp + ": " + std::strerror(errno));
  if (geteuid() == 0 && (chown(path_.c_str(), uid, gid) != 0 || chown(tmp.c_str(), uid, gid) != 0))
    throw std::runtime_error("cannot give " + path_ + " to uid " + std::to_string(uid) + ": " + std::strerror(errno));
}

void RunDirectory::discard() {
  if (!made_) {
    path_.clear();
    return;
  }
  // Nothing of the run is left running: remove_all does not follow the
  // symbolic links the program may have left there.
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  if (ec) std::fprintf(stderr, "sysgate: cannot remove %s: %s\n", path_.c_str(), ec.message().c_str());
  path_.clear();
  made_ = false;
  if (lock_fd_ >= 0) close(lock_fd_);
  lock_fd_ = -1;
}

}  // namespace sysgate::session
