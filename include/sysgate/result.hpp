// How a run ended.
#pragma once

#include <optional>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sysgate {

enum class Verdict {
  Ok,
  NonzeroExit,
  Signaled,
  CpuTimeLimit,
  WallTimeLimit,
  MemoryLimit,
  OutputLimit,
  ProcessLimit,
  Violation,
  Denied,              // --fail-on-denial: the program ran, something was denied
  UndeclaredAccess,    // --declared: the run touched what the manifest does not declare
  SetupError,
  InternalError,
};
bool is_limit(Verdict v);
// Exit statuses of `sysgate run` for DENIED and UNDECLARED_ACCESS (sysgate(1)).
constexpr int kExitDenied = 156;
constexpr int kExitUndeclared = 157;
const char* to_string(Verdict v);

// Who the program ran as.
struct Credentials {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups
  std::uint64_t capabilities = 0;  // kept (bit N: capability N)
};

// One firing of a rule's `when` schedule.
struct Injection {
  std::string rule;     // the rule's label
  std::string syscall;
  pid_t pid = 0;
  std::uint64_t count = 0;  // the match it fired at
};

struct RunResult {
  Verdict verdict = Verdict::InternalError;
  std::optional<int> exit_code;  // when the program exited
  std::optional<int> signal;     // when it died of a signal
  std::string violation;         // the call that killed, when Violation
  std::string error;             // what failed, for SetupError and InternalError
  int exec_errno = 0;            // the initial execve failed with this
  long denials = 0;
  double cpu_time_s = 0;
  double wall_time_s = 0;
  std::uint64_t memory_peak_bytes = 0;
  std::uint64_t processes_peak = 0;
  std::uint64_t output_bytes = 0;
  std::uint64_t processes_refused = 0;  // forks and clones refused at the processes limit
  std::vector<std::pair<pid_t, std::string>> leftover_processes;  // killed at the end: pid, command
  std::optional<Credentials> credentials;  // once the program was started
  std::uint64_t injection_count = 0;   // `when` schedules that fired
  std::vector<Injection> injections;   // the first kMaxInjections of them
  static constexpr std::size_t kMaxInjections = 1000;
  std::optional<std::uint64_t> seed;   // of the probability schedules, when the policy has one
  std::string rundir;                  // the run's own directory (${RUNDIR}), if one was made
  std::vector<std::string> undeclared; // --declared: accesses the manifest does not declare ("R /path (pid ...)")
  std::vector<pid_t> attached;         // sysgate attach: the processes attached to
  bool detached = false;               // sysgate attach: they were left running, untraced

  // The exit status of `sysgate run` (see sysgate(1)).
  int exit_status() const;
};

}  // namespace sysgate
