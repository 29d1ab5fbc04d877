// Waits for the next ptrace stop, spinning briefly before sleeping.
//
// On a virtual machine an idle vCPU halts, and waking it goes through the
// hypervisor: a tracer that sleeps in waitpid pays that on every stop (about
// 50 µs a round trip here, against 7 µs when tracer and tracee share a CPU,
// see bench/README.md). A program that stops often is served faster by a
// tracer that polls for a short while after resuming it, so its own CPU never
// halts between stops. The poll is adaptive: it is only armed while stops
// come within kRearmGap of each other, so a program that rarely stops (a long
// computation) costs one short spin, then none.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>

namespace sysgate::trace {

class StopWaiter {
 public:
  static constexpr std::int64_t kSpinNs = 50'000;
  static constexpr std::int64_t kRearmGapNs = 100'000;

  // `interrupted`: true when the caller has work of its own (a signal to
  // forward, a limit tick); the spin then ends as a blocking waitpid would,
  // with -1 and errno EINTR.
  explicit StopWaiter(std::function<bool()> interrupted) : interrupted_(std::move(interrupted)) {}

  // Like waitpid(-1, &status, __WALL).
  pid_t next(int& status);

 private:
  std::function<bool()> interrupted_;
  bool armed_ = true;
};

}  // namespace sysgate::trace
