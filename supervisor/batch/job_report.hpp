// A run's report as a batch writes it (DIR/reports/ID.json): the session's
// report (sysgate run's) completed with the output compared against the
// expected one, the batch's verdict and where the run's files are. The run's
// worker writes it as its last step; the batch writes one itself only for a
// worker that ended without one.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "batch/job.hpp"

namespace sysgate::batch {

// Where one run's files go under the batch's output directory.
struct RunFiles {
  std::string work;      // the fresh working directory (a copy of the job's cwd)
  std::string out, err;  // the program's stdout and stderr
  std::string report;    // the run's report (DIR/reports/ID.json)
  std::string log;       // sysgate's own messages about the run (its decisions, errors)
};
RunFiles files_of(const std::string& out_dir, const std::string& id);

// The session's JSON report completed: output compared (an OK run whose
// output differs is WRONG_ANSWER), the batch's part added. A session report
// that does not parse gives an INTERNAL_ERROR report.
nlohmann::json completed_report(const Job& job, const RunFiles& files, const std::string& session_report);

// For a worker that ended without writing the report (`wait_status` as waitpid gave it).
nlohmann::json missing_report(const Job& job, const RunFiles& files, int wait_status);

}  // namespace sysgate::batch
