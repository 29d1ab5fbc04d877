// What the supervisor reads from and writes to a stopped tracee: the call it is
// making (PTRACE_GET_SYSCALL_INFO) and the registers that skip it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "sysgate/policy.hpp"

namespace sysgate::trace {

struct SyscallView {
  enum class Stop : std::uint8_t { Seccomp, Entry, Exit, Other };
  Stop stop = Stop::Other;
  pid_t tid = 0;
  std::optional<Abi> abi;  // empty: an architecture sysgate does not know
  std::uint32_t audit_arch = 0;
  long nr = -1;  // as the kernel dispatches it (a 32-bit int)
  std::uint64_t args[6] = {};
  std::uint32_t ret_data = 0;  // SECCOMP_RET_DATA of a seccomp stop
};

// False when the tracee vanished (killed while stopped).
bool read_syscall(pid_t tid, SyscallView& out);

// At a seccomp stop or a syscall-entry stop: the call does not run and, at a
// seccomp stop, returns -error. At an entry stop the return value must be set
// at the exit stop with set_return.
bool skip_syscall(pid_t tid, int error);
bool set_return(pid_t tid, long value);
// The return value at an exit stop.
std::optional<long> get_return(pid_t tid);

// Whether descriptor `fd` of the task is a /proc/PID/mem (or task/TID/mem) file.
bool is_proc_mem(pid_t tid, long fd);

// Argument `index` (0-5) of a call of `abi`, in its register.
std::optional<std::uint64_t> get_arg(pid_t tid, Abi abi, int index);
bool set_arg(pid_t tid, Abi abi, int index, std::uint64_t value);

}  // namespace sysgate::trace
