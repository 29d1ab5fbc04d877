// A batch on a Slurm cluster, as a user would run one: a job script whose
// array tasks each run one shard (`sysgate batch --shard I/K`, the same code
// path as a local batch) into a shared output directory, submitted with
// sbatch(1), watched with squeue(1), cancelled with scancel(1).
#pragma once

#include <optional>
#include <string>

namespace sysgate::batch {

struct SlurmSubmission {
  std::string out_dir, jobs_file, sysgate;  // absolute paths every node must see
  unsigned tasks = 1;                       // the array's size: shards 0..tasks-1
  std::optional<std::string> partition;
  std::optional<unsigned> parallel;         // -j of each task; none: the CPUs Slurm gives it
  bool use_cgroups = true;
};

// The job script (#SBATCH lines, then the shard's command).
std::string job_script(const SlurmSubmission& s);

// Writes DIR/slurm/batch.sbatch and DIR/slurm/job_id, submits the script;
// returns the array's job id. Throws std::runtime_error with sbatch's words.
std::string submit(const SlurmSubmission& s);

// Tasks of the job still in squeue (pending or running); nullopt when squeue fails.
std::optional<int> tasks_in_queue(const std::string& job_id);

// Cancels what is left of the job.
void cancel(const std::string& job_id);

}  // namespace sysgate::batch
