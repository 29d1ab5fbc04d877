// Race safety for checks of the tracee's memory. A path or socket address is
// read by the supervisor and later copied in by the kernel; another thread of
// the same address space could rewrite it in between. So before such a check,
// every other task sharing the caller's memory (its threads, a vfork child's
// parent, clone(CLONE_VM) siblings: found with kcmp(KCMP_VM)) is stopped with
// PTRACE_INTERRUPT, and it stays stopped until the kernel has copied the
// argument in: the caller's syscall-exit stop, or the caller sleeping inside
// the call (interruptible sleep comes after the copy-in of paths and
// addresses). See docs/race-safety.md.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "trace/monitor.hpp"
#include "trace/proc_stat.hpp"

namespace sysgate::trace {
namespace {

// 'S': sleeping inside a call, after its arguments were copied in.
bool sleeping_in_call(pid_t tid) {
  auto st = read_proc_stat(tid);
  return !st || st->state == 'S';  // gone counts as done
}

}  // namespace

std::vector<pid_t> Monitor::freeze_sharers(pid_t caller) {
  std::vector<pid_t> frozen, sharers;
  const Thread& c = thread(caller);
  for (const auto& [tid, t] : threads_)
    // A vfork parent sleeps in the kernel until this child execs or exits: it
    // cannot touch memory, and it would not stop for an interrupt either.
    if (tid != caller && t.mm == c.mm && tid != c.vfork_parent) sharers.push_back(tid);
  for (pid_t s : sharers) {
    if (ptrace(PTRACE_INTERRUPT, s, nullptr, nullptr) != 0) continue;  // gone
    for (unsigned spins = 0;; ++spins) {
      int st = 0;
      pid_t r = waitpid(s, &st, __WALL | WNOHANG);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) break;
      if (r == 0) {
        // Not stopped yet. A task in uninterruptible sleep (a vfork parent
        // whose child we did not see being created yet, a disk wait) runs no
        // user code until it wakes, and then the interrupt stops it first.
        auto ps = read_proc_stat(s);
        if (!ps || (ps->state == 'D' && spins > 200)) break;
        if (spins > 64) {
          struct timespec ts{0, 20000};
          nanosleep(&ts, nullptr);
        } else {
          sched_yield();
        }
        continue;
      }
      if (WIFSTOPPED(st) && (st >> 16) == PTRACE_EVENT_STOP && WSTOPSIG(st) == SIGTRAP) {
        frozen.push_back(s);  // our interrupt
      } else {
        // A stop or an exit that came first: the task is stopped (or gone)
        // and its event is handled after this call.
        deferred_.emplace_back(s, st);
      }
      break;
    }
  }
  return frozen;
}

void Monitor::thaw_after(pid_t caller, const std::vector<pid_t>& frozen, bool call_runs) {
  if (call_runs) {
    // The caller was resumed with PTRACE_SYSCALL: wait for its exit stop, or
    // for it to sleep inside the call (a FIFO open, a connect in progress).
    for (unsigned spins = 0;; ++spins) {
      int st = 0;
      pid_t r = waitpid(caller, &st, __WALL | WNOHANG);
      if (r == caller) {
        if (WIFSTOPPED(st) && WSTOPSIG(st) == (SIGTRAP | 0x80))
          on_syscall(caller);  // the exit stop: resumes it
        else
          deferred_.emplace_back(caller, st);
        break;
      }
      if (r < 0 && errno != EINTR) break;
      if (sleeping_in_call(caller)) break;
      if (spins > 64) {
        struct timespec ts{0, 20000};
        nanosleep(&ts, nullptr);
      } else {
        sched_yield();
      }
    }
  }
  for (pid_t s : frozen) resume(s);
}

}  // namespace sysgate::trace
