// Starts the program: fork, seize with ptrace, prepare the child (descriptors,
// capabilities, no_new_privs, seccomp filter) and execve.
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <vector>

#include "fs/landlock.hpp"
#include "fs/masked_paths.hpp"
#include "fs/view.hpp"

namespace sysgate::trace {

struct LaunchSpec {
  std::string path;               // resolved program path
  std::vector<std::string> argv;  // argv[0] included
  std::vector<std::string> env;   // the program's whole environment
  std::string cwd;                // empty: the caller's
  int stdio[3] = {-1, -1, -1};    // descriptors to become 0, 1, 2 (-1: inherit)
  std::optional<uid_t> uid;       // drop to these before exec (root only)
  std::optional<gid_t> gid;
  std::vector<gid_t> groups;      // supplementary groups with uid/gid (empty: none)
  std::uint64_t keep_caps = 0;    // capabilities the program keeps (bit N: capability N)
  // Runs in the parent after the seize, while the child waits before exec
  // (cgroups, rlimits). May throw: the child is then killed.
  // Called with the child's pid once it is seized and before it starts;
  // `in_cgroup`: it was born in `cgroup_fd`'s cgroup.
  std::function<void(pid_t, bool in_cgroup)> before_start;
  // A cgroup v2 directory (O_DIRECTORY) the child is born in (clone3's
  // CLONE_INTO_CGROUP: no migration, which costs an RCU grace period per run);
  // -1, or a kernel that refuses it: the child is forked where sysgate is.
  int cgroup_fd = -1;
  // cgroup v1 `tasks` files, open for writing: the child writes "0" to each,
  // moving itself (see RunCgroups::self_join_fds).
  std::vector<int> join_fds;
  fs::LandlockPlan landlock;  // abi 0: none
  fs::ViewPlan view;          // `view: true`: the program's root shows only the entries
  fs::MaskPlan masks;         // deny entries hidden in a private mount namespace
  std::vector<sock_filter> filter;  // empty: no filter (ptrace engine)
  bool stop_before_exec = false;    // raise SIGSTOP right before execve (ptrace engine)
  unsigned long ptrace_options = 0;
};

// What the child was doing when it failed before running the program.
enum class ChildStep : int { Exec, Stdio, Masks, Cwd, Credentials, NoNewPrivs, Landlock, Seccomp, View, Cgroups };
const char* describe(ChildStep step);

struct Launched {
  pid_t pid = -1;
  int exec_error_fd = -1;  // yields {ChildStep, errno} (2 ints) if the child failed, else EOF
};

// Throws std::system_error when the child cannot be set up.
Launched launch(const LaunchSpec& spec);

}  // namespace sysgate::trace
