#include "trace/monitor.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <set>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "arch/abi.hpp"
#include "fs/access_table.hpp"
#include "trace/launcher.hpp"
#include "trace/proc_stat.hpp"
#include "trace/stop_waiter.hpp"
#include "trace/ticker.hpp"

namespace sysgate::trace {
namespace {

pid_t g_tracer_tid = 0;

// Wakes the tracer out of its wait (from the output relay thread).
void wake_tracer() { syscall(SYS_tgkill, getpid(), g_tracer_tid, SIGALRM); }

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

// Our children right now (with PR_SET_CHILD_SUBREAPER, orphans of the tree
// too): the children files of our threads (CONFIG_PROC_CHILDREN), which cost
// the same whatever runs on the host; else every process's stat.
std::vector<pid_t> children_of_self() {
  std::vector<pid_t> out;
  if (DIR* tasks = opendir("/proc/self/task")) {
    bool readable = false;
    while (dirent* e = readdir(tasks)) {
      if (e->d_name[0] == '.') continue;
      const std::string path = std::string("/proc/self/task/") + e->d_name + "/children";
      std::FILE* f = std::fopen(path.c_str(), "re");
      if (f == nullptr) continue;
      readable = true;
      long pid;
      while (std::fscanf(f, "%ld", &pid) == 1) out.push_back(static_cast<pid_t>(pid));
      std::fclose(f);
    }
    closedir(tasks);
    if (readable) return out;
  }
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

Decision refusal(int error, Decision::Source source, const Rule* rule = nullptr) {
  return {{Action::Kind::Deny, error}, true, source, rule};
}

const Rule* builtin(const compile::Plan& plan, const char* name) {
  for (const auto& r : plan.builtin_rules)
    if (r.name == name) return &r;
  return nullptr;
}

}  // namespace

void Monitor::resume(pid_t tid, int signal) {
  // A task with work at its exit stop is resumed to that stop; the ptrace
  // engine sees every entry and exit anyway. ESRCH: the task was killed while
  // stopped (exit_group of a sibling); fine.
  const Task* t = tasks_.find(tid);
  if (detaching_ && (t == nullptr || !owes_exit_work(*t))) {
    // Detached with the signal it was to get; the loop forgets it.
    ptrace(PTRACE_DETACH, tid, nullptr, signal);
    detached_.push_back(tid);
    if (t != nullptr) detached_tgids_.insert(t->tgid);
    return;
  }
  bool to_exit = plan_.engine == compile::Engine::Ptrace || (t != nullptr && owes_exit_work(*t));
  ptrace(to_exit ? PTRACE_SYSCALL : PTRACE_CONT, tid, nullptr, signal);
}

bool Monitor::owes_exit_work(const Task& t) const {
  return t.copy || t.check_opened_fd || t.creating_task || t.injection || t.wants_result || t.pending_return;
}

void Monitor::release(pid_t tid, double delay_s) {
  if (delay_s <= 0) {
    resume(tid);
    return;
  }
  auto due = std::chrono::steady_clock::now() +
             std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(delay_s));
  held_.emplace(due, tid);
  if (!hold_timer_made_) {
    sigevent ev{};
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = SIGALRM;
    ev._sigev_un._tid = g_tracer_tid;
    if (timer_create(CLOCK_MONOTONIC, &ev, &hold_timer_) != 0)
      throw std::system_error(errno, std::generic_category(), "timer_create (delay)");
    hold_timer_made_ = true;
  }
  release_due();
}

void Monitor::release_due() {
  auto now = std::chrono::steady_clock::now();
  while (!held_.empty() && held_.begin()->first <= now) {
    pid_t tid = held_.begin()->second;
    held_.erase(held_.begin());
    if (tasks_.find(tid) != nullptr) resume(tid);
  }
  if (held_.empty() || !hold_timer_made_) return;
  // steady_clock is CLOCK_MONOTONIC: the earliest held call's time, absolute.
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(held_.begin()->first.time_since_epoch()).count();
  itimerspec its{};
  its.it_value.tv_sec = static_cast<time_t>(ns / 1000000000);
  its.it_value.tv_nsec = static_cast<long>(ns % 1000000000);
  timer_settime(hold_timer_, TIMER_ABSTIME, &its, nullptr);
}

bool Monitor::apply_edits(const SyscallView& call, Task& t, const Decision& d) {
  const Abi abi = *call.abi;
  if (!t.copy) {
    HeldCopy held;
    held.abi = abi;
    t.copy = std::move(held);
  }
  for (const auto& e : d.edits) {
    // The program's own value is what the exit stop puts back (a copy may
    // already have saved it).
    bool saved = false;
    for (const auto& [arg, value] : t.copy->saved_args) saved = saved || arg == e.index;
    if (!saved) t.copy->saved_args.emplace_back(e.index, call.args[e.index]);
    if (!set_arg(call.tid, abi, e.index, e.to)) return false;
  }
  return true;
}

void Monitor::note_injections(const SyscallView& call, const Task& t, const Decision& d) {
  for (const auto& [rule, count] : d.fired) {
    ++result_.injection_count;
    if (result_.injections.size() >= RunResult::kMaxInjections) continue;
    std::string name;
    if (const compile::AbiPlan* ap = plan_.abi(*call.abi))
      if (const compile::CallPlan* cp = ap->find(call.nr)) name = cp->name;
    result_.injections.push_back({rule->label(), name, t.tgid, count});
  }
}

void Monitor::note_accesses(const SyscallView& call, const Task& t, const Decision& d, TraceeCallMemory* memory) {
  if (accesses_ == nullptr || memory == nullptr || !call.abi) return;
  const bool runs = d.audit || d.action.kind == Action::Kind::Allow || d.action.kind == Action::Kind::Log;
  if (!runs && !d.probe) return;
  const compile::AbiPlan* ap = plan_.abi(*call.abi);
  const compile::CallPlan* cp = ap != nullptr ? ap->find(call.nr) : nullptr;
  if (cp == nullptr) return;
  using access::Kind;
  if (const fs::PathCall* pc = fs::find_path_call(cp->name)) {
    for (int i = 0; i < pc->count; ++i) {
      const fs::PathArg& a = pc->args[i];
      int error = 0;
      const fs::ResolvedPath* p = memory->path(a.path, error);
      if (p == nullptr || !p->is_file || p->via_fd) continue;
      if (d.probe || !p->exists) {
        if (!fs::creates_name(cp->name, i, a, call.args)) {
          accesses_->note(Kind::Probed, p->path, t.tgid);
          continue;
        }
      }
      switch (fs::access_of(a, call.args)) {
        case fs::Access::Exec: accesses_->note(Kind::Executed, p->path, t.tgid); break;
        case fs::Access::Read: accesses_->note(Kind::Read, p->path, t.tgid); break;
        case fs::Access::Stat: break;  // metadata only
        case fs::Access::Write:
          if (fs::removes_name(cp->name, i))
            accesses_->note(Kind::Deleted, p->path, t.tgid);
          else if (!p->exists)
            accesses_->note(Kind::Created, p->path, t.tgid);
          else
            accesses_->note(Kind::Written, p->path, t.tgid);
          break;
      }
    }
  }
  if (runs && compile::names_address(cp->name)) {
    int error = 0;
    if (const auto* addrs = memory->addresses(error))
      for (const auto& a : *addrs) accesses_->note_address(a, t.tgid);
  }
}

void Monitor::kill_everything() {
  std::set<pid_t> leftovers;
  for (pid_t p : tasks_.tgids())
    if (p != root_) leftovers.insert(p);
  for (pid_t p : children_of_self())
    if (p != root_) leftovers.insert(p);
  for (pid_t p : leftovers) {
    std::string comm = command_of(p);
    if (!comm.empty()) result_.leftover_processes.emplace_back(p, comm);
  }
  if (limits_ != nullptr) limits_->kill_all();
  for (pid_t p : tasks_.tgids()) kill(p, SIGKILL);
  // Reap all; kill what was reparented to us (daemons, untraced children) too.
  for (int spins = 0;; ++spins) {
    int status;
    pid_t p = waitpid(-1, &status, __WALL | WNOHANG);
    if (p > 0) {
      if (p == root_ && !result_.exit_code && !result_.signal) {
        if (WIFEXITED(status)) result_.exit_code = WEXITSTATUS(status);
        if (WIFSIGNALED(status)) result_.signal = WTERMSIG(status);
      }
      continue;
    }
    if (p < 0 && errno == ECHILD) break;
    if (p < 0 && errno == EINTR) continue;
    for (pid_t c : children_of_self()) kill(c, SIGKILL);
    struct timespec ts{0, spins < 100 ? 100000 : 1000000};
    nanosleep(&ts, nullptr);
  }
  for (pid_t tid : tasks_.tids())  // calls that never returned are logged without a result
    if (Task* t = tasks_.find(tid); t != nullptr && t->pending_event) log_.record_json(*t->pending_event);
  tasks_.clear();
}

void Monitor::on_signal(int sig) {
  if (sig == SIGALRM) {
    check_limits();
    release_due();
    if (detach_at_ && !detaching_ && !limit_hit_ && std::chrono::steady_clock::now() >= *detach_at_) start_detach();
    if (detaching_) nudge_detach();
    return;
  }
  if (attaching_) {
    // attach: SIGINT, SIGTERM, SIGHUP detach (a second one changes nothing).
    if (!detaching_) start_detach();
    return;
  }
  // SIGINT, SIGTERM, SIGHUP: the first goes to the program, a second ends the run.
  last_signal_ = sig;
  if (++signals_received_ >= 2) {
    result_.error = "sysgate received a second terminating signal";
    kill_everything();
    return;
  }
  kill(root_, sig);
}

void Monitor::check_limits() {
  if (limits_ == nullptr || limit_hit_) return;
  if (relay_ != nullptr && relay_->exceeded()) {
    limit_hit_ = Verdict::OutputLimit;
    kill_everything();
    return;
  }
  if (auto hit = limits_->check([this] { return tasks_.tgids(); }, tasks_.size())) {
    limit_hit_ = hit;
    kill_everything();
  }
}

void Monitor::record(const SyscallView& call, const Decision& d, const TraceeCallMemory* memory, Task* waiting,
                     std::optional<long> result) {
  report::CallEvent ev;
  const Task* t = tasks_.find(call.tid);
  ev.pid = t != nullptr ? t->tgid : call.tid;
  ev.tid = call.tid;
  const compile::CallPlan* cp = nullptr;
  if (call.abi) {
    ev.abi = to_string(*call.abi);
    if (const compile::AbiPlan* ap = plan_.abi(*call.abi)) cp = ap->find(call.nr);
    ev.name = cp != nullptr ? cp->name : arch::syscall_name(*call.abi, call.nr);  // a foreign ABI has no plan
  } else {
    char buf[32];
    std::snprintf(buf, sizeof buf, "arch 0x%x", call.audit_arch);
    ev.abi = buf;
  }
  ev.nr = call.nr;
  ev.spec = cp != nullptr ? cp->spec : nullptr;
  for (int i = 0; i < 6; ++i) ev.args[i] = call.args[i];
  ev.decision = d;
  if (memory != nullptr) ev.resolved = memory->seen();
  if (d.action.kind == Action::Kind::Kill && !d.audit)
    result_.violation = ev.abi + " " + report::EventLog::format_call(ev) + " [" + d.reason() + "]";
  if (waiting != nullptr) {
    log_.record_decision(ev);
    waiting->pending_event = std::move(ev);
    return;
  }
  if (log_results_) ev.result = result;
  log_.record(ev);
}

Monitor::CopyOutcome Monitor::copy_checked(const SyscallView& call, Task& t, const TraceeCallMemory& memory,
                                          Decision& d) {
  const auto& checked = memory.checked();
  if (checked.empty()) return CopyOutcome::NotNeeded;
  const Abi abi = *call.abi;
  AddressSpace& m = *t.memory;
  // The kernel must never see more messages than were checked.
  const bool fewer_messages = memory.message_count() && *memory.message_count() < (call.args[2] & 0xffffffffu);
  // Is a race possible? Another task shares this memory, or the bytes lie in
  // memory that a file or another process can change (docs/race-safety.md).
  // A redirect's path exists only in the copy.
  bool racy = m.shared() || fewer_messages || memory.redirected();
  for (const auto& c : checked) {
    if (racy) break;
    racy = !m.private_to(call.tid, c.address, c.bytes.size());
    for (const auto& [address, name] : c.names)
      if (!racy && address != 0) racy = !m.private_to(call.tid, address, name.size());
  }
  if (!racy) return CopyOutcome::NotNeeded;
  if (abi == Abi::X32) {
    d = refusal(EFAULT, Decision::Source::CopyOnCheck);
    return CopyOutcome::Refused;
  }
  switch (m.region(call.tid)) {
    case AddressSpace::Region::Absent: map_scratch(call, t); return CopyOutcome::MappingRegion;
    case AddressSpace::Region::Unavailable: d = refusal(EFAULT, Decision::Source::CopyOnCheck); return CopyOutcome::Refused;
    default: break;
  }
  const bool word64 = abi == Abi::X86_64;
  const std::size_t size = lay_out(checked, 0, word64).bytes.size();
  auto offset = m.arena().take(size);
  if (!offset) {
    d = refusal(ENOMEM, Decision::Source::CopyOnCheck);
    return CopyOutcome::Refused;
  }
  const std::uint64_t at = m.layout().base + *offset;
  CopyImage image = lay_out(checked, at, word64);
  HeldCopy held;
  held.abi = abi;
  held.offset = *offset;
  held.size = size;
  bool ok = m.write(call.tid, at, image.bytes);
  auto point = [&](int arg, std::uint64_t value) {
    auto before = get_arg(call.tid, abi, arg);
    ok = ok && before && set_arg(call.tid, abi, arg, value);
    if (before) held.saved_args.emplace_back(arg, *before);
  };
  for (const auto& [arg, value] : image.args)
    if (ok) point(arg, value);
  if (ok && memory.message_count()) {
    if (fewer_messages) point(2, *memory.message_count());
    held.copied_headers = image.headers;
    held.program_headers = call.args[1];
    held.stride = checked.front().stride;
    held.len_offset = word64 ? 56 : 28;
  }
  t.copy = std::move(held);
  if (!ok) {
    // The task vanished, or its memory could not be written: put back what was
    // changed and refuse the call.
    for (const auto& [arg, value] : t.copy->saved_args) set_arg(call.tid, abi, arg, value);
    m.arena().give_back(t.copy->offset, t.copy->size);
    t.copy.reset();
    d = refusal(EFAULT, Decision::Source::CopyOnCheck);
    d.log = false;  // only a dying address space cannot be written: the call never runs
    return CopyOutcome::Refused;
  }
  return CopyOutcome::Copied;
}

void Monitor::map_scratch(const SyscallView& call, Task& t) {
  const Abi abi = *call.abi;
  const auto& s = plan_.scratch;
  InjectedCall inj;
  inj.purpose = InjectedCall::Purpose::MapScratch;
  std::uint64_t no_fd = abi == Abi::I386 ? 0xffffffffu : ~0ull;
  long nr = arch::syscall_number(abi, abi == Abi::I386 ? "mmap2" : "mmap");
  std::array<std::uint64_t, 6> args{s.base, s.size, PROT_READ,
                                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, no_fd, 0};
  if (start_injection(call.tid, abi, nr, args, inj)) t.injection = inj;
}

void Monitor::finish_injection(pid_t tid, Task& t) {
  InjectedCall inj = *t.injection;
  t.injection.reset();
  auto ret = get_return(tid);
  if (inj.purpose == InjectedCall::Purpose::MapScratch) {
    AddressSpace& m = *t.memory;
    if (ret && (*ret == static_cast<long>(plan_.scratch.base) || (*ret == -EEXIST && m.region_mapped(tid))))
      m.set_region(AddressSpace::Region::Ready);
    else if (ret && *ret == -EEXIST)
      m.set_region(AddressSpace::Region::Unavailable);  // something of the program's is there
    // Any other failure (a fatal signal pending, no memory): tried again by the next call that needs it.
    end_injection(tid, inj);  // the program's call is made again, and decided again
  } else {
    end_injection(tid, inj, -EACCES);
  }
  resume(tid);
  if (inj.held_signal != 0) syscall(SYS_tgkill, t.tgid, tid, inj.held_signal);
}

void Monitor::refuse_proc_mem(pid_t tid, Task& t, long fd) {
  SyscallView call;
  call.tid = tid;
  call.abi = t.copy ? t.copy->abi : arch::native_abi();
  InjectedCall inj;
  inj.purpose = InjectedCall::Purpose::CloseRefused;
  inj.at_exit = true;
  // The report names the call by what the exit stop still shows.
  __ptrace_syscall_info info{};
  if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) > 0) call.audit_arch = info.arch;
  long close_nr = arch::syscall_number(*call.abi, "close");
  if (!start_injection(tid, *call.abi, close_nr, {static_cast<std::uint64_t>(fd), 0, 0, 0, 0, 0}, inj)) return;
  t.injection = inj;
  report::CallEvent ev;
  ev.pid = t.tgid;
  ev.tid = tid;
  ev.abi = to_string(*call.abi);
  ev.name = "open";
  ev.decision = refusal(EACCES, Decision::Source::Rule, builtin(plan_, "sysgate:no-proc-mem-writes"));
  char link[64], target[256] = {};
  std::snprintf(link, sizeof link, "/proc/%d/fd/%ld", tid, fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (n > 0) ev.resolved["path"] = std::string(target, static_cast<std::size_t>(n));
  log_.record(ev);
}

