#include "cli/learn.hpp"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/console.hpp"
#include "cli/options.hpp"
#include "compile/bpf_filter.hpp"
#include "compile/plan.hpp"
#include "learn/log_reader.hpp"
#include "learn/policy_builder.hpp"
#include "learn/recorder.hpp"
#include "policy/loader.hpp"
#include "session/policy_source.hpp"
#include "session/session.hpp"
#include "sysgate/diagnostic.hpp"
#include "trace/supervisor_process.hpp"

namespace po = boost::program_options;

namespace sysgate::cli {
namespace {

constexpr int kExitSysgateError = 125;

void tell(const std::string& line) { say("sysgate: learn: " + line); }

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  if (p.empty() || realpath(p.c_str(), buf) == nullptr) return p;
  return buf;
}

po::options_description learn_options() {
  po::options_description t("learn");
  auto text = [] { return po::value<std::string>(); };
  t.add_options()("output", text())("base", text())("generalise", text())("depth", text())(
      "from", po::value<std::vector<std::string>>())("log", text())("engine", text())("name", text());
  return t;
}

// -o FILE and -oFILE are --output; Boost parses long options only.
std::vector<std::string> with_long_output(const std::vector<std::string>& args, const po::options_description& table) {
  std::vector<std::string> out;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--" || a.empty() || a[0] != '-') break;
    if (a == "-o") {
      out.emplace_back("--output");
      if (i + 1 < args.size()) out.push_back(args[++i]);
      continue;
    }
    if (a.rfind("-o", 0) == 0 && a.rfind("--", 0) != 0) {
      out.push_back("--output=" + a.substr(2));
      continue;
    }
    out.push_back(a);
    if (a.rfind("--", 0) == 0 && a.find('=') == std::string::npos) {
      const po::option_description* d = table.find_nothrow(a.substr(2), false, false, false);
      if (d != nullptr && d->semantic()->max_tokens() > 0 && i + 1 < args.size()) out.push_back(args[++i]);
    }
  }
  out.insert(out.end(), args.begin() + static_cast<long>(i), args.end());
  return out;
}

compile::Engine engine_of(const std::optional<std::string>& e) {
  if (!e || *e == "seccomp") return compile::Engine::Seccomp;
  if (*e == "ptrace") return compile::Engine::Ptrace;
  throw UsageError("--engine: expected seccomp or ptrace, got '" + *e + "'");
}

