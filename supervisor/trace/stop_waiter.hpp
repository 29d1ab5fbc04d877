// The tracer's one place of waiting: the next stop or exit of a tracee, or a
// signal for the supervisor itself (SIGINT, SIGTERM, SIGHUP to forward,
// SIGALRM from the limit ticker or the output relay).
//
// Those signals and SIGCHLD are blocked in every thread of the supervisor
// while it runs (threads started later inherit the mask) and taken with
// sigtimedwait, so none can arrive between a check and the wait and be seen
// late: a signal that comes while the tracer is busy stays pending and ends
// the next wait at once.
//
// On a virtual machine an idle vCPU halts, and waking it goes through the
// hypervisor: a tracer that sleeps between stops pays that on every stop
// (about 50 µs a round trip here, against 7 µs when tracer and tracee share a
// CPU, see bench/README.md). So after a system-call stop the waiter polls for
// up to kSpin before it sleeps, yielding its CPU between polls: the resumed
// tracee is often placed on the tracer's own CPU, where a poll that does not
// yield keeps it from running, and with the tracee elsewhere the yield returns
// at once. A program that rarely stops so costs at most kSpin of the tracer's
// otherwise idle CPU per stop. A fork, exec or exit event does not arm the
// poll: what follows one is a task starting or a whole program (fork+exec:
// bench/README.md, fourth session). Signals
// are looked at at least every kSignalCheck of polling, so a program that
// stops without pause cannot starve them.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cstdint>

namespace sysgate::trace {

class StopWaiter {
 public:
  static constexpr std::int64_t kSpinNs = 50'000;
  static constexpr std::int64_t kSignalCheckNs = 1'000'000;

  // Blocks the signals in the calling thread until destroyed.
  StopWaiter();
  ~StopWaiter();
  StopWaiter(const StopWaiter&) = delete;
  StopWaiter& operator=(const StopWaiter&) = delete;

  struct Event {
    pid_t tid = 0;    // > 0: waitpid's answer for this task, in `status`
    int status = 0;
    int signal = 0;   // > 0: a signal for the supervisor
    bool no_children() const { return tid < 0; }  // nothing is left to wait for
  };
  Event next();

 private:
  int take_signal(bool block);
  sigset_t signals_{}, with_chld_{}, old_mask_{};
  bool armed_ = true;
  std::int64_t last_signal_check_ = 0;
};

}  // namespace sysgate::trace
