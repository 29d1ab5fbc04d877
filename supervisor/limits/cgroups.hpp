// The run's control groups: created beneath the supervisor's own, the program
// moved in before it execs, read for accounting, killed as a whole, removed
// afterwards. cgroup v2 is preferred per controller; v1 hierarchies (as on hosts
// with a hybrid layout) are used where v2 lacks the controller.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sysgate::limits {

enum class Mechanism { CgroupV2, CgroupV1, Rlimit, Supervisor };

// A run's empty cgroup older than this whose sysgate is gone is removed by the
// next run (RunCgroups::create): a sysgate killed with SIGKILL cannot remove its own.
inline constexpr long kStaleAfterSeconds = 5;
const char* to_string(Mechanism m);

// Empty when `path` can hold the run's cgroup v2 for this process: a
// directory of a cgroup2 mount that the caller may write, whose common
// ancestor with the supervisor's own cgroup lets it move the program there
// (the kernel's delegation rule); else why not, in one sentence.
std::string delegated_parent_problem(const std::string& path);

// Where a run's cgroups are made: the supervisor's own cgroup in each
// hierarchy (v2, and the v1 memory, pids and cpuacct ones), or a delegated
// parent for v2. find() reads /proc/self/mountinfo and /proc/self/cgroup and
// sweeps stale run cgroups there; a front end serving many runs (sysgate
// batch) finds it once and makes every run's cgroups from it.
struct CgroupHome {
  std::optional<std::string> v2, memory, pids, cpuacct;  // absent: no such hierarchy here
  // `parent`: a delegated cgroup v2 for the runs (see delegated_parent_problem); empty: our own.
  static CgroupHome find(const std::string& parent = {});
};

class RunCgroups {
 public:
  // Creates what the host offers for the controllers asked for; never throws.
  // Controllers it cannot set up are simply absent (callers fall back). The
  // run's cgroup v2 is made beneath `parent` when given (a delegated subtree,
  // see delegated_parent_problem), else beneath the supervisor's own cgroup.
  static RunCgroups create(bool want_memory, bool want_pids, const std::string& parent = {}) {
    return create(want_memory, want_pids, CgroupHome::find(parent));
  }
  static RunCgroups create(bool want_memory, bool want_pids, const CgroupHome& home);
  RunCgroups() = default;
  RunCgroups(RunCgroups&&) noexcept;
  RunCgroups& operator=(RunCgroups&&) noexcept;
  RunCgroups(const RunCgroups&) = delete;
  ~RunCgroups();

  // Moves the child, before exec, into the run's cgroup v2 (when it was not
  // born there: clone3 refused CLONE_INTO_CGROUP).
  bool move_into_v2(pid_t pid) const;
  // The run's v1 cgroups' `tasks` files, open for writing (close-on-exec): the
  // child, still one thread, writes "0" to each and so moves itself. A move
  // through cgroup.procs, or of another task, takes the kernel's global
  // threadgroup lock, whose first taker waits an RCU grace period: 7-16 ms
  // per run measured on a v1 memory hierarchy, against 0.02 ms this way.
  const std::vector<int>& self_join_fds() const { return join_fds_; }
  // sysgate attach: moves a running process (all its threads) into every run
  // cgroup, remembering where it was; empty, or why it could not.
  std::string adopt(pid_t pid);
  // Moves every process in the run cgroups back where it was before adopt();
  // one born inside goes where the first adopted process was.
  void give_back();
  // The run's cgroup v2 directory, open (O_DIRECTORY), or -1.
  int v2_fd() const { return v2_fd_; }

  std::optional<Mechanism> cpu() const;     // accounting
  std::optional<Mechanism> memory() const;  // limit + peak
  std::optional<Mechanism> pids() const;    // limit + peak
  bool can_kill() const { return !v2_.empty(); }

  bool set_memory_limit(std::uint64_t bytes) const;
  bool set_pids_limit(std::uint64_t n) const;

  std::optional<std::uint64_t> cpu_ns() const;
  std::optional<std::uint64_t> memory_peak() const;
  std::optional<std::uint64_t> memory_current() const;
  std::uint64_t oom_kills() const;   // OOM kills inside the run's memory cgroup
  std::uint64_t pids_denied() const; // forks refused at pids.max
  std::optional<std::uint64_t> pids_peak() const;
  std::optional<std::uint64_t> pids_current() const;
  void kill_all() const;             // cgroup.kill where v2 is there
  std::vector<pid_t> procs() const;  // processes still inside

  std::string describe() const;  // where the cgroups are, for the report

 private:
  void remove();
  // Each run cgroup (empty when absent) with its v1 controller ("" for v2).
  std::array<std::pair<const std::string*, const char*>, 4> hierarchies() const;
  std::string v2_;          // run cgroup in the unified hierarchy (may have no controllers)
  int v2_fd_ = -1;          // v2_, open
  bool v2_memory_ = false;  // memory controller enabled there
  bool v2_pids_ = false;
  std::string v1_memory_, v1_pids_, v1_cpuacct_;
  std::vector<int> join_fds_;  // the v1 ones' tasks files (self_join_fds)
  // adopt(): each process and its cgroup in each of hierarchies() before.
  std::vector<std::pair<pid_t, std::array<std::string, 4>>> origins_;
};

}  // namespace sysgate::limits
