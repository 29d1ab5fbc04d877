// The run's own directory (${RUNDIR}): made fresh for each run (mode 0700,
// owned by the run's user), holding the private /tmp, and removed with
// everything in it when the run is over unless the user keeps it.
#pragma once

#include <sys/types.h>

#include <string>

namespace sysgate::session {

class RunDirectory {
 public:
  RunDirectory() = default;
  // Makes /tmp/sysgate-run-XXXXXX. Throws std::runtime_error when it cannot.
  static RunDirectory create();
  RunDirectory(RunDirectory&&) noexcept;
  RunDirectory& operator=(RunDirectory&&) noexcept;
  RunDirectory(const RunDirectory&) = delete;
  ~RunDirectory();

  const std::string& path() const { return path_; }
  bool empty() const { return path_.empty(); }
  // Gives it (and `tmp` inside, made here) to the run's user.
  void prepare_tmp(uid_t uid, gid_t gid) const;
  // Not removed at the end (--keep-rundir).
  void keep() { keep_ = true; }
  // Removed now (no part of the run uses it).
  void discard();

 private:
  std::string path_;
  bool keep_ = false;
};

}  // namespace sysgate::session
