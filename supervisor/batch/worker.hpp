// One run of a batch in a child process of its own, made as `sysgate run`
// makes a run: a session::Session from a RunConfig. Each run has its own
// supervisor (one tracer per process), its own cgroups and limits, and a fresh
// working directory, so neighbours cannot disturb its limits or accounting.
#pragma once

#include <sys/types.h>

#include <string>

#include "batch/job.hpp"
#include "session/resident.hpp"

namespace sysgate::batch {

// Where one run's files go under the batch's output directory.
struct RunFiles {
  std::string work;        // the fresh working directory (a copy of the job's cwd)
  std::string out, err;    // the program's stdout and stderr
  std::string raw_report;  // the session's JSON report, before the batch adds the comparison
  std::string log;         // sysgate's own messages about the run (its decisions, errors)
};

struct WorkerOptions {
  bool use_cgroups = true;
  std::string base_dir;  // where relative paths of the job start (the job file's directory)
  session::Resident* resident = nullptr;  // found once in the batch's process, inherited by each worker
};

// Forks; the child runs the job to its end, writes files.raw_report and
// exits. The child is the leader of a process group of its own, so a
// terminal's Ctrl-C reaches only the batch, which stops runs itself.
// Throws std::system_error when fork fails.
pid_t start_run(const Job& job, const RunFiles& files, const WorkerOptions& options);

// Ends a run that was started: its supervisor kills the program's tree,
// removes its cgroups and writes its report, which the batch then ignores.
void stop_run(pid_t worker);

}  // namespace sysgate::batch
