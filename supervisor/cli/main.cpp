// sysgate run | check | explain: the command line.
#include <limits.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/explain.hpp"
#include "compile/bpf_filter.hpp"
#include "compile/plan.hpp"
#include "policy/loader.hpp"
#include "report/event_log.hpp"
#include "sysgate/diagnostic.hpp"
#include "trace/monitor.hpp"
#include "trace/program_path.hpp"

#ifndef SYSGATE_VERSION
#define SYSGATE_VERSION "0.0.0"
#endif

namespace po = boost::program_options;

namespace sysgate::cli {
namespace {

constexpr int kExitSysgateError = 125;
constexpr int kExitInvalidPolicy = 1;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char* const kUsage =
    "usage: sysgate run [--policy FILE] [--engine seccomp|ptrace] [--log FILE] [--] PROGRAM [ARGS...]\n"
    "       sysgate check POLICY...\n"
    "       sysgate explain [--bpf] [--engine seccomp|ptrace] POLICY\n"
    "       sysgate --version\n"
    "See sysgate(1) and sysgate-policy(5).\n";

std::string caller_cwd() {
  char buf[PATH_MAX];
  if (getcwd(buf, sizeof buf) == nullptr) return "/";
  return buf;
}

compile::Engine parse_engine(const std::string& e) {
  if (e == "seccomp") return compile::Engine::Seccomp;
  if (e == "ptrace") return compile::Engine::Ptrace;
  throw UsageError("--engine: expected seccomp or ptrace, got '" + e + "'");
}

Policy load(const std::optional<std::string>& file) {
  policy::LoadOptions options{caller_cwd()};
  if (!file) return policy::load_shipped("default", options);
  return policy::load_file(*file, options);
}

void print_diagnostics(const InputError& e) {
  for (const auto& d : e.diagnostics()) std::cerr << d.str() << "\n";
}

po::variables_map parse(const std::vector<std::string>& args, po::options_description& desc,
                        const po::positional_options_description& pos) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

int cmd_check(const std::vector<std::string>& args) {
  po::options_description desc("check");
  desc.add_options()("policy", po::value<std::vector<std::string>>(), "policy files");
  po::positional_options_description pos;
  pos.add("policy", -1);
  auto vm = parse(args, desc, pos);
  if (!vm.count("policy")) throw UsageError("check: name at least one policy file");
  int status = 0;
  for (const auto& file : vm["policy"].as<std::vector<std::string>>()) {
    try {
      auto plan = compile::compile(load(file), compile::Engine::Seccomp);
      compile::build_filter(plan);  // a policy too large for the kernel is invalid too
      for (const auto& w : warnings(plan)) std::cerr << w << "\n";
      std::cout << file << ": ok\n";
    } catch (const InputError& e) {
      print_diagnostics(e);
      status = kExitInvalidPolicy;
    } catch (const std::runtime_error& e) {
      std::cerr << file << ": " << e.what() << "\n";
      status = kExitInvalidPolicy;
    }
  }
  return status;
}

int cmd_explain(const std::vector<std::string>& args) {
  po::options_description desc("explain");
  desc.add_options()("bpf", "also print the seccomp filter")("engine", po::value<std::string>()->default_value("seccomp"))(
      "policy", po::value<std::vector<std::string>>());
  po::positional_options_description pos;
  pos.add("policy", -1);
  auto vm = parse(args, desc, pos);
  std::optional<std::string> file;
  if (vm.count("policy")) {
    auto files = vm["policy"].as<std::vector<std::string>>();
    if (files.size() != 1) throw UsageError("explain: name one policy file (or none for the built-in default)");
    file = files[0];
  }
  try {
    auto plan = compile::compile(load(file), parse_engine(vm["engine"].as<std::string>()));
    std::cout << explain(plan, vm.count("bpf") > 0);
  } catch (const InputError& e) {
    print_diagnostics(e);
    return kExitInvalidPolicy;
  }
  return 0;
}

bool takes_value(const std::string& opt) { return opt == "--policy" || opt == "--engine" || opt == "--log"; }

int cmd_run(const std::vector<std::string>& args) {
  // Options end at the first argument that is not one: the rest is PROGRAM and
  // its own arguments, never parsed by us.
  std::vector<std::string> options, program;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      program.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (a.size() > 1 && a[0] == '-') {
      options.push_back(a);
      if (takes_value(a) && i + 1 < args.size()) options.push_back(args[++i]);
      continue;
    }
    program.assign(args.begin() + static_cast<long>(i), args.end());
    break;
  }
  po::options_description desc("run");
  desc.add_options()("policy", po::value<std::string>())("engine", po::value<std::string>()->default_value("seccomp"))(
      "log", po::value<std::string>());
  auto vm = parse(options, desc, {});
  if (program.empty()) throw UsageError("run: no PROGRAM given");
  auto engine = parse_engine(vm["engine"].as<std::string>());

  std::optional<compile::Plan> plan;
  try {
    plan.emplace(compile::compile(load(vm.count("policy") ? std::optional(vm["policy"].as<std::string>()) : std::nullopt),
                                  engine));
  } catch (const InputError& e) {
    print_diagnostics(e);
    return kExitSysgateError;
  }
  auto found = trace::find_program(program[0]);
  if (found.path.empty() || found.error != 0) {
    std::cerr << "sysgate: " << program[0] << ": " << (found.error == ENOENT ? "command not found" : std::strerror(found.error))
              << "\n";
    return found.error == ENOENT ? 127 : 126;
  }
  std::vector<sock_filter> filter;
  if (engine == compile::Engine::Seccomp) filter = compile::build_filter(*plan);
  std::unique_ptr<report::EventLog> log;
  try {
    log = std::make_unique<report::EventLog>(stderr, vm.count("log") ? vm["log"].as<std::string>() : "");
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  trace::Monitor monitor(*plan, std::move(filter), *log);
  RunResult result = monitor.run(found.path, program);
  log->flush();
  if (result.verdict == Verdict::SetupError && result.exec_errno != 0)
    std::cerr << "sysgate: cannot execute " << program[0] << ": " << std::strerror(result.exec_errno)
              << " (the policy must allow the execve of the program)\n";
  if (result.verdict == Verdict::Violation) std::cerr << "sysgate: VIOLATION: " << result.violation << "\n";
  return result.exit_status();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      std::cout << kUsage;
      return args.empty() ? kExitSysgateError : 0;
    }
    if (args[0] == "--version") {
      std::cout << "sysgate " << SYSGATE_VERSION << "\n";
      return 0;
    }
    std::string cmd = args[0];
    args.erase(args.begin());
    if (cmd == "run") return cmd_run(args);
    if (cmd == "check") return cmd_check(args);
    if (cmd == "explain") return cmd_explain(args);
    throw UsageError("unknown command '" + cmd + "'");
  } catch (const UsageError& e) {
    std::cerr << "sysgate: " << e.what() << "\n" << kUsage;
    return kExitSysgateError;
  } catch (const std::exception& e) {
    std::cerr << "sysgate: internal error: " << e.what() << "\n";
    return kExitSysgateError;
  }
}

}  // namespace sysgate::cli

int main(int argc, char** argv) { return sysgate::cli::main(argc, argv); }
