// The tracer loop: waits for every stop of every task of the sandboxed tree
// (one waitpid, in StopWaiter), decides the calls it is shown, copies checked
// arguments where another task could change them (copy-on-check), passes
// signals through, and ends the run when the initial process exits (killing
// whatever is left). It never blocks anywhere but in StopWaiter::next, so a
// signal to sysgate or a limit is acted on whatever state the tracees are in.
#pragma once

#include <sys/types.h>

#include <linux/filter.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "access/access_record.hpp"
#include "compile/plan.hpp"
#include "limits/enforcer.hpp"
#include "limits/output_relay.hpp"
#include "report/event_log.hpp"
#include "sysgate/result.hpp"
#include "trace/call_memory.hpp"
#include "trace/launcher.hpp"
#include "trace/task_table.hpp"
#include "trace/tracee.hpp"

namespace sysgate::trace {

class Monitor {
 public:
  // `filter` is the seccomp program for the seccomp engine (empty for ptrace).
  // `seed`: of the `when` probabilities that name none.
  Monitor(const compile::Plan& plan, std::vector<sock_filter> filter, report::EventLog& log, std::uint64_t seed = 0)
      : plan_(plan), filter_(std::move(filter)), log_(log), tasks_(plan.scratch), schedules_(seed),
        audit_(plan.policy.audit) {}

  // Runs the program and returns how it ended. Never leaves a process it
  // started running. `relay` is set when the output limit needs it. The
  // process must be set up as a SupervisorProcess.
  RunResult run(LaunchSpec spec, limits::LimitEnforcer& limits, limits::OutputRelay* relay);
  // Attaches to running processes (sysgate attach; the ptrace engine) and
  // supervises them until they exit, a kill action or limit ends them, or a
  // detach: SIGINT, SIGTERM, SIGHUP or `detach_after_s` seconds. A detach
  // leaves them running untraced as before: every task is detached at a
  // stop where no call of it is half-edited, with any signal it was about to
  // get. `attached(pid, threads)` is called once each process is seized.
  // Throws AttachError (trace/attach.hpp) when a process cannot be attached
  // (the others are detached first).
  RunResult attach(const std::vector<pid_t>& pids, limits::LimitEnforcer& limits, std::optional<double> detach_after_s,
                   const std::function<void(pid_t, std::size_t)>& attached);
  // Every file and endpoint the run touches is noted there (--access-report).
  void record_accesses(access::AccessRecord* record) { accesses_ = record; }
  // The JSON log records what each logged call returned (--log-results).
  void log_results(bool on) { log_results_ = on && log_.has_json(); }

 private:
  bool handle_status(pid_t tid, int status);
  void on_signal(int sig);
  void on_new_task(pid_t tid, int event);
  void on_exec(pid_t tid);
  void on_syscall(pid_t tid);
  void on_exit_stop(pid_t tid, Task& t);
  void decide(const SyscallView& call, Task& t);
  // Copy-on-check for an allowed call (docs/race-safety.md). Refused: `d` is
  // now a denial; MappingRegion: the call is made and decided again once the
  // scratch region is mapped.
  enum class CopyOutcome : std::uint8_t { NotNeeded, Copied, Refused, MappingRegion };
  CopyOutcome copy_checked(const SyscallView& call, Task& t, const TraceeCallMemory& memory, Decision& d);
  void map_scratch(const SyscallView& call, Task& t);
  void finish_injection(pid_t tid, Task& t);
  void refuse_proc_mem(pid_t tid, Task& t, long fd);
  void resume(pid_t tid, int signal = 0);
  // Resumes the task now, or after `delay_s` seconds (a `delay` action): held
  // tasks are resumed from the tracer loop when their time comes.
  void release(pid_t tid, double delay_s);
  void release_due();
  // Rewrite edits: the new register values, the program's kept for the exit stop.
  bool apply_edits(const SyscallView& call, Task& t, const Decision& d);
  void note_injections(const SyscallView& call, const Task& t, const Decision& d);
  void note_accesses(const SyscallView& call, const Task& t, const Decision& d, TraceeCallMemory* memory);
  // Logs the decision; `t` set: the JSON line waits for the call's result (exit stop).
  void record(const SyscallView& call, const Decision& d, const TraceeCallMemory* memory, Task* t = nullptr,
              std::optional<long> result = std::nullopt);
  void kill_everything();
  void check_limits();
  // attach: a task with work owed at its syscall-exit stop (a copy to undo, a
  // denied call's result to set, ...), which must not be detached before it.
  bool owes_exit_work(const Task& t) const;
  void start_detach();
  // Detaching: tasks not yet detached are interrupted again (harmless when a
  // stop is on its way), and after 5 s each is named on stderr with its state.
  void nudge_detach();

  const compile::Plan& plan_;
  std::vector<sock_filter> filter_;
  report::EventLog& log_;
  TaskTable tasks_;
  pid_t root_ = -1;
  bool awaiting_start_stop_ = false;
  bool killed_ = false;  // by a kill action or a foreign ABI
  bool program_started_ = false;
  int signals_received_ = 0;
  int last_signal_ = 0;
  limits::LimitEnforcer* limits_ = nullptr;
  limits::OutputRelay* relay_ = nullptr;
  std::optional<Verdict> limit_hit_;
  RunResult result_;
  compile::ScheduleState schedules_;
  bool audit_ = false;
  access::AccessRecord* accesses_ = nullptr;
  bool log_results_ = false;  // decisions are recorded, not carried out (sysgate's own rules still are)
  std::multimap<std::chrono::steady_clock::time_point, pid_t> held_;  // delayed calls
  timer_t hold_timer_{};
  bool hold_timer_made_ = false;
  // attach
  bool attaching_ = false;   // supervising processes it did not start
  bool detaching_ = false;   // each task is detached at its next stop that owes nothing
  std::vector<pid_t> detached_;  // detached since the loop last removed them from tasks_
  std::set<pid_t> detached_tgids_;  // the processes of every task detached
  std::optional<std::chrono::steady_clock::time_point> detach_at_;
  std::chrono::steady_clock::time_point detach_started_;  // when start_detach ran
  int detach_nudges_ = 0;  // nudge_detach() rounds so far
};

}  // namespace sysgate::trace
