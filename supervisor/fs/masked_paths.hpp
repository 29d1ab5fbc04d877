// Deny entries made unreachable by the kernel: before exec, the program gets a
// private mount namespace in which every existing file or directory a `deny`
// entry names is covered by an empty, read-only, mode-000 tmpfs node. A path
// the supervisor allowed but that a racing rename or symlink swap turns into a
// denied one then reaches the mask, not the file. The supervisor's check stays
// the precise decision (its errno, its report); the mask is the backstop that
// Landlock cannot be, since Landlock only adds rights and cannot subtract.
#pragma once

#include <string>
#include <vector>

#include "sysgate/policy.hpp"

namespace sysgate::fs {

struct MaskedPath {
  std::string path;  // absolute, symlinks resolved, exists at planning time
  bool directory = false;
};

struct MaskPlan {
  std::vector<MaskedPath> masks;
  std::vector<std::string> notes;  // deny entries the masks cannot cover (for explain)
  bool in_user_namespace = false;  // made in a user namespace of the caller's own (no CAP_SYS_ADMIN)
  bool empty() const { return masks.empty(); }
};

// Entries `P` and `P/**` (P without wildcards) are masked when P exists;
// other globs, and paths that do not exist yet, are left to the supervisor.
MaskPlan plan_masks(const FilesystemSection& fs);

// Whether this process may create the mount namespace (CAP_SYS_ADMIN).
bool can_mask();

// In the child before exec, with CAP_SYS_ADMIN and before Landlock: applies
// the plan. Returns 0 or an errno. Only raw system calls (the caller is a
// forked child).
int apply_masks(const MaskPlan& plan);

}  // namespace sysgate::fs
