// The runs of a batch on this machine: a fixed pool of N workers (each one
// run, batch/worker.hpp), each finished run's report completed with the
// output comparison and written as DIR/reports/ID.json, then the summary.
// Runs whose report exists are skipped unless `rerun`. SIGINT, SIGTERM or
// SIGHUP stop the runs in flight (their supervisors kill the programs and
// clean up; they get no report, so a resumed batch does them again) and the
// summary so far is written.
#pragma once

#include <string>
#include <vector>

#include "batch/job.hpp"
#include "batch/progress.hpp"

namespace sysgate::batch {

// The CPUs this process may run on (a Slurm task's cpuset, taskset's list).
unsigned usable_cpus();

struct BatchOptions {
  std::string out_dir;        // absolute
  unsigned parallel = 0;      // 0: usable_cpus()
  bool rerun = false;
  bool use_cgroups = true;
  bool keep_work = false;     // working directories stay (DIR/work/ID)
  unsigned shard = 0, shards = 1;  // this invocation runs jobs i with i % shards == shard
  std::string base_dir;       // the job file's directory
};

// The jobs of one shard.
std::vector<Job> shard_of(const std::vector<Job>& jobs, unsigned shard, unsigned shards);

// Runs `jobs` (already one shard's); false when a signal stopped the batch.
bool run_jobs(const std::vector<Job>& jobs, const BatchOptions& options);

// DIR/reports, DIR/out, DIR/logs, DIR/work; throws std::runtime_error naming what failed.
void make_out_dir(const std::string& dir);

}  // namespace sysgate::batch
