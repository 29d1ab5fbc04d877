#include "trace/stop_waiter.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <cerrno>
#include <initializer_list>

#include "trace/monotonic.hpp"
#include "trace/supervisor_process.hpp"

namespace sysgate::trace {
namespace {

// A stop at a system call: seccomp's (SECCOMP_RET_TRACE) or, for the ptrace
// engine, PTRACE_SYSCALL's. Only these come in quick runs; after a fork, exec
// or exit event the next stop is a new task's start or a whole program away,
// and a poll then only takes a CPU from the tasks that are starting.
bool is_call_stop(int status) {
  if (!WIFSTOPPED(status)) return false;
  const int stop = status >> 8;
  return stop == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)) || stop == (SIGTRAP | 0x80);
}

}  // namespace

StopWaiter::StopWaiter() {
  sigemptyset(&signals_);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGALRM}) sigaddset(&signals_, s);
  with_chld_ = signals_;
  sigaddset(&with_chld_, SIGCHLD);
  pthread_sigmask(SIG_BLOCK, &with_chld_, &old_mask_);
  // One that came while the run was prepared is pending again, for next().
  const unsigned early = take_early_signals();
  for (int s : {SIGINT, SIGTERM, SIGHUP})
    if ((early & (1u << s)) != 0) raise(s);
  last_signal_check_ = monotonic_ns();
}

StopWaiter::~StopWaiter() { pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr); }

// A pending signal of ours (0: none). `block`: sleep until one, SIGCHLD included.
int StopWaiter::take_signal(bool block) {
  siginfo_t info;
  for (;;) {
    int s;
    if (block) {
      s = sigwaitinfo(&with_chld_, &info);
    } else {
      const timespec zero{0, 0};
      s = sigtimedwait(&signals_, &info, &zero);
    }
    if (s > 0) return s;
    if (errno == EAGAIN) return 0;
    if (errno != EINTR) return 0;
  }
}

StopWaiter::Event StopWaiter::next() {
  Event e;
  std::int64_t start = monotonic_ns();
  if (start - last_signal_check_ > kSignalCheckNs) {
    last_signal_check_ = start;
    if ((e.signal = take_signal(false)) != 0) return e;
  }
  for (;;) {
    // Poll while armed, then sleep until SIGCHLD (or a signal of ours).
    for (;;) {
      e.tid = waitpid(-1, &e.status, __WALL | WNOHANG);
      if (e.tid > 0) {
        armed_ = is_call_stop(e.status);
        return e;
      }
      if (e.tid < 0 && errno == EINTR) continue;
      if (e.tid < 0) return e;  // ECHILD: nothing left
      if (!armed_ || monotonic_ns() - start > kSpinNs) break;
      // The tracee we just resumed is often woken onto this CPU: a bare poll
      // would keep it off the CPU until the spin ran out (a stop then took
      // 57 µs instead of 7). Yielding lets it run to its next stop at once; with
      // the tracee on another CPU, nothing else is runnable here and the yield
      // returns at once.
      sched_yield();
    }
    armed_ = false;
    int s = take_signal(true);
    if (s != SIGCHLD && s != 0) {
      last_signal_check_ = monotonic_ns();
      e.tid = 0;
      e.signal = s;
      return e;
    }
  }
}

}  // namespace sysgate::trace
