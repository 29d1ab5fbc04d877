// Yama's ptrace_scope decides whether sysgate may trace its own child: scopes
// 0 and 1 allow it (the child is a descendant), 2 only with CAP_SYS_PTRACE,
// 3 never (until reboot). Found out before the run, so that the user reads the
// cause and its fix instead of "ptrace(PTRACE_SEIZE): Operation not permitted".
#pragma once

#include <optional>
#include <string>

namespace sysgate::trace {

// Empty when `scope` (absent: no Yama) lets a process with or without
// CAP_SYS_PTRACE trace its child; else one sentence naming the cause and fix.
std::string yama_obstacle(std::optional<int> scope, bool has_cap_sys_ptrace);

// The same for this process on this machine.
std::string ptrace_obstacle();

}  // namespace sysgate::trace
