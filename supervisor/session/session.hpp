// One run, the same for every front end: config -> prepare -> run -> report.
// prepare() does everything that can fail before the program starts (the
// working directory, the policy, the program lookup, credentials, stdio, the
// "never silently weaker" guarantee checks, the plan and filter, the limits);
// run() supervises the program; report() is the JSON report. The front end
// keeps only option parsing and printing, and owns the process-wide set-up
// (trace::SupervisorProcess).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "access/access_record.hpp"
#include "access/manifest.hpp"
#include "compile/plan.hpp"
#include "limits/enforcer.hpp"
#include "limits/output_relay.hpp"
#include "report/event_log.hpp"
#include "report/run_report.hpp"
#include "session/run_config.hpp"
#include "session/run_directory.hpp"
#include "session/stdio.hpp"
#include "sysgate/result.hpp"
#include "trace/launcher.hpp"
#include "trace/supervisor_process.hpp"

namespace sysgate::session {

// A run that could not start: what to say, the verdict and sysgate's exit status.
struct SessionError : std::runtime_error {
  SessionError(Verdict v, int status, const std::string& message)
      : std::runtime_error(message), verdict(v), exit_status(status) {}
  Verdict verdict;
  int exit_status;
};

class Session {
 public:
  static constexpr int kExitSysgateError = 125;
  static constexpr int kExitCannotAttach = 122;  // attach: not permitted, or no such process

  explicit Session(RunConfig config);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Throws SessionError (an InputError of the policy is one too: see
  // policy_diagnostics()). Nothing has run when it throws.
  void prepare();
  // Supervises the program to its end; prepare() must have succeeded. For
  // attach, `attached(pid, threads)` is called once each process is seized;
  // a process that cannot be attached then gives a SETUP_ERROR result.
  RunResult run(trace::SupervisorProcess& process,
                const std::function<void(pid_t, std::size_t)>& attached = [](pid_t, std::size_t) {});

  // The JSON report of a finished run, or of one that failed to start.
  std::string report(const RunResult& result) const;
  // The access report (--access-report) of a finished run.
  std::string access_report() const { return accesses_ ? accesses_->json() : std::string(); }
  RunResult failed(const SessionError& e) const;

  const RunConfig& config() const { return config_; }
  const Limits& limits() const;  // the policy's, with the overrides
  // Each problem of an invalid policy, as FILE:LINE:COLUMN: message.
  const std::vector<std::string>& policy_diagnostics() const { return policy_diagnostics_; }

 private:
  // ${RUNDIR} and a private /tmp, once the policy and the run's user are known.
  void prepare_rundir(const RunConfig& c);
  // prepare() for attach: the policy and the limits a running process can be given.
  void prepare_attach();
  RunConfig config_;
  std::optional<Policy> policy_;       // until compiled into plan_
  std::optional<compile::Plan> plan_;
  std::vector<sock_filter> filter_;
  std::unique_ptr<ProgramStdio> stdio_;
  std::unique_ptr<report::EventLog> log_;
  std::unique_ptr<limits::LimitEnforcer> enforcer_;
  std::unique_ptr<limits::OutputRelay> relay_;
  trace::LaunchSpec spec_;
  report::Guarantees guarantees_;
  RunDirectory rundir_;
  std::unique_ptr<access::AccessRecord> accesses_;  // --access-report, --declared
  std::optional<access::Manifest> manifest_;
  std::uint64_t seed_ = 0;
  bool uses_seed_ = false;  // some `when` has a probability
  std::vector<std::string> policy_diagnostics_;
};

}  // namespace sysgate::session
