// Monitor::attach: the tracer loop over processes sysgate did not start
// (sysgate attach), and their clean detach. The decisions, copy-on-check and
// signal handling are the run's (monitor.cpp); what differs is how the tasks
// are found (seized), when the loop ends, and that ending it may leave them
// running.
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "trace/attach.hpp"
#include "trace/monitor.hpp"
#include "trace/stop_waiter.hpp"
#include "trace/ticker.hpp"

namespace sysgate::trace {
namespace {

// As for a launched program (monitor.cpp), and EXITKILL: should sysgate die
// without detaching, the processes die with it rather than run on unchecked.
constexpr unsigned long kAttachOptions = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                                         PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;

}  // namespace

void Monitor::start_detach() {
  detaching_ = true;
  detach_started_ = std::chrono::steady_clock::now();
  // Every task comes to a stop (PTRACE_INTERRUPT), where resume() detaches it
  // unless its call owes work at the exit stop; a task held for a `delay`
  // is already stopped, at a call that may run.
  for (pid_t tid : tasks_.tids()) ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
  auto held = std::move(held_);
  held_.clear();
  for (const auto& [when, tid] : held)
    if (tasks_.find(tid) != nullptr) resume(tid);
}

void Monitor::nudge_detach() {
  const auto waited = std::chrono::steady_clock::now() - detach_started_;
  if (waited < std::chrono::milliseconds(200 * (detach_nudges_ + 1))) return;
  ++detach_nudges_;
  for (pid_t tid : tasks_.tids()) ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
  if (detach_nudges_ != 25) return;  // 5 s
  for (pid_t tid : tasks_.tids()) {
    std::ifstream in("/proc/" + std::to_string(tid) + "/stat");
    std::string stat;
    std::getline(in, stat);
    auto paren = stat.rfind(')');
    const Task* t = tasks_.find(tid);
    std::fprintf(stderr, "sysgate: detaching: task %d has not stopped for 5 s (state %s%s)\n", tid,
                 paren != std::string::npos && paren + 2 < stat.size() ? stat.substr(paren + 2, 1).c_str() : "gone",
                 t != nullptr && owes_exit_work(*t) ? ", its call owes exit work" : "");
  }
}

RunResult Monitor::attach(const std::vector<pid_t>& pids, limits::LimitEnforcer& limits,
                          std::optional<double> detach_after_s,
                          const std::function<void(pid_t, std::size_t)>& attached) {
  StopWaiter waiter;
  const pid_t tracer = static_cast<pid_t>(syscall(SYS_gettid));
  limits_ = &limits;
  attaching_ = true;
  root_ = pids.front();
  program_started_ = true;

  std::string error;
  for (pid_t pid : pids) {
    Seized s = seize_threads(pid, kAttachOptions);
    for (pid_t tid : s.seized) tasks_.add(tid);
    if (!s.error.empty()) {
      error = s.error;
      break;
    }
    attached(pid, s.seized.size());
  }
  if (error.empty()) {
    try {
      limits.apply_to_running(pids);
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
  }
  limits.note_tasks(tasks_.size());
  limits.program_started();
  if (!error.empty()) start_detach();  // what was seized goes back as it was
  if (detach_after_s)
    detach_at_ = std::chrono::steady_clock::now() +
                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(*detach_after_s));
  bool exited = false;  // every task has exited (none detached)
  {
    // Always: --detach-after and limits, and a detach's nudges (nudge_detach).
    Ticker ticker(tracer, true);
    while (!killed_ && !limit_hit_) {
      StopWaiter::Event e = waiter.next();
      if (e.signal != 0) {
        on_signal(e.signal);
      } else if (e.no_children()) {
        exited = !detaching_;
        break;
      } else {
        handle_status(e.tid, e.status);
      }
      for (pid_t tid : detached_) tasks_.remove(tid);
      detached_.clear();
      if (tasks_.empty()) {
        exited = !detaching_;
        break;
      }
    }
    if (killed_ || limit_hit_) kill_everything();  // the attached processes too, as under run
  }
  // Detached: back in their own cgroups, with their own rlimits.
  if (detaching_) limits.give_back({detached_tgids_.begin(), detached_tgids_.end()});
  if (!error.empty()) throw AttachError(error);

  if (killed_) {
    result_.verdict = Verdict::Violation;
    result_.exit_code.reset();
    result_.signal = SIGSYS;
  } else if (!exited) {
    result_.verdict = Verdict::Ok;
    result_.detached = true;
  } else if (result_.signal) {
    result_.verdict = Verdict::Signaled;
  } else if (result_.exit_code && *result_.exit_code != 0) {
    result_.verdict = Verdict::NonzeroExit;
  } else {
    result_.verdict = Verdict::Ok;
  }
  result_.denials = static_cast<long>(log_.denial_count());
  log_.flush();
  limits.finish(result_, limit_hit_);
  limits_ = nullptr;
  return result_;
}

}  // namespace sysgate::trace