void Monitor::on_exit_stop(pid_t tid, Task& t) {
  if (t.injection) {
    finish_injection(tid, t);
    return;
  }
  if (t.creating_task) {
    t.creating_task = false;
    --tasks_.pending_tasks;
  }
  if (t.pending_return) {
    set_return(tid, *t.pending_return);
    t.pending_return.reset();
  }
  if (t.wants_result) {
    t.wants_result = false;
    if (t.pending_event) {
      t.pending_event->result = get_return(tid);
      log_.record_json(*t.pending_event);
      t.pending_event.reset();
    }
  }
  if (t.copy) {
    // The program's registers again: the x86 syscall ABIs preserve argument
    // registers, and a restarted call (ERESTART*) must be checked anew.
    const HeldCopy& c = *t.copy;
    for (const auto& [arg, value] : c.saved_args) set_arg(tid, c.abi, arg, value);
    if (c.copied_headers != 0) {
      // sendmmsg wrote msg_len into the copied headers: the program's get it.
      long sent = get_return(tid).value_or(0);
      for (long i = 0; i < sent; ++i) {
        std::uint32_t len = 0;
        std::uint64_t off = static_cast<std::uint64_t>(i) * c.stride + c.len_offset;
        if (!t.memory->read(tid, c.copied_headers + off, &len, sizeof len)) break;
        iovec local{&len, sizeof len};
        iovec remote{reinterpret_cast<void*>(c.program_headers + off), sizeof len};
        process_vm_writev(tid, &local, 1, &remote, 1, 0);
      }
    }
    if (c.size > 0) t.memory->arena().give_back(c.offset, c.size);
    t.copy.reset();
  }
  if (t.check_opened_fd) {
    t.check_opened_fd = false;
    long fd = get_return(tid).value_or(-1);
    if (fd >= 0 && is_proc_mem(tid, fd)) {
      refuse_proc_mem(tid, t, fd);
      return;
    }
  }
  resume(tid);
}

