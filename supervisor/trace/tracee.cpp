#include "trace/tracee.hpp"

#include <sys/ptrace.h>
#include <sys/user.h>

#include <cstddef>

#include "arch/abi.hpp"

namespace sysgate::trace {

bool read_syscall(pid_t tid, SyscallView& out) {
  __ptrace_syscall_info info{};
  long n = ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info);
  if (n <= 0) return false;
  out.tid = tid;
  out.audit_arch = info.arch;
  const std::uint64_t* args = nullptr;
  std::uint64_t nr = 0;
  switch (info.op) {
    case PTRACE_SYSCALL_INFO_SECCOMP:
      out.stop = SyscallView::Stop::Seccomp;
      nr = info.seccomp.nr;
      args = info.seccomp.args;
      out.ret_data = info.seccomp.ret_data;
      break;
    case PTRACE_SYSCALL_INFO_ENTRY:
      out.stop = SyscallView::Stop::Entry;
      nr = info.entry.nr;
      args = info.entry.args;
      break;
    case PTRACE_SYSCALL_INFO_EXIT: out.stop = SyscallView::Stop::Exit; return true;
    default: out.stop = SyscallView::Stop::Other; return true;
  }
  // The kernel dispatches on the low 32 bits of orig_rax as a signed int.
  out.nr = static_cast<std::int32_t>(static_cast<std::uint32_t>(nr));
  out.abi = arch::abi_of_call(info.arch, static_cast<std::uint32_t>(out.nr));
  for (int i = 0; i < 6; ++i) out.args[i] = args[i];
  return true;
}

namespace {
constexpr long kOrigRax = offsetof(user_regs_struct, orig_rax);
constexpr long kRax = offsetof(user_regs_struct, rax);
}  // namespace

bool skip_syscall(pid_t tid, int error) {
  // orig_rax = -1 makes the kernel skip the call; at a seccomp stop the call
  // then returns what rax holds.
  if (ptrace(PTRACE_POKEUSER, tid, kOrigRax, -1L) != 0) return false;
  return ptrace(PTRACE_POKEUSER, tid, kRax, static_cast<long>(-error)) == 0;
}

bool set_return(pid_t tid, long value) { return ptrace(PTRACE_POKEUSER, tid, kRax, value) == 0; }

}  // namespace sysgate::trace
