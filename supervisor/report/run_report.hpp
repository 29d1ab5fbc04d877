// The JSON report of one run (schema 1, documented in sysgate(1)).
#pragma once

#include <string>
#include <vector>

#include "limits/enforcer.hpp"
#include "report/event_log.hpp"
#include "sysgate/policy.hpp"
#include "sysgate/result.hpp"

namespace sysgate::report {

// Which of sysgate's own guarantees a run was given, and how (the report's
// "guarantees" object); limits name their mechanism in "limits".
struct Guarantees {
  bool privileged = false;        // the supervisor had CAP_SYS_ADMIN (root)
  int landlock_abi = 0;           // 0: no Landlock applied
  bool landlock_filesystem = false;  // the filesystem backstop
  bool signals_scoped = false;    // signals reach only the sandbox
  std::size_t masks = 0;          // deny entries masked
  bool masks_in_user_namespace = false;
  std::size_t view_trees = 0;     // `view: true`: trees and files bound into the view
  bool view = false;
  bool view_answers_stat = false; // stat-like calls answered by the kernel there, unstopped
  std::string cgroups;            // the run's cgroup directories, space-separated
};

struct ReportInputs {
  const RunResult& result;
  const EventLog& log;
  const Policy& policy;
  const std::vector<limits::AppliedLimit>& limits;
  std::string engine;
  std::vector<std::string> command;
  std::vector<std::string> allow_weaker;
  Guarantees guarantees;
};

// One line of JSON, no trailing newline.
std::string run_report(const ReportInputs& in);

}  // namespace sysgate::report