void Monitor::decide(const SyscallView& call, Task& t) {
  const compile::CallPlan* cp = nullptr;
  if (call.abi)
    if (const compile::AbiPlan* ap = plan_.abi(*call.abi)) cp = ap->find(call.nr);
  std::optional<TraceeCallMemory> memory;
  if (cp != nullptr && cp->reads_memory) memory.emplace(t.tgid, call.tid, *call.abi, cp->name, call.args);
  Decision d = call.abi ? compile::decide(plan_, *call.abi, call.nr, call.args, memory ? &*memory : nullptr,
                                          &schedules_, t.tgid)
                        : Decision{{Action::Kind::Kill, 0}, true, Decision::Source::ForeignAbi, nullptr};
  if (d.log && !memory && cp != nullptr && d.action.kind != Action::Kind::Allow) {
    // The report names the files a denied call was after.
    if (const fs::PathCall* pc = fs::find_path_call(cp->name)) {
      memory.emplace(t.tgid, call.tid, *call.abi, cp->name, call.args);
      for (int i = 0; i < pc->count; ++i) {
        int error = 0;
        memory->path(pc->args[i].path, error);
      }
    }
  }
  const bool allowed = d.action.kind == Action::Kind::Allow || d.action.kind == Action::Kind::Log;
  bool counts_task = (d.notes & Rule::kTaskCreation) != 0 && allowed;
  if (counts_task && limits_ != nullptr && limits_->refuses_task(tasks_.size() + tasks_.pending_tasks)) {
    // One task too many: refused as pids.max would; the run ends unless the
    // policy says the program may go on without it.
    d.action = {Action::Kind::Deny, EAGAIN};
    if (limits_->ends_run_on_process_limit()) limit_hit_ = Verdict::ProcessLimit;
    counts_task = false;
  }
  // Audit mode: the one switch. What enforce mode would do is recorded and the
  // call runs unchanged; sysgate's own built-in rules, which keep the program
  // traced, still apply.
  const bool changes = (d.action.kind != Action::Kind::Allow && d.action.kind != Action::Kind::Log) ||
                       d.rewrites() || d.delay_s > 0;
  if (audit_ && changes && !d.probe && !d.native && !(d.source == Decision::Source::Rule && d.rule != nullptr && d.rule->builtin)) {
    d.audit = true;
    if ((d.notes & Rule::kCheckOpenedFd) != 0) t.check_opened_fd = true;
    note_injections(call, t, d);
    note_accesses(call, t, d, memory ? &*memory : nullptr);
    t.wants_result = log_results_;
    resume(call.tid);
    record(call, d, memory ? &*memory : nullptr, log_results_ ? &t : nullptr);
    return;
  }
  if (d.action.kind == Action::Kind::Allow || d.action.kind == Action::Kind::Log) {
    if (memory && copy_checked(call, t, *memory, d) == CopyOutcome::MappingRegion) {
      // Decided again when the call is made again, once the region is there:
      // its `when` matches are counted then.
      for (const auto& [rule, count] : d.fired) schedules_.undo(*rule, t.tgid);
      return;
    }
    if (!d.edits.empty() && !apply_edits(call, t, d)) {
      d = refusal(EFAULT, Decision::Source::CopyOnCheck);
      d.log = false;  // only a vanished task cannot be written: the call never runs
    }
  }
  note_injections(call, t, d);
  note_accesses(call, t, d, memory ? &*memory : nullptr);
  const bool record_it = d.log || d.action.kind == Action::Kind::Kill || d.rewrites() || d.probe;
  const bool runs = d.action.kind == Action::Kind::Allow || d.action.kind == Action::Kind::Log;
  // A logged call that runs: its JSON line is written at its exit stop, with its result.
  const bool wait_result = record_it && runs && log_results_;
  t.wants_result = wait_result;
  std::optional<long> result;
  switch (d.action.kind) {
    case Action::Kind::Allow:
    case Action::Kind::Log:
      if (counts_task && limits_->counts_tasks() && !t.creating_task) {
        // Counted until the child appears (or the call returns without one).
        t.creating_task = true;
        ++tasks_.pending_tasks;
      }
      if ((d.notes & Rule::kCheckOpenedFd) != 0) t.check_opened_fd = true;
      release(call.tid, d.delay_s);
      break;
    case Action::Kind::Deny:
    case Action::Kind::Return: {
      long value = d.action.kind == Action::Kind::Deny ? -static_cast<long>(d.action.error) : d.action.value;
      result = value;
      skip_syscall(call.tid, 0);
      set_return(call.tid, value);
      if (call.stop == SyscallView::Stop::Entry) t.pending_return = value;
      release(call.tid, d.delay_s);
      break;
    }
    case Action::Kind::Redirect:
    case Action::Kind::Rewrite:
      // Never a decision: compile::decide goes on past them.
      throw std::logic_error("a rewriting rule ended a decision");
    case Action::Kind::Kill:
      // The task stays stopped: the call never runs.
      record(call, d, memory ? &*memory : nullptr);
      killed_ = true;
      kill_everything();
      return;
  }
  // The event is built from what was read before the call resumed, and
  // written after: formatting it does not hold the program up.
  if (record_it) record(call, d, memory ? &*memory : nullptr, wait_result ? &t : nullptr, result);
}

