// A system call the supervisor makes a stopped tracee run: the mmap of its
// scratch region, or the close of a descriptor it must not keep. The tracee is
// at a syscall stop; its registers are saved, replaced by the injected call,
// and put back at that call's exit stop. A call injected at an entry (or
// seccomp) stop takes the place of the one the program made, which is made
// again from its syscall instruction afterwards (as the kernel restarts a call
// after a signal); one injected at an exit stop runs before the program's call
// returns, whose result is then set.
#pragma once

#include <sys/types.h>
#include <sys/user.h>

#include <array>
#include <cstdint>
#include <optional>

#include "sysgate/policy.hpp"

namespace sysgate::trace {

struct InjectedCall {
  enum class Purpose : std::uint8_t { MapScratch, CloseRefused };
  Purpose purpose = Purpose::MapScratch;
  bool at_exit = false;
  user_regs_struct saved{};
  int held_signal = 0;  // a signal due while the call was set up: sent again after it
};

// Starts `nr(args)` in the stopped tracee and resumes it to that call's exit stop.
bool start_injection(pid_t tid, Abi abi, long nr, const std::array<std::uint64_t, 6>& args, InjectedCall& call);

// At the injected call's exit stop: puts the registers back. For a call
// injected at an entry stop the program's call is made again; at an exit stop
// the program's call returns `return_value`. Does not resume the tracee.
bool end_injection(pid_t tid, const InjectedCall& call, long return_value = 0);

}  // namespace sysgate::trace
