#include "batch/worker.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "batch/summary.hpp"
#include "session/session.hpp"
#include "trace/supervisor_process.hpp"

namespace sysgate::batch {
namespace {

namespace fs = std::filesystem;

session::RunConfig config_of(const Job& job, const RunFiles& files, const WorkerOptions& o) {
  session::RunConfig c;
  c.program = job.command;
  c.policy = job.policy;
  c.engine = job.engine;
  c.limits = job.limits;
  c.stdio.in = job.stdin_path.value_or("/dev/null");
  c.stdio.out = files.out;
  c.stdio.err = files.err;
  c.cwd = files.work;
  c.env = job.env;
  c.use_cgroups = o.use_cgroups;
  c.caller_cwd = o.base_dir;
  c.resident = o.resident;
  return c;
}

// The run itself, in the worker: the session's JSON report, and what `sysgate
// run` would exit with.
std::pair<std::string, int> run_in_worker(const Job& job, const RunFiles& files, const WorkerOptions& o) {
  session::Session s(config_of(job, files, o));
  trace::SupervisorProcess process;
  try {
    // A fresh working directory: a copy of the job's cwd, or empty.
    std::error_code ec;
    fs::remove_all(files.work, ec);
    fs::create_directories(files.work);
    if (job.cwd) fs::copy(*job.cwd, files.work, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  } catch (const fs::filesystem_error& e) {
    session::SessionError err(Verdict::SetupError, session::Session::kExitSysgateError,
                              "making the working directory " + files.work + ": " + e.code().message());
    std::cerr << "sysgate: " << err.what() << "\n";
    return {s.report(s.failed(err)), err.exit_status};
  }
  try {
    s.prepare();
  } catch (const session::SessionError& e) {
    for (const auto& d : s.policy_diagnostics()) std::cerr << d << "\n";
    std::cerr << "sysgate: " << e.what() << "\n";
    return {s.report(s.failed(e)), e.exit_status};
  }
  RunResult r = s.run(process);
  if (!r.error.empty()) std::cerr << "sysgate: " << to_string(r.verdict) << ": " << r.error << "\n";
  return {s.report(r), r.exit_status()};
}

}  // namespace

pid_t start_run(const Job& job, const RunFiles& files, const WorkerOptions& options,
                std::chrono::steady_clock::time_point started) {
  pid_t pid = fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid > 0) return pid;
  // The worker: nothing of the batch's signal handling stays.
  setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGALRM, SIGCHLD, SIGPIPE}) signal(sig, SIG_DFL);
  int log = open(files.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log >= 0) {
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    close(log);
  }
  int status = 125;
  try {
    auto [session_report, exit_status] = run_in_worker(job, files, options);
    nlohmann::json report = completed_report(job, files, session_report);
    report["batch"]["elapsed_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    write_atomically(files.report, report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    status = exit_status;
    std::error_code ec;
    if (!options.keep_work) fs::remove_all(files.work, ec);
  } catch (const std::exception& e) {
    std::cerr << "sysgate: internal error: " << e.what() << "\n";
  }
  std::cout.flush();
  std::cerr.flush();
  _exit(status);
}

void stop_run(pid_t worker) {
  // Two terminating signals end a supervised run (the first goes to the program).
  kill(worker, SIGHUP);
  kill(worker, SIGTERM);
}

}  // namespace sysgate::batch
