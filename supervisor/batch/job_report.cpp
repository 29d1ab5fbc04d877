#include "batch/job_report.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <stdexcept>

#include "batch/compare.hpp"
#include "batch/summary.hpp"

namespace sysgate::batch {
namespace {

using nlohmann::json;

json comparison_json(const Job& job, const Comparison& c) {
  json j = {{"mode", to_string(job.compare.mode)}, {"matched", c.matched}};
  if (job.compare.mode == CompareSpec::Mode::Float) {
    j["epsilon"] = job.compare.epsilon;
    j["error"] = to_string(job.compare.error);
  }
  if (c.first_difference) {
    const Difference& d = *c.first_difference;
    j["first_difference"] = {{"line", d.line}, {"expected", d.expected}, {"got", d.got}, {"why", d.why}};
    if (d.token != 0) j["first_difference"]["token"] = d.token;
  }
  return j;
}

json internal_error(const RunFiles& f, const std::string& why) {
  return {{"schema", 1}, {"verdict", "INTERNAL_ERROR"},
          {"error", "the run's supervisor ended without a report (" + why + "); see " + f.log}};
}

// The batch's part of a report whose session part is `r`.
json complete(const Job& job, const RunFiles& f, json r) {
  const std::string run_verdict = r.value("verdict", "INTERNAL_ERROR");
  json b = {{"id", job.id}, {"run_verdict", run_verdict}, {"expect_verdict", job.expect_verdict},
            {"stdout", f.out}, {"stderr", f.err}, {"log", f.log}, {"comparison", nullptr}};
  std::string verdict = run_verdict;
  if (run_verdict == "OK" && job.expect_stdout) {
    try {
      Comparison c = compare_files(*job.expect_stdout, f.out, job.compare);
      b["comparison"] = comparison_json(job, c);
      if (!c.matched) verdict = "WRONG_ANSWER";
    } catch (const std::runtime_error& e) {
      verdict = "INTERNAL_ERROR";
      r["error"] = std::string("comparing the output: ") + e.what();
    }
  }
  b["verdict"] = verdict;
  b["as_expected"] = verdict == job.expect_verdict;
  r["verdict"] = verdict;
  r["batch"] = b;
  return r;
}

}  // namespace

RunFiles files_of(const std::string& dir, const std::string& id) {
  return {dir + "/work/" + id, dir + "/out/" + id + ".stdout", dir + "/out/" + id + ".stderr",
          report_path(dir, id), dir + "/logs/" + id + ".log"};
}

json completed_report(const Job& job, const RunFiles& files, const std::string& session_report) {
  json r;
  try {
    r = json::parse(session_report);
  } catch (const json::exception& e) {
    r = internal_error(files, std::string("its report does not parse: ") + e.what());
  }
  return complete(job, files, std::move(r));
}

json missing_report(const Job& job, const RunFiles& files, int status) {
  char why[64];
  if (WIFSIGNALED(status)) std::snprintf(why, sizeof why, "killed by signal %d", WTERMSIG(status));
  else std::snprintf(why, sizeof why, "exit status %d", WEXITSTATUS(status));
  return complete(job, files, internal_error(files, why));
}

}  // namespace sysgate::batch