void Monitor::on_syscall(pid_t tid) {
  Task* t = tasks_.find(tid);
  SyscallView call;
  if (t == nullptr || !read_syscall(tid, call)) return;  // vanished
  t->in_call = call.stop == SyscallView::Stop::Entry;
  if (call.stop == SyscallView::Stop::Exit) {
    on_exit_stop(tid, *t);
    return;
  }
  if (call.stop == SyscallView::Stop::Other || t->injection || detaching_) {
    // Not a call, or the entry of a call we injected: it runs. Detaching: it
    // runs once the task is detached, as it would have without sysgate.
    resume(tid);
    return;
  }
  decide(call, *t);
}

void Monitor::on_new_task(pid_t tid, int event) {
  unsigned long child = 0;
  ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &child);
  if (Task* parent = tasks_.find(tid); parent != nullptr && parent->creating_task) {
    parent->creating_task = false;
    --tasks_.pending_tasks;
  }
  if (child != 0) {
    auto c = static_cast<pid_t>(child);
    if (tasks_.find(c) == nullptr && !tasks_.forget_if_reaped(c)) {
      tasks_.add(c, tid);
      limits_->note_tasks(tasks_.size());
    }
    if (event == PTRACE_EVENT_VFORK) tasks_.vfork_started(tid, c);
  }
  // The new task has not run yet: a process limit stops it here.
  check_limits();
  if (limit_hit_) return;
  resume(tid);
}

