// The tracer loop: waits for every stop of every thread of the sandboxed tree,
// decides the calls it is shown, passes signals through, and ends the run when
// the initial process exits (killing whatever is left).
#pragma once

#include <sys/types.h>

#include <linux/filter.h>

#include <deque>
#include <set>
#include <optional>
#include <string>
#include <vector>
#include <unordered_map>

#include "compile/plan.hpp"
#include "report/event_log.hpp"
#include "sysgate/result.hpp"
#include "limits/enforcer.hpp"
#include "limits/output_relay.hpp"
#include "trace/launcher.hpp"
#include "trace/tracee.hpp"

namespace sysgate::trace {

class Monitor {
 public:
  // `filter` is the seccomp program for the seccomp engine (empty for ptrace).
  Monitor(const compile::Plan& plan, std::vector<sock_filter> filter, report::EventLog& log)
      : plan_(plan), filter_(std::move(filter)), log_(log) {}

  // Runs the program and returns how it ended. Never leaves a process it
  // started running. `relay` is set when the output limit needs it.
  RunResult run(LaunchSpec spec, limits::LimitEnforcer& limits, limits::OutputRelay* relay);

 private:
  struct Thread {
    pid_t tgid = 0;
    pid_t mm = 0;           // tasks with the same mm share memory (threads, vfork children)
    int pending_errno = 0;  // set the return at the exit stop (ptrace engine)
    bool creating_task = false;  // in a fork/clone the supervisor counts (see pending_tasks_)
    pid_t vfork_parent = 0;      // until it execs: the thread blocked in vfork() for this child
  };

  bool handle_status(pid_t tid, int status);
  void on_syscall(pid_t tid);
  // Race safety for checks of memory (see docs/race-safety.md): every other
  // task sharing the caller's memory is stopped from before the read until the
  // kernel has copied the argument in.
  std::vector<pid_t> freeze_sharers(pid_t caller);
  void thaw_after(pid_t caller, const std::vector<pid_t>& frozen, bool call_runs);
  void decide(const SyscallView& call);
  void resume(pid_t tid, int signal = 0);
  Thread& thread(pid_t tid);
  void kill_everything();
  void forward_signals();
  void check_limits();
  std::vector<pid_t> live_tgids() const;

  const compile::Plan& plan_;
  std::vector<sock_filter> filter_;
  report::EventLog& log_;
  std::unordered_map<pid_t, Thread> threads_;
  pid_t root_ = -1;
  bool awaiting_start_stop_ = false;
  bool killed_ = false;  // by a kill action or a foreign ABI
  bool program_started_ = false;
  limits::LimitEnforcer* limits_ = nullptr;
  limits::OutputRelay* relay_ = nullptr;
  std::optional<Verdict> limit_hit_;
  RunResult result_;
  std::deque<std::pair<pid_t, int>> deferred_;
  std::set<pid_t> shared_mms_;
  std::uint64_t pending_tasks_ = 0;  // allowed fork/clone calls whose child is not seen yet  // mm ids of processes that mapped memory shared with others  // stops seen while freezing, handled next
};

}  // namespace sysgate::trace
