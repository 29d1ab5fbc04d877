#include "trace/monitor.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <linux/kcmp.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <set>
#include <vector>

#include "arch/abi.hpp"
#include "fs/access_table.hpp"
#include "trace/call_memory.hpp"
#include "trace/launcher.hpp"
#include "trace/proc_stat.hpp"
#include "trace/stop_waiter.hpp"

namespace sysgate::trace {
namespace {

volatile sig_atomic_t g_signals_received = 0;
sig_atomic_t g_signals_forwarded = 0;  // by the tracer thread
volatile sig_atomic_t g_last_signal = 0;
volatile sig_atomic_t g_tick = 0;
pid_t g_tracer_tid = 0;

void on_tick(int) { g_tick = 1; }

// Wakes the tracer thread out of waitpid (from the output relay thread).
void wake_tracer() {
  g_tick = 1;
  syscall(SYS_tgkill, getpid(), g_tracer_tid, SIGALRM);
}

// A periodic SIGALRM to the tracer thread while limits need watching.
class Ticker {
 public:
  explicit Ticker(bool on) {
    struct sigaction sa{};
    sa.sa_handler = on_tick;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, nullptr);  // no SA_RESTART: waitpid returns EINTR
    if (!on) return;
    sigevent ev{};
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = SIGALRM;
    ev._sigev_un._tid = g_tracer_tid;
    if (timer_create(CLOCK_MONOTONIC, &ev, &timer_) != 0) return;
    armed_ = true;
    itimerspec its{{0, 10000000}, {0, 10000000}};  // 10 ms
    timer_settime(timer_, 0, &its, nullptr);
  }
  ~Ticker() {
    if (armed_) timer_delete(timer_);
  }
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

