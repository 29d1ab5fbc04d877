// What a front end that serves many runs (sysgate batch) finds once instead
// of in every run: the policies' parsed YAML documents and where the runs'
// cgroups go. It is filled in the long-lived process before the runs start;
// each run's worker is forked from there and so inherits it, read-only in
// effect (a fork's own additions stay in the fork). A run still loads its
// policy (its own ${CWD} and ${RUNDIR}), compiles it and makes its own
// cgroups; what it skips is re-parsing the YAML and re-reading
// /proc/self/mountinfo and /proc/self/cgroup.
#pragma once

#include <optional>
#include <string>

#include "limits/cgroups.hpp"
#include "policy/documents.hpp"

namespace sysgate::session {

struct Resident {
  policy::DocumentCache documents;
  std::optional<limits::CgroupHome> cgroups;  // found by prime() when a run uses cgroups

  // Parses `policy` (a file or a shipped policy's name; none: the default) and
  // what it includes into `documents`, looking the files up from `cwd` as a run
  // does. A policy that cannot be read or is invalid is left out: each run
  // then reports it as `sysgate run` would.
  void prime_policy(const std::optional<std::string>& policy, const std::string& cwd);
  // Finds the cgroup home (and sweeps stale run cgroups there) once.
  void prime_cgroups();
};

}  // namespace sysgate::session
