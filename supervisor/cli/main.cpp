// sysgate run | check | explain: the command line.
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/explain.hpp"
#include "compile/bpf_filter.hpp"
#include "compile/plan.hpp"
#include "policy/loader.hpp"
#include "policy/shipped.hpp"
#include "report/event_log.hpp"
#include "sysgate/diagnostic.hpp"
#include "trace/monitor.hpp"
#include "trace/program_path.hpp"
#include "limits/enforcer.hpp"
#include "limits/output_relay.hpp"
#include "policy/units.hpp"
#include "fs/landlock.hpp"
#include "fs/masked_paths.hpp"
#include "report/run_report.hpp"

#ifndef SYSGATE_VERSION
#define SYSGATE_VERSION "0.0.0"
#endif

namespace po = boost::program_options;

extern char** environ;

namespace sysgate::cli {
namespace {

constexpr int kExitSysgateError = 125;
constexpr int kExitInvalidPolicy = 1;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An event log that records nothing, for reports of runs that never started.
struct EventLogNone {
  report::EventLog log{nullptr, ""};
};

const char* const kUsage =
    "usage: sysgate run [--policy FILE] [--engine seccomp|ptrace] [--log FILE] [--report FILE|-]\n"
    "                   [--cpu-time T] [--wall-time T] [--memory SIZE] [--processes N] [--output SIZE]\n"
    "                   [--file-size SIZE] [--open-files N] [--stack SIZE] [--no-cgroups]\n"
    "                   [--stdin FILE] [--stdout FILE] [--stderr FILE] [--cwd DIR]\n"
    "                   [--clear-env] [--env NAME=VALUE]... [--user USER] [--group GROUP]\n"
    "                   [--allow-weaker landlock|signals|masks]...\n"
    "                   [--] PROGRAM [ARGS...]\n"
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

// `--policy NAME` names a shipped policy when no such file exists.
bool is_shipped_name(const std::string& name) {
  return name.find('/') == std::string::npos && !std::filesystem::exists(name) &&
         policy::shipped_policy(name).has_value();
}

Policy load(const std::optional<std::string>& file) {
  policy::LoadOptions options{caller_cwd()};
  if (!file) return policy::load_shipped("default", options);
  if (is_shipped_name(*file)) return policy::load_shipped(*file, options);
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

bool is_flag(const std::string& opt) { return opt == "--clear-env" || opt == "--no-cgroups"; }


// Opens a --stdin/--stdout/--stderr file (relative to the caller's directory).
int open_stdio(const std::optional<std::string>& path, bool for_input, const char* option) {
  if (!path) return -1;
  int fd = for_input ? open(path->c_str(), O_RDONLY | O_CLOEXEC)
                     : open(path->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw UsageError(std::string(option) + " " + *path + ": " + std::strerror(errno));
  return fd;
}

template <typename T>
std::optional<T> opt_value(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) return std::nullopt;
  return vm[name].as<T>();
}

// A limit option overrides the policy's value.
template <typename T, typename Parse>
void override_limit(const po::variables_map& vm, const char* option, std::optional<T>& limit, Parse parse) {
  auto v = opt_value<std::string>(vm, option);
  if (!v) return;
  try {
    limit = parse(*v);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--") + option + ": " + e.what());
  }
}

std::optional<uid_t> parse_user(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  if (const passwd* pw = getpwnam(v->c_str())) return pw->pw_uid;
  char* end = nullptr;
  unsigned long n = std::strtoul(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0') throw UsageError("--user: no user '" + *v + "'");
  return static_cast<uid_t>(n);
}

std::optional<gid_t> parse_group(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  if (const group* gr = getgrnam(v->c_str())) return gr->gr_gid;
  char* end = nullptr;
  unsigned long n = std::strtoul(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0') throw UsageError("--group: no group '" + *v + "'");
  return static_cast<gid_t>(n);
}

std::vector<std::string> program_env(bool clear, const std::vector<std::string>& sets) {
  std::vector<std::string> env;
  if (!clear)
    for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  for (const auto& kv : sets) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError("--env: expected NAME=VALUE, got '" + kv + "'");
    std::string name = kv.substr(0, eq + 1);
    std::erase_if(env, [&](const std::string& e) { return e.compare(0, name.size(), name) == 0; });
    env.push_back(kv);
  }
  return env;
}

// Where --report goes: "-" is the last line on stdout.
void write_report(const std::optional<std::string>& where, const std::string& json) {
  if (!where) return;
  if (*where == "-") {
    std::cout << json << std::endl;
    return;
  }
  std::ofstream out(*where, std::ios::trunc);
  out << json << "\n";
  if (!out) std::cerr << "sysgate: --report " << *where << ": cannot write\n";
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
  std::cerr << "sysgate: " << to_string(r.verdict) << ": " << buf << "\n";
}

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
      if (!is_flag(a) && a.find('=') == std::string::npos && i + 1 < args.size()) options.push_back(args[++i]);
      continue;
    }
    program.assign(args.begin() + static_cast<long>(i), args.end());
    break;
  }
  po::options_description desc("run");
  desc.add_options()("policy", po::value<std::string>())("engine", po::value<std::string>()->default_value("seccomp"))(
      "log", po::value<std::string>())("report", po::value<std::string>())("cpu-time", po::value<std::string>())(
      "wall-time", po::value<std::string>())("memory", po::value<std::string>())("processes", po::value<std::string>())(
      "output", po::value<std::string>())("file-size", po::value<std::string>())("open-files", po::value<std::string>())(
      "stack", po::value<std::string>())("stdin", po::value<std::string>())("stdout", po::value<std::string>())(
      "stderr", po::value<std::string>())("cwd", po::value<std::string>())("clear-env", "")(
      "env", po::value<std::vector<std::string>>())("user", po::value<std::string>())("group", po::value<std::string>())(
      "no-cgroups", "")("allow-weaker", po::value<std::vector<std::string>>());
  auto vm = parse(options, desc, {});
  if (program.empty()) throw UsageError("run: no PROGRAM given");
  auto engine = parse_engine(vm["engine"].as<std::string>());
  auto report_to = opt_value<std::string>(vm, "report");

