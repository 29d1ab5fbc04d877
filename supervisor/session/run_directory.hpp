// The run's own directory (${RUNDIR}): named for each run, made (mode 0700,
// owned by the run's user) only when the policy uses it or its private /tmp
// (a run that needs neither touches nothing in /tmp), and removed with
// everything in it when the run is over unless the user keeps it. The run
// holds an flock(2) on it while it lives, so that one killed before it could
// remove it is known to be dead: the next run removes such a directory once it
// is older than kStaleAfterSeconds (a kept one, marked .kept, stays).
#pragma once

#include <sys/types.h>

#include <string>

namespace sysgate::session {

class RunDirectory {
 public:
  RunDirectory() = default;
  // A fresh name, /tmp/sysgate-run- and ten random letters or digits from
  // getrandom(2), not made yet: what ${RUNDIR} expands to.
  static RunDirectory reserve();
  // Makes it (after removing the stale ones); throws std::runtime_error when
  // it cannot, also when something is already there by that name.
  void make();
  static constexpr long kStaleAfterSeconds = 5;
  RunDirectory(RunDirectory&&) noexcept;
  RunDirectory& operator=(RunDirectory&&) noexcept;
  RunDirectory(const RunDirectory&) = delete;
  ~RunDirectory();

  const std::string& path() const { return path_; }
  bool empty() const { return path_.empty(); }
  // Gives it (and `tmp` inside, made here) to the run's user.
  void prepare_tmp(uid_t uid, gid_t gid) const;
  // Not removed at the end (--keep-rundir), nor by another run's sweep.
  void keep();
  // Removed now (no part of the run uses it).
  void discard();

 private:
  std::string path_;
  bool made_ = false;
  int lock_fd_ = -1;  // the directory, flock'ed while the run lives
  bool keep_ = false;
};

}  // namespace sysgate::session
