// sysgate batch: many runs from a job file, N at once, each compared with its
// expected output, with reports and a summary (sysgate(1) COMMANDS,
// sysgate-batch(5)). Option parsing and printing only; the work is in
// supervisor/batch/.
#pragma once

#include <string>
#include <vector>

namespace sysgate::cli {

// Exit statuses of `sysgate batch` (sysgate(1)).
constexpr int kBatchUnexpected = 1;   // some run's verdict is not its expected one (or it did not run)
constexpr int kBatchInvalidJobs = 3;  // the job file is invalid
constexpr int kBatchInterrupted = 130;

// `args` are the arguments after "batch". Throws UsageError for a mistake on
// the command line.
int cmd_batch(const std::vector<std::string>& args);

}  // namespace sysgate::cli