  // Errors from here on are reported in the JSON report too.
  RunResult failed;
  auto fail = [&](Verdict v, const std::string& msg, int status, const Policy* policy) {
    std::cerr << "sysgate: " << msg << "\n";
    failed.verdict = v;
    failed.error = msg;
    if (status == 127) failed.exec_errno = ENOENT;
    if (status == 126) failed.exec_errno = EACCES;
    if (report_to) {
      Policy empty;
      EventLogNone none;
      std::vector<limits::AppliedLimit> no_limits;
      write_report(report_to, report::run_report({failed, none.log, policy ? *policy : empty, no_limits,
                                                  vm["engine"].as<std::string>(), program, {}}));
    }
    return status;
  };

  std::string cwd = caller_cwd();
  std::string run_dir;
  if (auto c = opt_value<std::string>(vm, "cwd")) {
    char real[PATH_MAX];
    if (realpath(c->c_str(), real) == nullptr || !std::filesystem::is_directory(real))
      return fail(Verdict::SetupError, "--cwd " + *c + ": " + (errno ? std::strerror(errno) : "not a directory"), kExitSysgateError, nullptr);
    run_dir = real;
    cwd = real;
  }

  Policy policy;
  try {
    policy::LoadOptions lo{cwd};
    auto file = opt_value<std::string>(vm, "policy");
    policy = !file                          ? policy::load_shipped("default", lo)
             : is_shipped_name(*file)       ? policy::load_shipped(*file, lo)
                                            : policy::load_file(*file, lo);
  } catch (const InputError& e) {
    print_diagnostics(e);
    return fail(Verdict::SetupError, "invalid policy", kExitSysgateError, nullptr);
  }
  Limits& lim = policy.limits;
  override_limit(vm, "cpu-time", lim.cpu_time_s, policy::parse_duration);
  override_limit(vm, "wall-time", lim.wall_time_s, policy::parse_duration);
  override_limit(vm, "memory", lim.memory, policy::parse_size);
  override_limit(vm, "output", lim.output, policy::parse_size);
  override_limit(vm, "file-size", lim.file_size, policy::parse_size);
  override_limit(vm, "stack", lim.stack, policy::parse_size);
  override_limit(vm, "processes", lim.processes, policy::parse_count);
  override_limit(vm, "open-files", lim.open_files, policy::parse_count);

  auto found = trace::find_program(program[0], run_dir);
  if (found.path.empty() || found.error != 0) {
    bool missing = found.error == ENOENT;
    return fail(Verdict::SetupError, program[0] + ": " + (missing ? "command not found" : std::strerror(found.error)),
                missing ? 127 : 126, &policy);
  }

  trace::LaunchSpec spec;
  spec.path = found.path;
  spec.argv = program;
  spec.cwd = run_dir;
  spec.env = program_env(vm.count("clear-env") > 0, opt_value<std::vector<std::string>>(vm, "env").value_or(std::vector<std::string>{}));
  spec.uid = parse_user(opt_value<std::string>(vm, "user"));
  spec.gid = parse_group(opt_value<std::string>(vm, "group"));
  if ((spec.uid || spec.gid) && geteuid() != 0) throw UsageError("--user/--group need sysgate to run as root");
  int in_fd = open_stdio(opt_value<std::string>(vm, "stdin"), true, "--stdin");
  int out_fd = open_stdio(opt_value<std::string>(vm, "stdout"), false, "--stdout");
  int err_fd = open_stdio(opt_value<std::string>(vm, "stderr"), false, "--stderr");

