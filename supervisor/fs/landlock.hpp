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
// Signals from the sandbox may only reach the sandbox (Landlock ABI 6+).
// False when the kernel cannot scope signals.
bool scope_signals(LandlockPlan& plan);
// `program`: the resolved path of PROGRAM (its ELF interpreter gets exec rights).
LandlockPlan plan_landlock(const FilesystemSection& fs, const std::string& program);

// In the child before exec: applies the plan. Returns 0 or an errno.
int apply_landlock(const LandlockPlan& plan);

}  // namespace sysgate::fs
