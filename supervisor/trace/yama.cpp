#include "trace/yama.hpp"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>

#include "policy/capabilities.hpp"

namespace sysgate::trace {

std::string yama_obstacle(std::optional<int> scope, bool has_cap_sys_ptrace) {
  if (!scope || *scope <= 1) return {};
  if (*scope == 2) {
    if (has_cap_sys_ptrace) return {};
    return "Yama lets only processes with CAP_SYS_PTRACE trace others (kernel.yama.ptrace_scope=2); run sysgate as "
           "root, or allow tracing of one's own children with sysctl -w kernel.yama.ptrace_scope=1";
  }
  return "Yama forbids ptrace on this machine (kernel.yama.ptrace_scope=" + std::to_string(*scope) +
         "), for root too, and the setting cannot be lowered until the next boot";
}

std::string ptrace_obstacle() {
  std::optional<int> scope;
  std::ifstream in("/proc/sys/kernel/yama/ptrace_scope");
  if (int v = 0; in >> v) scope = v;
  return yama_obstacle(scope, policy::has_effective_capability(CAP_SYS_PTRACE));
}

}  // namespace sysgate::trace