std::string program_text(const std::vector<std::string>& program) {
  std::string s;
  for (const auto& a : program) s += (s.empty() ? "" : " ") + a;
  for (char& c : s)
    if (c == '\n' || c == '\t') c = ' ';
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

std::string basename_of(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// A policy name from the program: letters, digits, '-', '_' and '.'.
std::string policy_name(const std::vector<std::string>& program) {
  if (program.empty()) return "learned";
  std::string n;
  for (char c : basename_of(program[0]))
    n += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ? c : '-';
  return n.empty() ? "learned" : "learned-" + n;
}

}  // namespace

const char* learn_usage() {
  return "sysgate learn [-o FILE] [--base POLICY] [--generalise none|dirs|trees] [--depth N]\n"
         "                     [--from LOG]... [--log FILE] [--engine seccomp|ptrace] [--name NAME]\n"
         "                     [--] [PROGRAM [ARGS...]]";
}

int cmd_learn(const std::vector<std::string>& raw_args) {
  auto table = learn_options();
  auto parsed = parse_command(with_long_output(raw_args, table), table, true);
  const po::variables_map& vm = parsed.options;
  const std::vector<std::string>& program = parsed.operands;
  auto logs = opt_value<std::vector<std::string>>(vm, "from").value_or(std::vector<std::string>{});
  if (program.empty() && logs.empty()) throw UsageError("give a PROGRAM to record, or --from LOG");
  const auto keep_log = opt_value<std::string>(vm, "log");
  if (keep_log && program.empty()) throw UsageError("--log keeps the log of a recorded PROGRAM, and none is given");

  learn::LearnOptions options;
  if (auto g = opt_value<std::string>(vm, "generalise")) {
    auto mode = learn::generalise_from_name(*g);
    if (!mode) throw UsageError("--generalise: expected none, dirs or trees, got '" + *g + "'");
    options.generalise = *mode;
  }
  if (auto d = opt_value<std::string>(vm, "depth")) {
    char* end = nullptr;
    long v = std::strtol(d->c_str(), &end, 10);
    if (d->empty() || *end != '\0' || v < 1 || v > 64)
      throw UsageError("--depth: expected a number from 1 to 64, got '" + *d + "'");
    if (options.generalise != learn::Generalise::Trees) throw UsageError("--depth goes with --generalise trees");
    options.depth = static_cast<int>(v);
  }
  const compile::Engine engine = engine_of(opt_value<std::string>(vm, "engine"));
  const std::string cwd = caller_cwd();
  options.cwd = cwd;
  // As the log names them: with their symlinks resolved.
  options.home = real_path(env_or("HOME", ""));
  options.tmpdir = real_path(env_or("TMPDIR", "/tmp"));
  options.name = opt_value<std::string>(vm, "name").value_or(policy_name(program));

  // The base policy: included by the learned one, which adds only what it lacks.
  std::optional<Policy> base;
  if (auto b = opt_value<std::string>(vm, "base")) {
    try {
      base = session::load_policy(*b, cwd);
    } catch (const InputError& e) {
      for (const auto& d : e.diagnostics()) say(d.str());
      tell("--base " + *b + ": invalid policy");
      return kExitSysgateError;
    } catch (const session::PolicyNotFound& e) {
      tell(std::string("--base: ") + e.what());
      return kExitSysgateError;
    }
    std::error_code ec;
    options.base =
        std::filesystem::is_regular_file(*b, ec) ? std::filesystem::absolute(*b, ec).lexically_normal().string() : *b;
  }
  options.base_policy = base ? &*base : nullptr;

  learn::Observations observations;
  int index = 0;
  std::optional<RunResult> recorded;
  if (!program.empty()) {
    session::RunConfig c;
    c.program = program;
    c.engine = engine;
    c.caller_cwd = cwd;
    const char* no_cg = std::getenv("SYSGATE_NO_CGROUPS");
    c.use_cgroups = !(no_cg != nullptr && *no_cg != '\0' && std::string(no_cg) != "0");
    std::optional<learn::TemporaryFile> temporary;
    std::string log_path;
    if (keep_log) {
      log_path = *keep_log;
    } else {
      try {
        temporary.emplace("sysgate-learn", ".jsonl");
      } catch (const std::runtime_error& e) {
        tell(e.what());
        return kExitSysgateError;
      }
      log_path = temporary->path();
    }
    trace::SupervisorProcess process;
    try {
      recorded = learn::record(c, log_path, process);
    } catch (const session::SessionError& e) {
      say(std::string("sysgate: ") + e.what());
      return e.exit_status;
    }
    const RunResult& r = *recorded;
    if (r.verdict == Verdict::SetupError && r.exec_errno != 0) {
      say("sysgate: cannot execute " + program[0] + ": " + std::strerror(r.exec_errno));
      return r.exit_status();
    }
    if (r.verdict == Verdict::SetupError || r.verdict == Verdict::InternalError) {
      say(std::string("sysgate: ") + to_string(r.verdict) + ": " + r.error);
      return r.exit_status();
    }
    std::ifstream in(log_path);
    if (!in) {
      tell("cannot read the recording's log " + log_path);
      return kExitSysgateError;
    }
    learn::read_log(in, index++, observations);
    std::string how = "a run of '" + program_text(program) + "'";
    if (r.verdict != Verdict::Ok) how += " (" + std::string(to_string(r.verdict)) + ")";
    options.sources.push_back(how);
  }
  for (const auto& file : logs) {
    std::ifstream in(file);
    if (!in) {
      tell("--from " + file + ": " + std::strerror(errno));
      return kExitSysgateError;
    }
    learn::read_log(in, index++, observations);
    options.sources.push_back("the log " + basename_of(file));
  }
  if (observations.events == 0) {
    tell("nothing to learn from: the log" +
         std::string(logs.size() + (program.empty() ? 0 : 1) > 1 ? "s hold" : " holds") +
         " no call (was it written by `sysgate run --log` under a policy that logs every call?)");
    return kExitSysgateError;
  }

  learn::LearnedPolicy learned = learn::build_policy(observations, options, learn::FileSystemView::host());
  const std::string text = learned.text();
  // What is written must load and compile as it is.
  try {
    auto plan = compile::compile(policy::load_text(text, "(learned policy)", policy::LoadOptions(cwd)), engine);
    compile::build_filter(plan);
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics()) tell("internal error: the learned policy does not load: " + d.str());
    return kExitSysgateError;
  } catch (const std::runtime_error& e) {
    tell(std::string("internal error: the learned policy does not compile: ") + e.what());
    return kExitSysgateError;
  }

  const std::size_t processes = observations.processes.size();
  tell("learned from " + std::to_string(observations.events) + " calls of " + std::to_string(processes) +
       (processes == 1 ? " process" : " processes"));
  for (const auto& line : learned.summary) tell(line);
  for (const auto& line : learned.warnings) tell("warning: " + line);

  if (auto out = opt_value<std::string>(vm, "output"); out && *out != "-") {
    std::ofstream f(*out, std::ios::trunc);
    f << text;
    f.flush();
    if (!f) {
      tell("-o " + *out + ": cannot write");
      return kExitSysgateError;
    }
    tell("wrote " + *out);
  } else {
    std::cout << text << std::flush;
  }
  if (recorded && recorded->exit_status() != 0) {
    tell("the program ended with status " + std::to_string(recorded->exit_status()) + " (" +
         to_string(recorded->verdict) + "): the policy allows what it did until then");
    return recorded->exit_status();
  }
  return 0;
}

}  // namespace sysgate::cli
