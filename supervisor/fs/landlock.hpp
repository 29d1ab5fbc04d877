// The Landlock backstop: the filesystem section, widened to what Landlock can
// express, enforced by the kernel. It is a superset of everything the policy
// can allow (a glob widens to its longest literal directory), so it never
// refuses what the supervisor would allow; it makes a race against the
// supervisor's check (memory rewritten, a symlink swapped) unable to reach
// anything outside that superset. Deny entries cannot be expressed in
// Landlock (it cannot subtract): fs/masked_paths.hpp covers them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sysgate/policy.hpp"

namespace sysgate::fs {

struct LandlockRule {
  std::string path;     // an existing file or directory
  std::uint64_t access;
};

struct LandlockPlan {
  int abi = 0;  // 0: Landlock unavailable
  std::uint64_t handled = 0;
  std::uint64_t scoped = 0;  // LANDLOCK_SCOPE_SIGNAL: no signals to processes outside the sandbox
  std::vector<LandlockRule> rules;
  std::vector<std::string> notes;  // what Landlock does not cover (for explain)
};

int landlock_abi();
// PT_INTERP of an ELF file, or the interpreter of a #! script; empty if neither.
std::string interpreter_of(const std::string& path);
// Signals from the sandbox may only reach the sandbox (Landlock ABI 6+).
// False when the kernel cannot scope signals.
bool scope_signals(LandlockPlan& plan);
// `program`: the resolved path of PROGRAM (its ELF interpreter gets exec rights).
// Write rights never reach a procfs mount (see guard_proc_writes).
LandlockPlan plan_landlock(const FilesystemSection& fs, const std::string& program);

// No file under a procfs mount (/proc) may be opened for writing: a
// /proc/PID/mem opened for writing would let the program write the memory
// sysgate checked after the check, whatever thread or process holds the
// descriptor. Without a filesystem section the plan handles only
// WRITE_FILE and grants it everywhere else. False without Landlock.
bool guard_proc_writes(LandlockPlan& plan);

// The paths that together cover `dir` except the trees at `avoid` (directories
// and files, no symlinks, walked down only where an avoided tree lies).
std::vector<std::string> cover_except(const std::string& dir, const std::vector<std::string>& avoid);
// The mount points of procfs, from /proc/self/mountinfo.
std::vector<std::string> proc_mounts();

// In the child before exec: applies the plan. Returns 0 or an errno.
int apply_landlock(const LandlockPlan& plan);

}  // namespace sysgate::fs
