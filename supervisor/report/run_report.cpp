#include "report/run_report.hpp"

#include "arch/constants.hpp"
#include "policy/canonical.hpp"
#include "policy/capabilities.hpp"
#include "report/json_writer.hpp"
#include "report/sha256.hpp"

namespace sysgate::report {

std::string run_report(const ReportInputs& in) {
  using J = Json;
  const RunResult& r = in.result;
  J j;
  j["schema"] = 1;
  j["sysgate_version"] = SYSGATE_VERSION;
  j["verdict"] = to_string(r.verdict);
  j["exit_status"] = r.exit_status();
  j["exit_code"] = r.exit_code ? J(*r.exit_code) : J(nullptr);
  j["signal"] = r.signal ? J{{"number", *r.signal}, {"name", arch::signal_name(*r.signal)}} : J(nullptr);
  j["cpu_time_s"] = r.cpu_time_s;
  j["wall_time_s"] = r.wall_time_s;
  j["memory_peak_bytes"] = r.memory_peak_bytes;
  j["processes_peak"] = r.processes_peak;
  j["output_bytes"] = r.output_bytes;
  j["processes_refused"] = r.processes_refused;
  J limits = J::object();
  for (const char* name : {"cpu_time", "wall_time", "memory", "processes", "output", "file_size", "open_files", "stack"})
    limits[name] = nullptr;
  for (const auto& l : in.limits) {
    J v = (l.name == "cpu_time" || l.name == "wall_time") ? J(l.value) : J(static_cast<std::uint64_t>(l.value));
    limits[l.name] = {{"value", v}, {"mechanism", limits::to_string(l.mechanism)}};
  }
  j["limits"] = limits;
  j["denials"] = {{"count", in.log.denial_count()}, {"first", in.log.first_denials()}};
  j["violation"] = in.log.violation().is_null() ? J(nullptr) : in.log.violation();
  j["probes"] = in.log.probe_count();
  j["mode"] = in.policy.audit ? "audit" : "enforce";
  j["would_deny"] = {{"count", in.log.would_deny_count()}, {"first", in.log.would_deny()}};
  j["rewrites"] = {{"count", in.log.rewrite_count()}, {"first", in.log.first_rewrites()}};
  J injections = J::array();
  for (const auto& i : r.injections)
    injections.push_back({{"rule", i.rule}, {"syscall", i.syscall}, {"pid", i.pid}, {"count", i.count}});
  j["injections"] = {{"count", r.injection_count}, {"first", injections}};
  j["seed"] = r.seed ? J(*r.seed) : J(nullptr);
  j["rundir"] = r.rundir.empty() ? J(nullptr) : J(r.rundir);
  j["undeclared"] = r.undeclared;
  j["attached"] = r.attached.empty() ? J(nullptr) : J(r.attached);
  j["detached"] = r.detached;
  J leftovers = J::array();
  for (const auto& [pid, comm] : r.leftover_processes) leftovers.push_back({{"pid", pid}, {"command", comm}});
  j["leftover_processes"] = leftovers;
  j["policy"] = {{"name", in.policy.name}, {"sha256", sha256_hex(policy::canonical_text(in.policy))},
                 {"sources", in.policy.sources}};
  if (r.credentials)
    j["credentials"] = {{"uid", r.credentials->uid}, {"gid", r.credentials->gid}, {"groups", r.credentials->groups},
                        {"capabilities", policy::capabilities_list(r.credentials->capabilities)}};
  else
    j["credentials"] = nullptr;
  j["engine"] = in.engine;
  j["command"] = in.command;
  j["allow_weaker"] = in.allow_weaker;
  const Guarantees& g = in.guarantees;
  J cgroups = J::array();
  for (std::size_t at = 0; at < g.cgroups.size();) {
    std::size_t end = std::min(g.cgroups.find(' ', at), g.cgroups.size());
    cgroups.push_back(g.cgroups.substr(at, end - at));
    at = end + 1;
  }
  j["guarantees"] = {
      {"privileged", g.privileged},
      {"landlock", g.landlock_abi == 0 ? J(nullptr)
                                       : J{{"abi", g.landlock_abi},
                                           {"filesystem", g.landlock_filesystem},
                                           {"signals", g.signals_scoped}}},
      {"masks", g.masks == 0 ? J(nullptr)
                             : J{{"count", g.masks},
                                 {"namespace", g.masks_in_user_namespace ? "user" : "mount"}}},
      {"view", !g.view ? J(nullptr) : J{{"trees", g.view_trees}, {"stat_answered_by_kernel", g.view_answers_stat}}},
      {"cgroups", cgroups}};
  j["error"] = r.error.empty() ? J(nullptr) : J(r.error);
  return json_text(j);  // never throws on the program's bytes
}

}  // namespace sysgate::report