  // "Never silently weaker": a guarantee this host cannot give is refused
  // unless the user names it.
  auto weaker = opt_value<std::vector<std::string>>(vm, "allow-weaker").value_or(std::vector<std::string>{});
  for (const auto& w : weaker)
    if (w != "landlock" && w != "signals" && w != "masks")
      throw UsageError("--allow-weaker: unknown guarantee '" + w + "' (known: landlock, signals, masks)");
  auto allowed_weaker = [&](const char* w) { return std::find(weaker.begin(), weaker.end(), w) != weaker.end(); };
  if (!fs::scope_signals(spec.landlock) && !allowed_weaker("signals"))
    return fail(Verdict::SetupError,
                "this kernel cannot scope signals (Landlock ABI 6): the program could signal processes outside "
                "the sandbox; pass --allow-weaker=signals to run anyway",
                kExitSysgateError, &policy);
  if (policy.filesystem.present) {
    spec.landlock = fs::plan_landlock(policy.filesystem, found.path);
    if (spec.landlock.abi == 0 && !allowed_weaker("landlock"))
      return fail(Verdict::SetupError,
                  "this kernel has no Landlock: the filesystem section would be enforced by the supervisor alone, "
                  "open to races; pass --allow-weaker=landlock to run anyway",
                  kExitSysgateError, &policy);
    spec.masks = fs::plan_masks(policy.filesystem);
    if (!spec.masks.empty() && !fs::can_mask()) {
      if (!allowed_weaker("masks"))
        return fail(Verdict::SetupError,
                    "deny entries are masked in a private mount namespace, which needs CAP_SYS_ADMIN: without it a "
                    "rename or symlink swap racing the supervisor's check could reach them; pass "
                    "--allow-weaker=masks to run anyway",
                    kExitSysgateError, &policy);
      spec.masks = {};
    }
    // The child changes directory after masking, by path, so that a working
    // directory inside a masked tree is refused rather than kept beneath it.
    if (!spec.masks.empty() && spec.cwd.empty()) spec.cwd = cwd;
  }
  auto plan = compile::compile(std::move(policy), engine);
  std::vector<sock_filter> filter;
  if (engine == compile::Engine::Seccomp) filter = compile::build_filter(plan);
  std::unique_ptr<report::EventLog> log;
  try {
    log = std::make_unique<report::EventLog>(stderr, opt_value<std::string>(vm, "log").value_or(""));
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  const char* no_cg = std::getenv("SYSGATE_NO_CGROUPS");
  bool use_cgroups = vm.count("no-cgroups") == 0 && !(no_cg != nullptr && *no_cg != '\0' && std::string(no_cg) != "0");
  const Limits& limits = plan.policy.limits;
  limits::LimitEnforcer enforcer(limits, use_cgroups);
  std::unique_ptr<limits::OutputRelay> relay;
  if (limits.output) {
    relay = std::make_unique<limits::OutputRelay>(out_fd >= 0 ? out_fd : 1, err_fd >= 0 ? err_fd : 2, limits.output);
    spec.stdio[1] = relay->child_stdout();
    spec.stdio[2] = relay->child_stderr();
  } else {
    spec.stdio[1] = out_fd;
    spec.stdio[2] = err_fd;
  }
  spec.stdio[0] = in_fd;

  trace::Monitor monitor(plan, std::move(filter), *log);
  RunResult result;
  try {
    result = monitor.run(std::move(spec), enforcer, relay.get());
  } catch (const std::system_error& e) {
    return fail(Verdict::SetupError, e.what(), kExitSysgateError, &plan.policy);  // starting the program failed
  } catch (const std::exception& e) {
    return fail(Verdict::InternalError, std::string("internal error: ") + e.what(), kExitSysgateError, &plan.policy);
  }
  relay.reset();
  log->flush();
  for (int fd : {in_fd, out_fd, err_fd})
    if (fd >= 0) close(fd);
  if (result.verdict == Verdict::SetupError && result.exec_errno != 0)
    std::cerr << "sysgate: cannot execute " << program[0] << ": " << std::strerror(result.exec_errno)
              << " (the policy must allow the execve of the program)\n";
  else if (result.verdict == Verdict::SetupError)
    std::cerr << "sysgate: SETUP_ERROR: " << result.error << "\n";
  if (result.verdict == Verdict::Violation) std::cerr << "sysgate: VIOLATION: " << result.violation << "\n";
  say_verdict(result, limits);
  write_report(report_to, report::run_report({result, *log, plan.policy, enforcer.applied(), vm["engine"].as<std::string>(),
                                              program, weaker}));
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
