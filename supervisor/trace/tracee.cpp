#include "trace/tracee.hpp"

#include <sys/ptrace.h>
#include <sys/user.h>

#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>

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

std::optional<long> get_return(pid_t tid) {
  errno = 0;
  long v = ptrace(PTRACE_PEEKUSER, tid, kRax, nullptr);
  if (errno != 0) return std::nullopt;
  return v;
}

namespace {
// The syscall ABIs' argument registers, as offsets into user_regs_struct
// (a 64-bit tracer sees an i386 call's ebx ... ebp in rbx ... rbp).
long arg_offset(Abi abi, int index) {
  static constexpr long x86_64[6] = {offsetof(user_regs_struct, rdi), offsetof(user_regs_struct, rsi),
                                     offsetof(user_regs_struct, rdx), offsetof(user_regs_struct, r10),
                                     offsetof(user_regs_struct, r8),  offsetof(user_regs_struct, r9)};
  static constexpr long i386[6] = {offsetof(user_regs_struct, rbx), offsetof(user_regs_struct, rcx),
                                   offsetof(user_regs_struct, rdx), offsetof(user_regs_struct, rsi),
                                   offsetof(user_regs_struct, rdi), offsetof(user_regs_struct, rbp)};
  return abi == Abi::I386 ? i386[index] : x86_64[index];
}
}  // namespace

bool is_proc_mem(pid_t tid, long fd) {
  char link[64];
  std::snprintf(link, sizeof link, "/proc/%d/fd/%ld", tid, fd);
  struct statfs fs{};
  if (statfs(link, &fs) != 0 || fs.f_type != PROC_SUPER_MAGIC) return false;
  char target[256];
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (n < 4) return false;
  target[n] = '\0';
  return std::strcmp(target + n - 4, "/mem") == 0;
}

std::optional<std::uint64_t> get_arg(pid_t tid, Abi abi, int index) {
  errno = 0;
  long v = ptrace(PTRACE_PEEKUSER, tid, arg_offset(abi, index), nullptr);
  if (errno != 0) return std::nullopt;
  return static_cast<std::uint64_t>(v);
}

bool set_arg(pid_t tid, Abi abi, int index, std::uint64_t value) {
  return ptrace(PTRACE_POKEUSER, tid, arg_offset(abi, index), static_cast<long>(value)) == 0;
}

}  // namespace sysgate::trace
