// Masks without root: the program's private mount namespace is made inside a
// new user namespace that maps the caller's uid and gid to themselves, so the
// program sees the same ids and files (see docs/race-safety.md section 2).
#pragma once

#include <string>

namespace sysgate::fs {

// Empty when this process can make such a namespace and mount a tmpfs in it;
// else what stops it and how to fix it (one sentence).
std::string user_namespace_obstacle();

// In the forked child before apply_masks: enters a new user namespace with
// the caller's ids mapped to themselves. 0 or an errno. Async-signal-safe.
// The process must be dumpable (else /proc/self/uid_map is root's).
int enter_user_namespace(unsigned uid, unsigned gid);

}  // namespace sysgate::fs