 private:
  timer_t timer_{};
  bool armed_ = false;
};

std::string command_of(pid_t pid) {
  char path[64], buf[64] = {};
  std::snprintf(path, sizeof path, "/proc/%d/comm", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  std::string s(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

void on_terminating_signal(int sig) {
  g_last_signal = sig;
  g_signals_received = g_signals_received + 1;
}

void install_forwarding() {
  struct sigaction sa{};
  sa.sa_handler = on_terminating_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: waitpid must return EINTR
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

pid_t read_tgid(pid_t tid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/status", tid);
  std::FILE* f = std::fopen(path, "re");
  if (f == nullptr) return tid;
  char line[256];
  pid_t tgid = tid;
  while (std::fgets(line, sizeof line, f) != nullptr)
    if (std::sscanf(line, "Tgid: %d", &tgid) == 1) break;
  std::fclose(f);
  return tgid;
}

// Our children right now (with PR_SET_CHILD_SUBREAPER, orphans of the tree too).
std::vector<pid_t> children_of_self() {
  std::vector<pid_t> out;
  pid_t self = getpid();
  DIR* d = opendir("/proc");
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    auto st = read_proc_stat(static_cast<pid_t>(pid));
    if (st && st->ppid == self) out.push_back(static_cast<pid_t>(pid));
  }
  closedir(d);
  return out;
}

constexpr unsigned long kOptions = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                                   PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;

bool is_stop_signal(int sig) { return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU; }

}  // namespace

Monitor::Thread& Monitor::thread(pid_t tid) {
  auto it = threads_.find(tid);
  if (it != threads_.end()) return it->second;
  Thread t;
  t.tgid = read_tgid(tid);
  t.mm = t.tgid;
  Thread& added = threads_.emplace(tid, t).first->second;
  if (limits_ != nullptr) limits_->note_tasks(threads_.size());
  return added;
}

void Monitor::resume(pid_t tid, int signal) {
  // ESRCH: the thread was killed while stopped (exit_group of a sibling); fine.
  ptrace(plan_.engine == compile::Engine::Ptrace ? PTRACE_SYSCALL : PTRACE_CONT, tid, nullptr, signal);
}

std::vector<pid_t> Monitor::live_tgids() const {
  std::set<pid_t> s;
  for (const auto& [tid, t] : threads_) s.insert(t.tgid);
  return {s.begin(), s.end()};
}

void Monitor::kill_everything() {
  std::set<pid_t> leftovers;
  for (pid_t p : live_tgids())
    if (p != root_) leftovers.insert(p);
  for (pid_t p : children_of_self())
    if (p != root_) leftovers.insert(p);
  for (pid_t p : leftovers) {
    std::string comm = command_of(p);
    if (!comm.empty()) result_.leftover_processes.emplace_back(p, comm);
  }
  if (limits_ != nullptr) limits_->kill_all();
  for (const auto& [tid, t] : threads_) kill(t.tgid, SIGKILL);
  // Reap all; kill what was reparented to us (daemons, untraced children) too.
  for (int spins = 0;; ++spins) {
    int status;
    pid_t p = waitpid(-1, &status, __WALL | WNOHANG);
    if (p > 0) {
      if (p == root_ && !result_.exit_code && !result_.signal) {
        if (WIFEXITED(status)) result_.exit_code = WEXITSTATUS(status);
        if (WIFSIGNALED(status)) result_.signal = WTERMSIG(status);
      }
      threads_.erase(p);
      continue;
    }
    if (p < 0 && errno == ECHILD) break;
    if (p < 0 && errno == EINTR) continue;
    for (pid_t c : children_of_self()) kill(c, SIGKILL);
    struct timespec ts{0, spins < 100 ? 100000 : 1000000};
    nanosleep(&ts, nullptr);
  }
  threads_.clear();
}

void Monitor::forward_signals() {
  int received = g_signals_received;
  if (received == g_signals_forwarded) return;
  if (received >= 2) {
    result_.error = "sysgate received a second terminating signal";
    kill_everything();
    return;
  }
  g_signals_forwarded = received;
  kill(root_, g_last_signal);
}

void Monitor::check_limits() {
  g_tick = 0;
  if (limits_ == nullptr || limit_hit_) return;
  if (relay_ != nullptr && relay_->exceeded()) {
    limit_hit_ = Verdict::OutputLimit;
    kill_everything();
    return;
  }
  if (auto hit = limits_->check(live_tgids(), threads_.size())) {
    limit_hit_ = hit;
    kill_everything();
  }
}

void Monitor::decide(const SyscallView& call) {
  const compile::CallPlan* cp = nullptr;
  if (call.abi)
    if (const compile::AbiPlan* ap = plan_.abi(*call.abi)) cp = ap->find(call.nr);
  Thread& t = thread(call.tid);
  std::optional<TraceeCallMemory> memory;
  std::vector<pid_t> frozen;
  if (cp != nullptr && cp->reads_memory) {
    frozen = freeze_sharers(call.tid);
    memory.emplace(t.tgid, call.tid, *call.abi, cp->name, call.args, shared_mms_.contains(t.mm));
  }
  Decision d = call.abi ? compile::decide(plan_, *call.abi, call.nr, call.args, memory ? &*memory : nullptr)
                        : Decision{{Action::Kind::Kill, 0}, true, Decision::Source::ForeignAbi, nullptr};
  report::CallEvent ev;
  if (d.log && !memory && cp != nullptr && d.action.kind != Action::Kind::Allow) {
    // The report names the files a denied call was after.
    if (const fs::PathCall* pc = fs::find_path_call(cp->name)) {
      memory.emplace(t.tgid, call.tid, *call.abi, cp->name, call.args, false);
      for (int i = 0; i < pc->count; ++i) {
        int error = 0;
        memory->path(pc->args[i].path, error);
      }
    }
  }
  if ((d.notes & Rule::kSharedMemory) != 0) shared_mms_.insert(t.mm);
  bool counts_task = (d.notes & Rule::kTaskCreation) != 0 && d.action.kind != Action::Kind::Deny &&
                     d.action.kind != Action::Kind::Kill;
  if (counts_task && limits_ != nullptr && limits_->refuses_task(threads_.size() + pending_tasks_)) {
    // One task too many: refused as pids.max would, and the run ends.
    d.action = {Action::Kind::Deny, EAGAIN};
    limit_hit_ = Verdict::ProcessLimit;
  }
  // The event is built from what was read before the call resumes, and
  // written after: formatting it does not hold the program up.
  const bool record = d.log || d.action.kind == Action::Kind::Kill;
  if (record) {
    ev.pid = t.tgid;
    ev.tid = call.tid;
    if (call.abi) {
      ev.abi = to_string(*call.abi);
      if (cp != nullptr) ev.name = cp->name;
    } else {
      char buf[32];
      std::snprintf(buf, sizeof buf, "arch 0x%x", call.audit_arch);
      ev.abi = buf;
    }
    ev.nr = call.nr;
    ev.spec = cp != nullptr ? cp->spec : nullptr;
    for (int i = 0; i < 6; ++i) ev.args[i] = call.args[i];
    ev.decision = d;
    if (memory) ev.resolved = memory->seen();
  }
  switch (d.action.kind) {
    case Action::Kind::Allow:
    case Action::Kind::Log:
      if (counts_task && limits_ != nullptr && limits_->counts_tasks() && !t.creating_task) {
        // Counted until the child appears (or the call returns without one).
        t.creating_task = true;
        ++pending_tasks_;
        ptrace(PTRACE_SYSCALL, call.tid, nullptr, 0);
        thaw_after(call.tid, frozen, false);
      } else if (frozen.empty()) {
        resume(call.tid);
      } else {
        ptrace(PTRACE_SYSCALL, call.tid, nullptr, 0);  // to see when the kernel is done with the argument
        thaw_after(call.tid, frozen, true);
      }
      break;
    case Action::Kind::Deny:
      skip_syscall(call.tid, d.action.error);
      if (call.stop == SyscallView::Stop::Entry) t.pending_errno = d.action.error;
      resume(call.tid);
      thaw_after(call.tid, frozen, false);
      break;
    case Action::Kind::Kill:
      // The thread stays stopped: the call never runs.
      log_.record(ev);
      killed_ = true;
      result_.violation = ev.abi + " " + report::EventLog::format_call(ev) + " [" + d.reason() + "]";
      kill_everything();
      return;
  }
  if (record) log_.record(ev);
}

void Monitor::on_syscall(pid_t tid) {
  SyscallView call;
  if (!read_syscall(tid, call)) return;  // vanished
  if (call.stop == SyscallView::Stop::Exit) {
    Thread& t = thread(tid);
    if (t.creating_task) {
      t.creating_task = false;
      --pending_tasks_;
    }
    if (t.pending_errno != 0) {
      set_return(tid, -t.pending_errno);
      t.pending_errno = 0;
    }
    resume(tid);
    return;
  }
  if (call.stop == SyscallView::Stop::Other) {
    resume(tid);
    return;
  }
  decide(call);
}

// One wait status of one task. True when the initial process has ended.
bool Monitor::handle_status(pid_t tid, int status) {
  if (WIFEXITED(status) || WIFSIGNALED(status)) {
    threads_.erase(tid);
    if (tid == root_) {
      limits_->program_ended();
      if (WIFEXITED(status)) result_.exit_code = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) result_.signal = WTERMSIG(status);
      return true;
    }
    return false;
  }
  if (!WIFSTOPPED(status)) return false;
  int sig = WSTOPSIG(status);
  int event = status >> 16;
  thread(tid);  // a new child may report before its parent's fork event
  if (sig == (SIGTRAP | 0x80)) {
    on_syscall(tid);
    return false;
  }
  switch (event) {
    case PTRACE_EVENT_SECCOMP: on_syscall(tid); break;
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
    case PTRACE_EVENT_CLONE: {
      unsigned long child_tid = 0;
      ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &child_tid);
      if (child_tid != 0) {
        Thread& child = thread(static_cast<pid_t>(child_tid));
        // Which memory the new task shares (threads, vfork, clone(CLONE_VM)).
        Thread& parent = thread(tid);
        if (parent.creating_task) {
          parent.creating_task = false;
          --pending_tasks_;
        }
        pid_t parent_mm = parent.mm;
        if (syscall(SYS_kcmp, static_cast<pid_t>(child_tid), tid, KCMP_VM, 0, 0) == 0) child.mm = parent_mm;
        if (event == PTRACE_EVENT_VFORK) child.vfork_parent = tid;
        // A forked copy keeps the parent's shared mappings.
        if (shared_mms_.contains(parent_mm)) shared_mms_.insert(child.mm);
      }
      // The new task has not run yet: a process limit stops it here.
      check_limits();
      if (limit_hit_) return false;
      resume(tid);
      break;
    }
    case PTRACE_EVENT_EXEC: {
      // Exec from a non-leader thread: the thread takes the leader's id and
      // the other threads are gone.
      unsigned long former = 0;
      ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &former);
      if (static_cast<pid_t>(former) != tid) threads_.erase(static_cast<pid_t>(former));
      std::erase_if(threads_, [&](const auto& kv) { return kv.first != tid && kv.second.tgid == tid; });
      Thread& t = thread(tid);
      t.tgid = tid;
      t.mm = tid;  // a new address space
      t.vfork_parent = 0;
      shared_mms_.erase(tid);
      t.pending_errno = 0;
      if (tid == root_ && !program_started_) {
        program_started_ = true;
        limits_->program_started();
      }
      resume(tid);
      break;
    }
    case PTRACE_EVENT_STOP:
      if (is_stop_signal(sig)) {
        ptrace(PTRACE_LISTEN, tid, nullptr, nullptr);  // group-stop: stay stopped until SIGCONT
      } else {
        resume(tid);  // a new tracee's first stop, an interrupt, or the end of a group-stop
      }
      break;
    case 0:
      // Signal-delivery-stop: pass the signal on, exactly.
      if (awaiting_start_stop_ && tid == root_ && sig == SIGSTOP) {
        awaiting_start_stop_ = false;
        resume(tid);
      } else {
        resume(tid, sig);
      }
      break;
    default: resume(tid); break;
  }
  return false;
}

