// The JSON report of one run (schema 1, documented in sysgate(1)).
#pragma once

#include <string>
#include <vector>

#include "limits/enforcer.hpp"
#include "report/event_log.hpp"
#include "sysgate/policy.hpp"
#include "sysgate/result.hpp"

namespace sysgate::report {

struct ReportInputs {
  const RunResult& result;
  const EventLog& log;
  const Policy& policy;
  const std::vector<limits::AppliedLimit>& limits;
  std::string engine;
  std::vector<std::string> command;
  std::vector<std::string> allow_weaker;
};

// One line of JSON, no trailing newline.
std::string run_report(const ReportInputs& in);

}  // namespace sysgate::report
