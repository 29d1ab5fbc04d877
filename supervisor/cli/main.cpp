// sysgate run | check | explain: the command line. It parses options and
// prints; a run itself is a session::Session.
#include <limits.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/attach_command.hpp"
#include "cli/batch_command.hpp"
#include "cli/explain.hpp"
#include "cli/console.hpp"
#include "cli/learn.hpp"
#include "cli/syscalls_command.hpp"
#include "cli/test_command.hpp"
#include "policy/shipped.hpp"
#include "cli/options.hpp"
#include "compile/bpf_filter.hpp"
#include "compile/plan.hpp"
#include "policy/capabilities.hpp"
#include "report/colour.hpp"
#include "policy/units.hpp"
#include "session/policy_source.hpp"
#include "session/session.hpp"
#include "sysgate/diagnostic.hpp"
#include "trace/supervisor_process.hpp"

#ifndef SYSGATE_VERSION
#define SYSGATE_VERSION "0.0.0"
#endif

namespace po = boost::program_options;

namespace sysgate::cli {
namespace {

constexpr int kExitSysgateError = 125;
constexpr int kExitInvalidPolicy = 1;

const char* const kUsage =
    "usage: sysgate run [--policy FILE|NAME] [--engine seccomp|ptrace] [--log FILE] [--report FILE|-] [--quiet]\n"
    "                   [--cpu-time T] [--wall-time T] [--memory SIZE] [--processes N] [--output SIZE]\n"
    "                   [--file-size SIZE] [--open-files N] [--stack SIZE] [--no-cgroups | --cgroup DIR]\n"
    "                   [--stdin FILE|-] [--stdout FILE|-] [--stderr FILE|-] [--stderr-to-stdout] [--cwd DIR]\n"
    "                   [--clear-env] [--env NAME=VALUE]... [--user USER] [--group GROUP]\n"
    "                   [--keep-caps CAP,...|all] [--on-process-limit end|fail]\n"
    "                   [--private-tmp] [--keep-rundir] [--seed N] [--mode enforce|audit] [--fail-on-denial]\n"
    "                   [--access-report FILE|-] [--declared MANIFEST]\n"
    "                   [--allow-weaker landlock|signals|masks|capabilities]...\n"
    "                   [--] PROGRAM [ARGS...]\n"
    "       sysgate check POLICY...\n"
    "       sysgate explain [--bpf] [--engine seccomp|ptrace] [POLICY]\n"
    "       sysgate policies [--names]\n"
    "       sysgate syscalls [--abi x86_64|i386|x32] [%GROUP|NAME]\n"
    "       sysgate test [--abi ABI] [--seed N] POLICY 'CALL' | POLICY --file CASES\n"
    "       sysgate learn [-o FILE] [--base POLICY] [--generalise none|dirs|trees] [--depth N]\n"
    "                     [--from LOG]... [--log FILE] [--engine seccomp|ptrace] [--name NAME] [--] [PROGRAM [ARGS...]]\n"
    "       sysgate batch [-j N] [--out DIR] [--rerun] [--no-cgroups] [--keep-work] [--shard I/K] JOBS\n"
    "       sysgate batch --slurm [--partition P] [--array-size K] [--wait] [-j N] --out SHARED_DIR JOBS\n"
    "       sysgate batch --collect DIR\n"
    "       sysgate attach [--policy FILE|NAME] [--log FILE] [--report FILE|-] [--quiet] [--mode enforce|audit]\n"
    "                      [--detach-after T] [--wall-time T] [--cpu-time T] [--memory SIZE] [--processes N]\n"
    "                      [--file-size SIZE] [--open-files N] [--stack SIZE] [--no-cgroups | --cgroup DIR] PID...\n"
    "       sysgate --version\n"
    "See sysgate(1) and sysgate-policy(5).\n";

compile::Engine parse_engine(const std::string& e) {
  if (e == "seccomp") return compile::Engine::Seccomp;
  if (e == "ptrace") return compile::Engine::Ptrace;
  throw UsageError("--engine: expected seccomp or ptrace, got '" + e + "'");
}

bool wants_help(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--") return false;
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

void print_diagnostics(const InputError& e) {
  for (const auto& d : e.diagnostics()) say(d.str());
}

int cmd_check(const std::vector<std::string>& args) {
  po::options_description table("check");
  auto parsed = parse_command(args, table, false);
  if (parsed.operands.empty()) throw UsageError("name at least one policy file");
  int status = 0;
  for (const auto& file : parsed.operands) {
    try {
      auto plan = compile::compile(session::load_policy(file, caller_cwd()), compile::Engine::Seccomp);
      compile::build_filter(plan);  // a policy too large for the kernel is invalid too
      for (const auto& w : warnings(plan)) say(w);
      std::cout << file << ": ok\n";
    } catch (const InputError& e) {
      print_diagnostics(e);
      status = kExitInvalidPolicy;
    } catch (const std::runtime_error& e) {
      say(std::string("sysgate: ") + e.what());
      status = kExitInvalidPolicy;
    }
  }
  return status;
}

int cmd_explain(const std::vector<std::string>& args) {
  po::options_description table("explain");
  table.add_options()("bpf", "also print the seccomp filter")("engine", po::value<std::string>()->default_value("seccomp"));
  auto parsed = parse_command(args, table, false);
  if (parsed.operands.size() > 1) throw UsageError("name one policy (or none for the built-in default)");
  std::optional<std::string> file;
  if (!parsed.operands.empty()) file = parsed.operands[0];
  auto engine = parse_engine(parsed.options["engine"].as<std::string>());
  try {
    auto plan = compile::compile(session::load_policy(file, caller_cwd()), engine);
    std::cout << explain(plan, parsed.options.count("bpf") > 0);
  } catch (const InputError& e) {
    print_diagnostics(e);
    return kExitInvalidPolicy;
  } catch (const session::PolicyNotFound& e) {
    say(std::string("sysgate: ") + e.what());
    return kExitInvalidPolicy;
  }
  return 0;
}

po::options_description run_options() {
  po::options_description t("run");
  auto text = [] { return po::value<std::string>(); };
  t.add_options()("policy", text())("engine", po::value<std::string>()->default_value("seccomp"))("log", text())(
      "log-max", text())("report", text())("quiet", "")("cpu-time", text())("wall-time", text())("memory", text())("processes", text())(
      "output", text())("file-size", text())("open-files", text())("stack", text())("no-cgroups", "")("cgroup", text())("stdin", text())(
      "stdout", text())("stderr", text())("stderr-to-stdout", "")("cwd", text())("clear-env", "")(
      "env", po::value<std::vector<std::string>>())("user", text())("group", text())(
      "allow-weaker", po::value<std::vector<std::string>>())("keep-caps", text())("on-process-limit", text())(
      "private-tmp", "")("keep-rundir", "")("seed", text())("mode", text())("fail-on-denial", "")(
      "access-report", text())("declared", text())("no-log-results", "");
  return t;
}

session::RunConfig run_config(const ParsedCommand& parsed) {
  const po::variables_map& vm = parsed.options;
  session::RunConfig c;
  c.program = parsed.operands;
  if (c.program.empty()) throw UsageError("no PROGRAM given");
  c.policy = opt_value<std::string>(vm, "policy");
  c.engine = parse_engine(vm["engine"].as<std::string>());
  limit_options(vm, c.limits);
  c.log_path = opt_value<std::string>(vm, "log");
  if (auto m = opt_value<std::string>(vm, "log-max")) {
    try {
      c.log_max = *m == "0" ? 0 : policy::parse_size(*m);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--log-max: ") + e.what());
    }
  }
  c.report_path = opt_value<std::string>(vm, "report");
  c.stdio.in = opt_value<std::string>(vm, "stdin");
  c.stdio.out = opt_value<std::string>(vm, "stdout");
  c.stdio.err = opt_value<std::string>(vm, "stderr");
  c.stdio.err_to_out = vm.count("stderr-to-stdout") > 0;
  if (c.stdio.err_to_out && c.stdio.err) throw UsageError("--stderr-to-stdout and --stderr both say where stderr goes");
  c.cwd = opt_value<std::string>(vm, "cwd");
  c.clear_env = vm.count("clear-env") > 0;
  c.env = opt_value<std::vector<std::string>>(vm, "env").value_or(std::vector<std::string>{});
  for (const auto& kv : c.env)
    if (kv.find('=') == std::string::npos || kv[0] == '=') throw UsageError("--env: expected NAME=VALUE, got '" + kv + "'");
  c.user = opt_value<std::string>(vm, "user");
  c.group = opt_value<std::string>(vm, "group");
  if (auto caps = opt_value<std::string>(vm, "keep-caps")) {
    try {
      c.keep_caps = policy::parse_capabilities(*caps);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--keep-caps: ") + e.what());
    }
  }
  if (auto a = opt_value<std::string>(vm, "on-process-limit")) {
    if (*a == "end") c.limits.on_process_limit = ProcessLimitAction::End;
    else if (*a == "fail") c.limits.on_process_limit = ProcessLimitAction::Fail;
    else throw UsageError("--on-process-limit: expected end or fail, got '" + *a + "'");
  }
  c.allow_weaker = opt_value<std::vector<std::string>>(vm, "allow-weaker").value_or(std::vector<std::string>{});
  c.use_cgroups = cgroups_wanted(vm);
  c.cgroup_parent = opt_value<std::string>(vm, "cgroup");
  c.private_tmp = vm.count("private-tmp") > 0;
  c.fail_on_denial = vm.count("fail-on-denial") > 0;
  c.log_results = vm.count("no-log-results") == 0;
  c.access_report_path = opt_value<std::string>(vm, "access-report");
  c.declared_path = opt_value<std::string>(vm, "declared");
  if (auto m = opt_value<std::string>(vm, "mode")) {
    if (*m != "audit" && *m != "enforce") throw UsageError("--mode: expected enforce or audit, got '" + *m + "'");
    c.audit = *m == "audit";
  }
  c.keep_rundir = vm.count("keep-rundir") > 0;
  if (auto seed = opt_value<std::string>(vm, "seed")) c.seed = parse_seed(*seed);
  c.quiet = vm.count("quiet") > 0;
  c.caller_cwd = caller_cwd();
  return c;
}

void say_verdict(const RunResult& r, const Limits& limits) {
  char buf[256];
  switch (r.verdict) {
    case Verdict::CpuTimeLimit:
      std::snprintf(buf, sizeof buf, "cpu time %.3f s reached the limit of %g s", r.cpu_time_s, limits.cpu_time_s.value_or(0));
      break;
    case Verdict::WallTimeLimit:
      std::snprintf(buf, sizeof buf, "wall time %.3f s reached the limit of %g s", r.wall_time_s, limits.wall_time_s.value_or(0));
      break;
    case Verdict::MemoryLimit: std::snprintf(buf, sizeof buf, "memory went over the limit of %llu bytes", static_cast<unsigned long long>(limits.memory.value_or(0))); break;
    case Verdict::OutputLimit: std::snprintf(buf, sizeof buf, "output went over the limit of %llu bytes", static_cast<unsigned long long>(limits.output.value_or(0))); break;
    case Verdict::ProcessLimit: std::snprintf(buf, sizeof buf, "the tree tried to exceed %llu tasks", static_cast<unsigned long long>(limits.processes.value_or(0))); break;
    default: return;
  }
  say(std::string("sysgate: ") + report::paint(to_string(r.verdict), report::kRed, report::colour_for(2)) + ": " + buf);
}

// `sysgate policies [--names]`: the shipped policies, one line each.
int cmd_policies(const std::vector<std::string>& args) {
  po::options_description table("policies");
  table.add_options()("names", "only the names (for completion)");
  auto parsed = parse_command(args, table, false);
  if (!parsed.operands.empty()) throw UsageError("policies takes no operands");
  bool names = parsed.options.count("names") > 0;
  for (auto name : policy::shipped_policy_names()) {
    if (names) {
      std::cout << name << "\n";
      continue;
    }
    char head[64];
    std::snprintf(head, sizeof head, "%-14s", std::string(name).c_str());
    std::cout << head << policy::shipped_policy_summary(name) << "\n"
              << std::string(14, ' ') << "built in (policies/" << name << ".yaml; --policy " << name << ")\n";
  }
  return 0;
}

int cmd_run(const std::vector<std::string>& args) {
  auto table = run_options();
  session::Session session(run_config(parse_command(args, table, true)));
  const auto& c = session.config();
  trace::SupervisorProcess process;
  try {
    session.prepare();
  } catch (const session::SessionError& e) {
    for (const auto& d : session.policy_diagnostics()) say(d);
    say(std::string("sysgate: ") + e.what());
    write_json_to(c.report_path, [&] { return session.report(session.failed(e)); });
    return e.exit_status;
  }
  RunResult result = session.run(process);
  if (result.verdict == Verdict::SetupError && result.exec_errno != 0)
    say("sysgate: cannot execute " + c.program[0] + ": " + std::strerror(result.exec_errno) +
        " (the policy must allow the execve of the program)");
  else if (result.verdict == Verdict::SetupError || result.verdict == Verdict::InternalError)
    say(std::string("sysgate: ") + to_string(result.verdict) + ": " + result.error);
  for (const auto& u : result.undeclared) say("sysgate: undeclared access: " + u);
  if (!c.quiet) {
    if (result.verdict == Verdict::Violation)
      say("sysgate: " + report::paint("VIOLATION", report::kRed, report::colour_for(2)) + ": " + result.violation);
    say_verdict(result, session.limits());
  }
  write_json_to(c.access_report_path, [&] { return session.access_report(); }, "--access-report");
  write_json_to(c.report_path, [&] { return session.report(result); });
  return result.exit_status();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string cmd;
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      std::cout << kUsage;
      return args.empty() ? kExitSysgateError : 0;
    }
    if (args[0] == "--version") {
      std::cout << "sysgate " << SYSGATE_VERSION << "\n";
      return 0;
    }
    cmd = args[0];
    args.erase(args.begin());
    if (cmd != "run" && cmd != "check" && cmd != "explain" && cmd != "learn" && cmd != "policies" &&
        cmd != "syscalls" && cmd != "test" && cmd != "batch" && cmd != "attach") {
      std::string unknown = cmd;
      cmd.clear();
      throw UsageError("unknown command '" + unknown + "'");
    }
    if (wants_help(args)) {
      std::cout << kUsage;
      return 0;
    }
    if (cmd == "run") return cmd_run(args);
    if (cmd == "learn") return cmd_learn(args);
    if (cmd == "batch") return cmd_batch(args);
    if (cmd == "attach") return cmd_attach(args);
    if (cmd == "policies") return cmd_policies(args);
    if (cmd == "syscalls") return cmd_syscalls(args);
    if (cmd == "test") return cmd_test(args);
    if (cmd == "check") return cmd_check(args);
    return cmd_explain(args);
  } catch (const UsageError& e) {
    say("sysgate: " + (cmd.empty() ? "" : cmd + ": ") + e.what());
    say(cmd.empty() ? "try 'sysgate --help'" : "try 'sysgate " + cmd + " --help'");
    return kExitSysgateError;
  } catch (const std::exception& e) {
    say(std::string("sysgate: internal error: ") + e.what());
    return kExitSysgateError;
  }
}

}  // namespace sysgate::cli

int main(int argc, char** argv) { return sysgate::cli::main(argc, argv); }
