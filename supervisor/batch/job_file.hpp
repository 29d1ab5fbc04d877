// The job file of `sysgate batch` (sysgate-batch(5)): JSON lines (one run a
// line, an optional first line {"defaults": {...}}) or YAML (a map with
// `defaults` and `runs`). Every key but `id` and `command` may come from the
// defaults; a run's own keys override them (limits one by one). Relative
// paths are relative to the job file's directory, and `${id}` in command,
// cwd, stdin and expect_stdout is the run's id.
#pragma once

#include <string>
#include <vector>

#include "batch/job.hpp"

namespace sysgate::batch {

// Throws InputError naming FILE:LINE:COLUMN of every problem, or
// std::runtime_error when the file cannot be read.
std::vector<Job> load_jobs(const std::string& path);

// Every verdict a run can end with, WRONG_ANSWER included.
const std::vector<std::string>& verdict_names();

}  // namespace sysgate::batch
