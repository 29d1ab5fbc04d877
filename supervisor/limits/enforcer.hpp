// Applies a run's limits with the best mechanism the host offers (cgroup v2,
// cgroup v1, rlimits, the supervisor's own accounting), watches them while the
// program runs, and measures what the tree used.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "limits/cgroups.hpp"
#include "sysgate/policy.hpp"
#include "sysgate/result.hpp"

namespace sysgate::limits {

struct AppliedLimit {
  std::string name;   // "cpu_time", ...
  double value = 0;   // seconds or bytes or count
  Mechanism mechanism = Mechanism::Supervisor;
};

class LimitEnforcer {
 public:
  // `cgroup_parent`: where the run's cgroup v2 is made (--cgroup); none: beneath
  // the supervisor's own. Throws std::runtime_error when a cgroup cannot be made
  // in the parent the user named.
  // `home`: where the run's cgroups go, found once by a front end serving many
  // runs; none: found here (beneath `cgroup_parent` when given).
  LimitEnforcer(const Limits& limits, bool use_cgroups, const std::string& cgroup_parent = {},
                const CgroupHome* home = nullptr);

  // In the parent while the child waits before exec: cgroup limits, the move
  // into cgroup v2 when not born there (v1 ones the child joins itself), rlimits.
  // Throws std::runtime_error naming the limit when one cannot be applied.
  // `born_in_v2`: the child was born in the run's cgroup v2 (birth_cgroup_fd).
  void apply_to_child(pid_t pid, bool born_in_v2 = false);
  // sysgate attach, with the processes seized and stopped: each moved into the
  // run's cgroups and its rlimits lowered, what it had kept for give_back().
  // Throws std::runtime_error naming what could not be applied.
  void apply_to_running(const std::vector<pid_t>& pids);
  // sysgate attach, every task detached: each process back in its cgroups and
  // its rlimits as they were (`tgids`: the processes seen while attached; one
  // born then gets those of the first attached process).
  void give_back(const std::vector<pid_t>& tgids);
  // The run's cgroup v2 directory, open for clone3's CLONE_INTO_CGROUP; -1 without one.
  int birth_cgroup_fd() const { return cgroups_.v2_fd(); }
  // The run's v1 cgroups the child joins itself before exec (RunCgroups::self_join_fds).
  const std::vector<int>& self_join_fds() const { return cgroups_.self_join_fds(); }
  // The initial execve happened: wall time starts, and CPU time counts from
  // here (what the child used before, in sysgate's set-up, is not the program's).
  void program_started();
  // The initial process exited: wall time stops.
  void program_ended();
  // Whether the supervisor must be woken periodically to watch limits.
  bool needs_ticks() const;

  // Called on every tick and when tasks appear.
  // `tgids` lists the tree's processes; it is called only when a limit is
  // measured per process (memory or CPU time without cgroups), so that a
  // check costs nothing per task otherwise (it runs at every new task).
  std::optional<Verdict> check(const std::function<std::vector<pid_t>()>& tgids, std::uint64_t tasks_now);
  // After the last process is reaped: the figures for the report.
  void finish(RunResult& result, std::optional<Verdict> hit);

  void kill_all() const { cgroups_.kill_all(); }
  // Tasks alive now (threads included), for the peak.
  void note_tasks(std::uint64_t n) { tasks_peak_ = std::max(tasks_peak_, n); }
  // Without a pids cgroup the supervisor refuses the task that would exceed the
  // limit (the call fails with EAGAIN); each refusal is counted.
  bool counts_tasks() const { return limits_.processes && !cgroups_.pids(); }
  bool refuses_task(std::uint64_t alive_and_pending) {
    bool refuse = counts_tasks() && alive_and_pending >= *limits_.processes;
    if (refuse) ++tasks_refused_;
    return refuse;
  }
  // Whether a refused task ends the run with PROCESS_LIMIT (`on_process_limit:
  // end`, the default) or only fails its fork/clone with EAGAIN (`fail`).
  bool ends_run_on_process_limit() const {
    return limits_.on_process_limit.value_or(ProcessLimitAction::End) == ProcessLimitAction::End;
  }
  // Forks and clones refused at the processes limit so far: by the pids
  // cgroup (pids.events max) or by the supervisor.
  std::uint64_t processes_refused() const;
  const std::vector<AppliedLimit>& applied() const { return applied_; }
  std::string cgroups_used() const { return cgroups_.describe(); }

 private:
  double cpu_seconds(const std::vector<pid_t>& tgids) const;
  // CPU time of the tree since the initial exec: from the cgroup, else what
  // the kernel summed for reaped children plus the `live` thread groups' own.
  std::uint64_t program_cpu_ns(const std::vector<pid_t>* live) const;

  Limits limits_;
  RunCgroups cgroups_;
  std::vector<AppliedLimit> applied_;
  std::chrono::steady_clock::time_point start_, end_;
  bool ended_ = false;
  bool started_ = false;
  std::uint64_t rss_peak_ = 0;
  std::uint64_t tasks_peak_ = 0;
  // The most CPU time check() measured: what finish() reports when the
  // processes are gone without being reaped here (attached ones, no cgroup).
  double cpu_seen_s_ = 0;
  pid_t root_ = 0;                        // the child, from apply_to_child
  std::uint64_t cpu_before_exec_ns_ = 0;  // program_cpu_ns's measure at program_started
  std::uint64_t tasks_refused_ = 0;
  std::vector<pid_t> running_;  // apply_to_running's processes
  // apply_to_running: each process's rlimits before (resource, value).
  std::vector<std::pair<pid_t, std::vector<std::pair<int, rlimit>>>> saved_rlimits_;
};

}  // namespace sysgate::limits
