// One run of a batch in a child process of its own, made as `sysgate run`
// makes a run: a session::Session from a RunConfig. Each run has its own
// supervisor (one tracer per process), its own cgroups and limits, and a fresh
// working directory, so neighbours cannot disturb its limits or accounting.
// The worker also finishes its run: it compares the output, writes the run's
// report and removes the working directory, so that the batch's process only
// starts and reaps workers (and with -j N that work is spread over N).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

#include "batch/job.hpp"
#include "batch/job_report.hpp"
#include "session/resident.hpp"

namespace sysgate::batch {

struct WorkerOptions {
  bool use_cgroups = true;
  bool keep_work = false;  // the working directory stays after the run
  std::string base_dir;  // where relative paths of the job start (the job file's directory)
  session::Resident* resident = nullptr;  // found once in the batch's process, inherited by each worker
};

// Forks; the child runs the job to its end, writes files.report (with
// batch.elapsed_s counted from `started`) and exits. The child is the leader
// of a process group of its own, so a terminal's Ctrl-C reaches only the
// batch, which stops runs itself. Throws std::system_error when fork fails.
pid_t start_run(const Job& job, const RunFiles& files, const WorkerOptions& options,
                std::chrono::steady_clock::time_point started);

// Ends a run that was started: its supervisor kills the program's tree and
// removes its cgroups; the batch then removes the report its worker wrote.
void stop_run(pid_t worker);

}  // namespace sysgate::batch
