// Everything a front end (run, and later learn, batch, test, attach) says
// about one run, before anything is opened or checked. Paths are as the user
// gave them; the Session resolves them.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compile/plan.hpp"
#include "sysgate/policy.hpp"

namespace sysgate::session {

struct Resident;

struct StdioConfig {
  // A file, or "-" for the caller's own descriptor (also what nothing means).
  std::optional<std::string> in, out, err;
  bool err_to_out = false;  // stderr goes where stdout goes (like 2>&1)
};

struct RunConfig {
  std::vector<std::string> program;   // PROGRAM and its arguments (none for attach)
  std::vector<pid_t> attach;          // sysgate attach: the running processes to supervise instead
  std::optional<double> detach_after_s;  // attach: detach after this long
  std::optional<std::string> policy;  // a file, or the name of a shipped policy; none: the default
  compile::Engine engine = compile::Engine::Seccomp;
  Limits limits;                      // each one set overrides the policy's
  std::optional<std::string> log_path;     // JSON lines
  std::optional<std::uint64_t> log_max;    // its size cap in bytes (0: none); default EventLog::kDefaultJsonMax
  std::optional<std::string> report_path;  // "-": the last line on stdout
  StdioConfig stdio;
  std::optional<std::string> cwd;     // the program's working directory
  bool clear_env = false;
  std::vector<std::string> env;       // NAME=VALUE, applied in order
  std::optional<std::string> user, group;
  std::vector<std::string> allow_weaker;
  std::optional<std::uint64_t> keep_caps;  // capabilities kept (bit N: capability N); overrides the policy's
  bool use_cgroups = true;
  std::optional<std::string> cgroup_parent;  // --cgroup: a delegated cgroup v2 to make the run's cgroup in
  bool quiet = false;                 // no decision lines on stderr
  bool log_results = true;            // the JSON log records what each logged call returned
  bool private_tmp = false;           // --private-tmp (as `tmp: private`)
  bool keep_rundir = false;           // the run's directory stays after the run
  std::optional<std::uint64_t> seed;  // of `when` probabilities without their own
  std::optional<bool> audit;          // --mode audit|enforce; none: the policy's `mode`
  bool fail_on_denial = false;        // verdict DENIED when anything was denied
  std::optional<std::string> access_report_path;  // --access-report FILE ("-": stdout)
  std::optional<std::string> declared_path;       // --declared MANIFEST
  std::string caller_cwd;             // where relative paths of the options start
  Resident* resident = nullptr;       // sysgate batch: what its process found once for every run (resident.hpp)
};

}  // namespace sysgate::session
