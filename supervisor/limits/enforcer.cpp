#include "limits/enforcer.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "limits/tree_usage.hpp"

namespace sysgate::limits {
namespace {

void set_rlimit(pid_t pid, __rlimit_resource resource, std::uint64_t soft, std::uint64_t hard, const char* name) {
  rlimit rl{soft, hard};
  if (prlimit(pid, resource, &rl, nullptr) != 0)
    throw std::runtime_error(std::string("cannot apply the ") + name + " limit: prlimit: " + std::strerror(errno));
}

}  // namespace

LimitEnforcer::LimitEnforcer(const Limits& limits, bool use_cgroups, const std::string& cgroup_parent,
                             const CgroupHome* home)
    : limits_(limits) {
  if (use_cgroups) {
    cgroups_ = RunCgroups::create(limits.memory.has_value(), limits.processes.has_value(),
                                  home != nullptr ? *home : CgroupHome::find(cgroup_parent));
    if (!cgroup_parent.empty() && !cgroups_.can_kill())
      throw std::runtime_error("--cgroup " + cgroup_parent + ": cannot create the run's cgroup there: " +
                               std::strerror(errno));
  }
  start_ = std::chrono::steady_clock::now();
  auto add = [&](const char* name, double v, Mechanism m) { applied_.push_back({name, v, m}); };
  if (limits_.cpu_time_s) add("cpu_time", *limits_.cpu_time_s, cgroups_.cpu().value_or(Mechanism::Supervisor));
  if (limits_.wall_time_s) add("wall_time", *limits_.wall_time_s, Mechanism::Supervisor);
  if (limits_.memory) add("memory", static_cast<double>(*limits_.memory), cgroups_.memory().value_or(Mechanism::Supervisor));
  if (limits_.processes)
    add("processes", static_cast<double>(*limits_.processes), cgroups_.pids().value_or(Mechanism::Supervisor));
  if (limits_.output) add("output", static_cast<double>(*limits_.output), Mechanism::Supervisor);
  if (limits_.file_size) add("file_size", static_cast<double>(*limits_.file_size), Mechanism::Rlimit);
  if (limits_.open_files) add("open_files", static_cast<double>(*limits_.open_files), Mechanism::Rlimit);
  if (limits_.stack) add("stack", static_cast<double>(*limits_.stack), Mechanism::Rlimit);
}

void LimitEnforcer::apply_to_child(pid_t pid, bool born_in_v2) {
  root_ = pid;
  if (limits_.memory && cgroups_.memory() && !cgroups_.set_memory_limit(*limits_.memory))
    throw std::runtime_error("cannot apply the memory limit: writing the cgroup's limit failed");
  if (limits_.processes && cgroups_.pids() && !cgroups_.set_pids_limit(*limits_.processes))
    throw std::runtime_error("cannot apply the processes limit: writing pids.max failed");
  if (!born_in_v2 && !cgroups_.move_into_v2(pid))
    throw std::runtime_error("cannot move the program into its cgroups (" + cgroups_.describe() + ")");
  if (limits_.file_size) set_rlimit(pid, RLIMIT_FSIZE, *limits_.file_size, *limits_.file_size, "file_size");
  if (limits_.open_files) set_rlimit(pid, RLIMIT_NOFILE, *limits_.open_files, *limits_.open_files, "open_files");
  if (limits_.stack) set_rlimit(pid, RLIMIT_STACK, *limits_.stack, *limits_.stack, "stack");
  if (limits_.cpu_time_s) {
    // A per-process backstop a little above the tree's limit, which the
    // supervisor enforces itself.
    auto s = static_cast<std::uint64_t>(std::ceil(*limits_.cpu_time_s)) + 1;
    set_rlimit(pid, RLIMIT_CPU, s, s + 1, "cpu_time");
  }
}

void LimitEnforcer::apply_to_running(const std::vector<pid_t>& pids) {
  running_ = pids;
  if (limits_.memory && cgroups_.memory() && !cgroups_.set_memory_limit(*limits_.memory))
    throw std::runtime_error("cannot apply the memory limit: writing the cgroup's limit failed");
  if (limits_.processes && cgroups_.pids() && !cgroups_.set_pids_limit(*limits_.processes))
    throw std::runtime_error("cannot apply the processes limit: writing pids.max failed");
  for (pid_t pid : pids) {
    if (!cgroups_.describe().empty())
      if (std::string why = cgroups_.adopt(pid); !why.empty()) throw std::runtime_error(why);
    // The soft limit only: lowering the hard one could not be undone at the
    // detach without CAP_SYS_RESOURCE. The program cannot raise the soft one
    // back: a built-in rule refuses setting these rlimits while attached
    // (Limits::soft_rlimits).
    std::vector<std::pair<int, rlimit>> old;
    auto lower = [&](__rlimit_resource resource, const std::optional<std::uint64_t>& value, const char* name) {
      if (!value) return;
      rlimit before{};
      if (prlimit(pid, resource, nullptr, &before) != 0)
        throw std::runtime_error(std::string("cannot apply the ") + name + " limit: prlimit: " + std::strerror(errno));
      old.emplace_back(resource, before);
      set_rlimit(pid, resource, std::min<std::uint64_t>(*value, before.rlim_max), before.rlim_max, name);
    };
    lower(RLIMIT_FSIZE, limits_.file_size, "file_size");
    lower(RLIMIT_NOFILE, limits_.open_files, "open_files");
    lower(RLIMIT_STACK, limits_.stack, "stack");
    if (!old.empty()) saved_rlimits_.emplace_back(pid, std::move(old));
  }
}

void LimitEnforcer::give_back(const std::vector<pid_t>& tgids) {
  cgroups_.give_back();
  if (saved_rlimits_.empty()) return;
  for (pid_t pid : tgids) {
    const auto* old = &saved_rlimits_.front().second;
    for (const auto& [p, saved] : saved_rlimits_)
      if (p == pid) old = &saved;
    for (const auto& [resource, value] : *old) prlimit(pid, static_cast<__rlimit_resource>(resource), &value, nullptr);
  }
}

void LimitEnforcer::program_started() {
  if (started_) return;
  started_ = true;
  // The child is stopped at its exec event: what it used until now was
  // sysgate's set-up (cgroup placement, rlimits, seccomp and Landlock, the
  // exec itself), and is subtracted from the program's CPU time.
  if (auto ns = cgroups_.cpu_ns())
    cpu_before_exec_ns_ = *ns;
  else if (!running_.empty())  // attach: what they used before it is not counted
    cpu_before_exec_ns_ = reaped_cpu_ns() + sample_tree(running_).cpu_ns;
  else
    cpu_before_exec_ns_ = reaped_cpu_ns() + (root_ > 0 ? process_cpu_ns(root_).value_or(0) : 0);
  start_ = std::chrono::steady_clock::now();
}

void LimitEnforcer::program_ended() {
  if (ended_) return;
  ended_ = true;
  end_ = std::chrono::steady_clock::now();
}

bool LimitEnforcer::needs_ticks() const {
  return limits_.cpu_time_s || limits_.wall_time_s || limits_.memory || limits_.processes || limits_.output;
}

std::uint64_t LimitEnforcer::program_cpu_ns(const std::vector<pid_t>* live) const {
  if (!started_) return 0;  // what the child used so far is sysgate's set-up
  std::uint64_t total = 0;
  if (auto ns = cgroups_.cpu_ns())
    total = *ns;
  else
    total = reaped_cpu_ns() + (live != nullptr ? sample_tree(*live).cpu_ns : 0);
  return total > cpu_before_exec_ns_ ? total - cpu_before_exec_ns_ : 0;
}

double LimitEnforcer::cpu_seconds(const std::vector<pid_t>& tgids) const {
  return static_cast<double>(program_cpu_ns(&tgids)) / 1e9;
}

std::uint64_t LimitEnforcer::processes_refused() const { return tasks_refused_ + cgroups_.pids_denied(); }

std::optional<Verdict> LimitEnforcer::check(const std::function<std::vector<pid_t>()>& tgids,
                                            std::uint64_t tasks_now) {
  tasks_peak_ = std::max(tasks_peak_, tasks_now);
  if (limits_.processes) {
    if (cgroups_.pids()) {
      if (cgroups_.pids_denied() > 0 && ends_run_on_process_limit()) return Verdict::ProcessLimit;
    } else if (tasks_now > *limits_.processes) {
      return Verdict::ProcessLimit;
    }
  }
  // Before the initial execve the child runs sysgate's set-up: its time, its
  // CPU and its resident set (a forked copy of the supervisor) are not the
  // program's, and a tick can fall there when the set-up is slow.
  if (!started_) return std::nullopt;
  if (limits_.wall_time_s) {
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (wall >= *limits_.wall_time_s) return Verdict::WallTimeLimit;
  }
  if (limits_.memory) {
    if (cgroups_.memory()) {
      if (cgroups_.oom_kills() > 0) return Verdict::MemoryLimit;
    } else {
      auto s = sample_tree(tgids());
      rss_peak_ = std::max(rss_peak_, s.rss_bytes);
      if (s.rss_bytes > *limits_.memory) return Verdict::MemoryLimit;
    }
  }
  if (limits_.cpu_time_s) {
    // The cgroup's sum when there is one: no process list needed.
    const double cpu = cgroups_.cpu_ns() ? static_cast<double>(program_cpu_ns(nullptr)) / 1e9 : cpu_seconds(tgids());
    cpu_seen_s_ = std::max(cpu_seen_s_, cpu);
    if (cpu >= *limits_.cpu_time_s) return Verdict::CpuTimeLimit;
  }
  return std::nullopt;
}

void LimitEnforcer::finish(RunResult& r, std::optional<Verdict> hit) {
  auto now = ended_ ? end_ : std::chrono::steady_clock::now();
  r.wall_time_s = std::chrono::duration<double>(now - start_).count();
  // Every process is reaped: the kernel's sums are the whole tree's.
  r.cpu_time_s = std::max(static_cast<double>(program_cpu_ns(nullptr)) / 1e9, cpu_seen_s_);
  std::uint64_t mem = std::max(rss_peak_, reaped_max_rss_bytes());
  if (auto peak = cgroups_.memory_peak()) mem = *peak;
  r.memory_peak_bytes = mem;
  std::uint64_t tasks = tasks_peak_;
  if (auto p = cgroups_.pids_peak()) tasks = std::max(tasks, *p);
  r.processes_peak = tasks;
  r.processes_refused = processes_refused();

  // Limits the kernel enforced without the supervisor seeing them hit.
  if (!hit && limits_.memory && cgroups_.memory() && cgroups_.oom_kills() > 0) hit = Verdict::MemoryLimit;
  if (!hit && limits_.processes && cgroups_.pids() && cgroups_.pids_denied() > 0 && ends_run_on_process_limit())
    hit = Verdict::ProcessLimit;
  if (!hit && limits_.cpu_time_s && r.cpu_time_s >= *limits_.cpu_time_s) hit = Verdict::CpuTimeLimit;
  if (!hit && limits_.wall_time_s && r.wall_time_s >= *limits_.wall_time_s) hit = Verdict::WallTimeLimit;
  if (hit && r.verdict != Verdict::Violation && r.verdict != Verdict::InternalError &&
      r.verdict != Verdict::SetupError)
    r.verdict = *hit;
}

}  // namespace sysgate::limits