RunResult Monitor::run(LaunchSpec spec, limits::LimitEnforcer& limits, limits::OutputRelay* relay) {
  install_forwarding();
  // Tracees must not read or trace us, and orphans of the tree come to us.
  prctl(PR_SET_DUMPABLE, 0);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  g_tracer_tid = static_cast<pid_t>(syscall(SYS_gettid));
  limits_ = &limits;
  relay_ = relay;

  bool seccomp = plan_.engine == compile::Engine::Seccomp;
  if (seccomp) spec.filter = filter_;
  spec.stop_before_exec = !seccomp;
  spec.ptrace_options = kOptions | (seccomp ? PTRACE_O_TRACESECCOMP : 0);
  spec.before_start = [&limits](pid_t pid) { limits.apply_to_child(pid); };
  Launched child = launch(spec);
  root_ = child.pid;
  awaiting_start_stop_ = !seccomp;
  thread(root_);
  if (relay != nullptr) relay->start(wake_tracer);
  Ticker ticker(limits.needs_ticks());
  StopWaiter waiter([] { return g_tick != 0 || g_signals_received != g_signals_forwarded; });

  while (!killed_ && !limit_hit_) {
    if (g_tick) {
      check_limits();
      if (limit_hit_) break;
    }
    int status;
    pid_t tid;
    if (!deferred_.empty()) {
      // Stops that arrived while a thread group was frozen (see freeze_sharers).
      tid = deferred_.front().first;
      status = deferred_.front().second;
      deferred_.pop_front();
    } else {
      tid = waiter.next(status);
    }
    if (tid < 0) {
      if (errno == EINTR) {
        forward_signals();
        check_limits();
        if (threads_.empty()) break;
        continue;
      }
      break;  // ECHILD: nothing left
    }
    if (handle_status(tid, status)) break;
  }
  kill_everything();
  log_.flush();
  if (relay != nullptr) {
    relay->finish();
    result_.output_bytes = relay->bytes();
    if (relay->exceeded() && !limit_hit_) limit_hit_ = Verdict::OutputLimit;
  }

  int failed[2] = {};  // {ChildStep, errno}
  std::string setup_failure;
  if (read(child.exec_error_fd, failed, sizeof failed) == static_cast<ssize_t>(sizeof failed)) {
    auto step = static_cast<ChildStep>(failed[0]);
    if (step == ChildStep::Exec)
      result_.exec_errno = failed[1];
    else
      setup_failure = std::string(describe(step)) + ": " + std::strerror(failed[1]);
  }
  close(child.exec_error_fd);

  if (!setup_failure.empty()) {
    result_.verdict = Verdict::SetupError;
    result_.error = setup_failure;
  } else if (!result_.error.empty() && !killed_) {
    result_.verdict = Verdict::Signaled;
    if (!result_.signal) result_.signal = g_last_signal;
  } else if (killed_) {
    result_.verdict = Verdict::Violation;
    result_.exit_code.reset();
    result_.signal = SIGSYS;
  } else if (result_.exec_errno != 0) {
    result_.verdict = Verdict::SetupError;
  } else if (result_.signal) {
    result_.verdict = Verdict::Signaled;
  } else if (result_.exit_code && *result_.exit_code != 0) {
    result_.verdict = Verdict::NonzeroExit;
  } else {
    result_.verdict = Verdict::Ok;
  }
  result_.denials = static_cast<long>(log_.denial_count());
  limits.finish(result_, limit_hit_);
  limits_ = nullptr;
  relay_ = nullptr;
  return result_;
}

}  // namespace sysgate::trace
