#include "trace/injected_call.hpp"

#include <sys/ptrace.h>

namespace sysgate::trace {

bool start_injection(pid_t tid, Abi abi, long nr, const std::array<std::uint64_t, 6>& args, InjectedCall& call) {
  if (ptrace(PTRACE_GETREGS, tid, nullptr, &call.saved) != 0) return false;
  user_regs_struct r = call.saved;
  r.orig_rax = static_cast<unsigned long long>(nr);
  if (call.at_exit) {
    // Back to the syscall instruction (2 bytes: syscall, int 0x80, and the
    // vDSO's sysenter landing pad alike), with the new number in rax.
    r.rip -= 2;
    r.rax = static_cast<unsigned long long>(nr);
  }
  unsigned long long* regs[6] = {&r.rdi, &r.rsi, &r.rdx, &r.r10, &r.r8, &r.r9};
  if (abi == Abi::I386) {
    unsigned long long* compat[6] = {&r.rbx, &r.rcx, &r.rdx, &r.rsi, &r.rdi, &r.rbp};
    for (int i = 0; i < 6; ++i) regs[i] = compat[i];
  }
  for (int i = 0; i < 6; ++i) *regs[i] = args[static_cast<std::size_t>(i)];
  if (ptrace(PTRACE_SETREGS, tid, nullptr, &r) != 0) return false;
  return ptrace(PTRACE_SYSCALL, tid, nullptr, 0) == 0;
}

bool end_injection(pid_t tid, const InjectedCall& call, long return_value) {
  user_regs_struct r = call.saved;
  if (call.at_exit) {
    r.rax = static_cast<unsigned long long>(return_value);
  } else {
    r.rip -= 2;
    r.rax = r.orig_rax;  // the program's call, made again
  }
  return ptrace(PTRACE_SETREGS, tid, nullptr, &r) == 0;
}

}  // namespace sysgate::trace
