#include "cli/attach_command.hpp"

#include <boost/program_options.hpp>
#include <cctype>
#include <cstdlib>

#include "cli/console.hpp"
#include "cli/options.hpp"
#include "policy/units.hpp"
#include "session/session.hpp"
#include "trace/supervisor_process.hpp"

namespace po = boost::program_options;

namespace sysgate::cli {
namespace {

pid_t parse_pid(const std::string& text) {
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0])) || *end != '\0' || v <= 0 || v > 4194304)
    throw UsageError("expected process ids, got '" + text + "'");
  return static_cast<pid_t>(v);
}

double duration_option(const po::variables_map& vm, const char* name) {
  try {
    return policy::parse_duration(vm[name].as<std::string>());
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--") + name + ": " + e.what());
  }
}

}  // namespace

int cmd_attach(const std::vector<std::string>& args) {
  po::options_description table("attach");
  auto text = [] { return po::value<std::string>(); };
  table.add_options()("policy", text())("log", text())("report", text())("quiet", "")("detach-after", text())(
      "wall-time", text())("cpu-time", text())("memory", text())("processes", text())("file-size", text())(
      "open-files", text())("stack", text())("no-cgroups", "")("cgroup", text())("mode", text())("seed", text());
  auto parsed = parse_command(args, table, false);
  const auto& vm = parsed.options;
  if (parsed.operands.empty()) throw UsageError("name the process ids to attach to");
  session::RunConfig c;
  for (const auto& p : parsed.operands) {
    pid_t pid = parse_pid(p);
    if (std::find(c.attach.begin(), c.attach.end(), pid) != c.attach.end())
      throw UsageError("process " + p + " is named twice");
    c.attach.push_back(pid);
  }
  c.engine = compile::Engine::Ptrace;
  if (vm.count("policy")) c.policy = vm["policy"].as<std::string>();
  if (vm.count("log")) c.log_path = vm["log"].as<std::string>();
  if (vm.count("report")) c.report_path = vm["report"].as<std::string>();
  c.quiet = vm.count("quiet") > 0;
  if (vm.count("detach-after")) c.detach_after_s = duration_option(vm, "detach-after");
  limit_options(vm, c.limits);
  c.use_cgroups = cgroups_wanted(vm);
  c.cgroup_parent = opt_value<std::string>(vm, "cgroup");
  if (vm.count("mode")) {
    std::string m = vm["mode"].as<std::string>();
    if (m != "audit" && m != "enforce") throw UsageError("--mode: expected enforce or audit, got '" + m + "'");
    c.audit = m == "audit";
  }
  if (vm.count("seed")) c.seed = parse_seed(vm["seed"].as<std::string>());
  c.caller_cwd = caller_cwd();

  session::Session session(std::move(c));
  const auto& config = session.config();
  trace::SupervisorProcess process;
  try {
    session.prepare();
  } catch (const session::SessionError& e) {
    for (const auto& d : session.policy_diagnostics()) say(d);
    say(std::string("sysgate: ") + e.what());
    write_json_to(config.report_path, [&] { return session.report(session.failed(e)); });
    return e.exit_status;
  }
  RunResult r = session.run(process, [](pid_t pid, std::size_t threads) {
    say("sysgate: attached to " + std::to_string(pid) + " (" + std::to_string(threads) +
        (threads == 1 ? " thread)" : " threads)"));
  });
  int status = r.exit_status();
  if (r.verdict == Verdict::SetupError) {
    say("sysgate: " + r.error);
    status = session::Session::kExitCannotAttach;
  } else if (r.verdict == Verdict::InternalError) {
    say("sysgate: " + r.error);
  } else if (r.detached) {
    for (pid_t pid : config.attach) say("sysgate: detached from " + std::to_string(pid));
    status = 0;
  } else if (r.verdict == Verdict::Violation && !config.quiet) {
    say("sysgate: VIOLATION: " + r.violation);
  } else if (r.verdict == Verdict::WallTimeLimit && !config.quiet) {
    say("sysgate: WALL_TIME_LIMIT: the attached processes were killed");
  }
  write_json_to(config.report_path, [&] { return session.report(r); });
  return status;
}

}  // namespace sysgate::cli