void Monitor::on_exec(pid_t tid) {
  // Exec from a non-leader thread: the thread takes the leader's id and the
  // other threads are gone. A copy the call held died with the old memory.
  unsigned long former = 0;
  ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &former);
  // A logged execve's line waits for its result, which the new program's
  // first stop (the call's exit) gives.
  std::optional<report::CallEvent> waiting;
  if (Task* before = tasks_.find(static_cast<pid_t>(former)); before != nullptr && before->pending_event)
    waiting = std::move(before->pending_event);
  Task& now = tasks_.exec(tid, static_cast<pid_t>(former));
  if (waiting) {
    now.pending_event = std::move(waiting);
    now.wants_result = true;
  }
  if (tid == root_ && !program_started_) {
    program_started_ = true;
    limits_->program_started();
  }
  resume(tid);
}

// One wait status of one task. True when the initial process has ended.
bool Monitor::handle_status(pid_t tid, int status) {
  if (WIFEXITED(status) || WIFSIGNALED(status)) {
    if (Task* gone = tasks_.find(tid); gone != nullptr && gone->pending_event) {
      log_.record_json(*gone->pending_event);  // the call never returned
      gone->pending_event.reset();
    }
    if (tasks_.find(tid) == nullptr) tasks_.reaped_unknown(tid);
    tasks_.remove(tid);
    if (tid == root_) {
      limits_->program_ended();
      if (WIFEXITED(status)) result_.exit_code = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) result_.signal = WTERMSIG(status);
      return true;
    }
    return false;
  }
  if (!WIFSTOPPED(status)) return false;
  Task* t = tasks_.find(tid);
  if (t == nullptr) {
    // A new task whose creator's event has not come yet: its memory is read
    // from the kernel now, so its first call is decided right.
    t = &tasks_.add(tid);
    limits_->note_tasks(tasks_.size());
  }
  int sig = WSTOPSIG(status);
  int event = status >> 16;
  if (sig == (SIGTRAP | 0x80)) {
    if (t->in_call && !owes_exit_work(*t)) {
      // The exit of a call that owes nothing: it is not read.
      t->in_call = false;
      resume(tid);
    } else {
      on_syscall(tid);
    }
    return false;
  }
  switch (event) {
    case PTRACE_EVENT_SECCOMP: on_syscall(tid); break;
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
    case PTRACE_EVENT_CLONE: on_new_task(tid, event); break;
    case PTRACE_EVENT_EXEC: on_exec(tid); break;
    case PTRACE_EVENT_STOP:
      if (is_stop_signal(sig) && !detaching_) {
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
      } else if (t->injection && t->injection->at_exit) {
        // Due before our injected call runs: it is sent again once the
        // program's own call has returned.
        if (t->injection->held_signal == 0) t->injection->held_signal = sig;
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
  // Before any child or thread exists, so that all inherit the blocked signals.
  StopWaiter waiter;
  g_tracer_tid = static_cast<pid_t>(syscall(SYS_gettid));
  limits_ = &limits;
  relay_ = relay;

  bool seccomp = plan_.engine == compile::Engine::Seccomp;
  if (seccomp) spec.filter = filter_;
  spec.stop_before_exec = !seccomp;
  spec.ptrace_options = kOptions | (seccomp ? PTRACE_O_TRACESECCOMP : 0);
  spec.cgroup_fd = limits.birth_cgroup_fd();
  spec.join_fds = limits.self_join_fds();
  spec.before_start = [&limits](pid_t pid, bool in_cgroup) { limits.apply_to_child(pid, in_cgroup); };
  Launched child = launch(spec);
  root_ = child.pid;
  awaiting_start_stop_ = !seccomp;
  tasks_.add(root_);
  limits.note_tasks(tasks_.size());
  if (relay != nullptr) relay->start(wake_tracer);
  {
    Ticker ticker(g_tracer_tid, limits.needs_ticks());
    while (!killed_ && !limit_hit_ && result_.error.empty()) {
      StopWaiter::Event e = waiter.next();
      if (e.signal != 0) {
        on_signal(e.signal);
        continue;
      }
      if (e.no_children()) break;
      if (handle_status(e.tid, e.status)) break;
    }
    kill_everything();
  }
  if (hold_timer_made_) timer_delete(hold_timer_);
  hold_timer_made_ = false;
  held_.clear();
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
    if (!result_.signal) result_.signal = last_signal_;
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
