#include "cli/test_command.hpp"

#include <limits.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/console.hpp"
#include "arch/abi.hpp"
#include "arch/constants.hpp"
#include "cli/options.hpp"
#include "compile/bpf_filter.hpp"
#include "compile/plan.hpp"
#include "fs/path_pattern.hpp"
#include "policy/suggest.hpp"
#include "session/policy_source.hpp"
#include "sysgate/diagnostic.hpp"

namespace po = boost::program_options;

namespace sysgate::cli {
namespace {

constexpr int kExitMismatch = 1;
constexpr int kExitInvalidPolicy = 1;
constexpr int kExitUnreadable = 2;

std::string return_text(std::int64_t v) {
  if (v < 0 && v > -4096) return "-" + arch::errno_name(static_cast<int>(-v));
  return std::to_string(v);
}

std::string arg_name(const described::DescribedCall& call, int i) {
  if (call.spec != nullptr && i < call.spec->nargs) return std::string(call.spec->args[i].name);
  return "arg" + std::to_string(i);
}

// A value of argument i as the headers name it (O_RDONLY|O_CLOEXEC), else in hexadecimal.
std::string value_text(const described::DescribedCall& call, int i, std::uint64_t v) {
  std::uint64_t args[6];
  for (int k = 0; k < 6; ++k) args[k] = call.args[k];
  args[i] = v;
  if (auto named = arch::describe_arg(call.name, arg_name(call, i), v, args)) return *named;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%#llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string action_text(const Action& a) {
  std::string s = to_string(a.kind);
  if (a.kind == Action::Kind::Deny) s += " " + arch::errno_name(a.error);
  if (a.kind == Action::Kind::Return) s += " " + return_text(a.value);
  return s;
}

std::string where_text(const SourceLocation& where) { return where.line > 0 ? " at " + where.str() : ""; }

// The lines of a CASES file, or nullopt when it cannot be read.
std::optional<std::vector<std::string>> read_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  if (in.bad()) return std::nullopt;
  return lines;
}

bool blank_or_comment(const std::string& line) {
  auto first = line.find_first_not_of(" \t");
  return first == std::string::npos || line[first] == '#';
}

// "sysgate: test: column 33: unknown constant ..." and the call with a caret under the column.
void say_call_error(const std::string& text, const described::CallError& e) {
  say("sysgate: test: column " + std::to_string(e.column()) + ": " + e.what());
  say("  " + text);
  say("  " + std::string(static_cast<std::size_t>(std::max(e.column(), 1) - 1), ' ') + "^");
}

po::options_description test_options() {
  po::options_description t("test");
  t.add_options()("abi", po::value<std::string>()->default_value("x86_64"))("file", po::value<std::string>())(
      "seed", po::value<std::string>());
  return t;
}

std::uint64_t seed_of(const po::variables_map& vm) {
  return vm.count("seed") ? parse_seed(vm["seed"].as<std::string>()) : 0;
}

// One case of a CASES file.
struct Case {
  int line = 0;
  described::DescribedCall call;
  Expectation expected;
};

int run_cases(const compile::Plan& plan, const std::string& file, Abi abi, std::uint64_t seed) {
  auto lines = read_lines(file);
  if (!lines) {
    say("sysgate: test: cannot read " + file + ": " + std::strerror(errno));
    return kExitUnreadable;
  }
  // Every line is read before any is decided: all mistakes are shown at once.
  std::vector<Case> cases;
  bool malformed = false;
  for (std::size_t n = 0; n < lines->size(); ++n) {
    const std::string& line = (*lines)[n];
    if (blank_or_comment(line)) continue;
    Case c;
    c.line = static_cast<int>(n) + 1;
    try {
      std::size_t end = 0;
      c.call = described::parse_call(line, abi, &end);
      while (end < line.size() && std::isspace(static_cast<unsigned char>(line[end]))) ++end;
      if (line.compare(end, 2, "->") != 0)
        throw described::CallError(static_cast<int>(end) + 1, "expected '-> EXPECTED' after the call");
      c.expected = parse_expectation(line, end + 2);
    } catch (const described::CallError& e) {
      say(file + ":" + std::to_string(c.line) + ":" + std::to_string(e.column()) + ": " + e.what());
      malformed = true;
      continue;
    }
    cases.push_back(std::move(c));
  }
  if (malformed) return kExitUnreadable;
  // One process makes the calls in order: a rule's `when` counts its matches
  // over the file.
  compile::ScheduleState schedules(seed);
  int failed = 0;
  for (const Case& c : cases) {
    described::Evaluation e = described::evaluate(plan, c.call, &schedules);
    if (c.expected.matches(e)) continue;
    ++failed;
    std::cout << file << ":" << c.line << ": " << c.call.text << ": expected " << c.expected.text << ", got "
              << outcome_text(c.call, e) << " (decided by " << decided_by(e) << ")\n";
  }
  std::cout << file << ": " << cases.size() << " case" << (cases.size() == 1 ? "" : "s") << ", "
            << cases.size() - static_cast<std::size_t>(failed) << " as expected, " << failed << " not\n";
  return failed > 0 ? kExitMismatch : 0;
}

}  // namespace

std::string outcome_text(const described::DescribedCall& call, const described::Evaluation& e) {
  const Decision& d = e.decision;
  std::string s;
  for (const auto& r : d.redirects) s += "redirect " + r.from + " -> " + r.to + ", ";
  for (const auto& c : d.edits)
    s += "rewrite " + arg_name(call, c.index) + " " + value_text(call, c.index, c.from) + " -> " +
         value_text(call, c.index, c.to) + ", ";
  if (!s.empty()) s += "then ";
  s += action_text(d.action);
  if (d.delay_s > 0) {
    char buf[48];
    std::snprintf(buf, sizeof buf, " after a delay of %.3g s", d.delay_s);
    s += buf;
  }
  return s;
}

std::string decided_by(const described::Evaluation& e) {
  const Decision& d = e.decision;
  std::string s;
  switch (d.source) {
    case Decision::Source::Rule:
      if (d.rule == nullptr) {
        s = "a rule";
      } else if (d.rule->builtin) {
        s = "sysgate's built-in rule \"" + d.rule->name + "\"";
      } else {
        s = d.rule->name.empty() ? "rule" : "rule \"" + d.rule->name + "\"";
        s += where_text(d.rule->where);
      }
      break;
    case Decision::Source::Default:
      s = "the default" + where_text(e.default_where);
      break;
    case Decision::Source::Filesystem:
      s = "the filesystem section";
      break;
    case Decision::Source::Network:
      s = "the network section";
      break;
    case Decision::Source::UnknownNumber:
      s = "the number, which no system call of the ABI has";
      break;
    case Decision::Source::ForeignAbi:
      s = "the policy's abi list, which does not name " + std::string(arch::abi_info(e.abi).name);
      break;
    case Decision::Source::CopyOnCheck:
      s = d.reason();
      break;
  }
  if (!d.entry.empty()) s += ": " + d.entry;
  for (const auto& [rule, count] : d.fired)
    if (rule == d.rule) s += ", whose `when` fires at match " + std::to_string(count);
  if (d.native)
    s += "; the kernel fails the lookup itself, as without the sandbox";
  else if (d.action.kind == Action::Kind::Deny && d.action.error == EFAULT && d.source != Decision::Source::Default)
    s += "; a pointer it reads was described as a number, with nothing behind it";
  else if (d.probe)
    s += " (a probe, not a denial)";
  if (!d.suggest.empty()) s += "; to allow it: " + d.suggest;
  return s;
}

std::string outcome_line(const described::DescribedCall& call, const described::Evaluation& e) {
  std::string s = outcome_text(call, e) + " (decided by " + decided_by(e) + ")";
  if (e.kernel == compile::KernelVerdict::Allow) s += " (kernel: allowed without a stop)";
  if (e.kernel == compile::KernelVerdict::Errno)
    s += " (kernel: fails with " + arch::errno_name(e.kernel_errno) + " without a stop)";
  return s;
}

bool Expectation::matches(const described::Evaluation& e) const {
  const Decision& d = e.decision;
  switch (kind) {
    case Kind::Allow:
      return d.action.kind == Action::Kind::Allow;
    case Kind::Log:
      return d.action.kind == Action::Kind::Log;
    case Kind::Kill:
      return d.action.kind == Action::Kind::Kill;
    case Kind::Deny:
      return d.action.kind == Action::Kind::Deny && (error == 0 || d.action.error == error);
    case Kind::Return:
      return d.action.kind == Action::Kind::Return && d.action.value == value;
    case Kind::Redirect:
      if (d.redirects.empty() || (d.action.kind != Action::Kind::Allow && d.action.kind != Action::Kind::Log))
        return false;
      return d.redirects.back().to == path;
  }
  return false;
}

Expectation parse_expectation(std::string_view text, std::size_t offset) {
  auto fail = [](std::size_t at, const std::string& m) { throw described::CallError(static_cast<int>(at) + 1, m); };
  std::size_t i = offset;
  auto blanks = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  // A word up to a blank (or the end, or a comment).
  auto word = [&]() -> std::pair<std::size_t, std::string> {
    blanks();
    std::size_t b = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    return {b, std::string(text.substr(b, i - b))};
  };
  auto at_end = [&] {
    blanks();
    return i >= text.size() || text[i] == '#';
  };
  Expectation x;
  blanks();
  const std::size_t start = i;
  auto [at, w] = word();
  if (w.empty()) fail(at, "expected allow, log, deny, deny ERRNO, kill, return VALUE or redirect PATH after '->'");
  static const std::vector<std::string_view> kWords = {"allow", "log", "deny", "kill", "return", "redirect"};
  if (w == "allow") {
    x.kind = Expectation::Kind::Allow;
  } else if (w == "log") {
    x.kind = Expectation::Kind::Log;
  } else if (w == "kill") {
    x.kind = Expectation::Kind::Kill;
  } else if (w == "deny") {
    x.kind = Expectation::Kind::Deny;
    if (!at_end()) {
      auto [eat, e] = word();
      if (auto n = arch::errno_from_name(e)) {
        x.error = *n;
      } else if (!e.empty() && e.find_first_not_of("0123456789") == std::string::npos && e.size() < 5 &&
                 std::stoi(e) > 0 && std::stoi(e) < 4096) {
        x.error = std::stoi(e);
      } else {
        auto names = arch::errno_names();
        std::vector<std::string_view> views(names.begin(), names.end());
        fail(eat, "unknown errno '" + e + "'" + policy::did_you_mean(e, views));
      }
    }
  } else if (w == "return") {
    x.kind = Expectation::Kind::Return;
    if (at_end()) fail(i, "expected the value after 'return'");
    auto [vat, v] = word();
    bool negative = !v.empty() && v[0] == '-';
    std::string body = negative ? v.substr(1) : v;
    std::optional<std::int64_t> n;
    if (auto e = arch::errno_from_name(body); e && negative) {
      n = -static_cast<std::int64_t>(*e);
    } else if (auto k = arch::constant_value(body)) {
      n = negative ? -*k : *k;
    } else if (!body.empty() && std::isdigit(static_cast<unsigned char>(body[0]))) {
      errno = 0;
      char* end = nullptr;
      long long parsed = std::strtoll(body.c_str(), &end, 0);
      if (errno == 0 && *end == '\0') n = negative ? -parsed : parsed;
    }
    if (!n) fail(vat, "expected a number, a constant or -ERRNO after 'return', got '" + v + "'");
    x.value = *n;
  } else if (w == "redirect") {
    x.kind = Expectation::Kind::Redirect;
    blanks();
    std::size_t pat = i;
    std::string p;
    if (i < text.size() && text[i] == '"') {
      auto close = text.find('"', i + 1);
      if (close == std::string_view::npos) fail(i, "unterminated string");
      p = std::string(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      p = word().second;
    }
    if (p.empty() || p[0] != '/') fail(pat, "expected the absolute path the call is sent to after 'redirect'");
    x.path = fs::normalize(p);
  } else {
    fail(at, "unknown outcome '" + w + "'" + policy::did_you_mean(w, kWords) +
                 " (allow, log, deny, deny ERRNO, kill, return VALUE, redirect PATH)");
  }
  std::size_t last = i;
  if (!at_end()) fail(i, "unexpected text after the expected outcome");
  x.text = std::string(text.substr(start, last - start));
  return x;
}

const char* test_usage() {
  return "sysgate test [--abi x86_64|i386|x32] [--seed N] POLICY CALL\n"
         "       sysgate test [--abi x86_64|i386|x32] [--seed N] POLICY --file CASES";
}

int cmd_test(const std::vector<std::string>& args) {
  auto table = test_options();
  auto parsed = parse_command(args, table, false);
  const po::variables_map& vm = parsed.options;
  const bool cases = vm.count("file") > 0;
  const std::size_t want = cases ? 1 : 2;
  if (parsed.operands.size() != want)
    throw UsageError(cases ? "with --file, name only the POLICY" : "name a POLICY and one CALL, e.g. 'getpid()'");
  const std::string& abi_name = vm["abi"].as<std::string>();
  auto abi = arch::abi_from_name(abi_name);
  if (!abi) throw UsageError("--abi: expected x86_64, i386 or x32, got '" + abi_name + "'");
  const std::uint64_t seed = seed_of(vm);

  std::optional<compile::Plan> plan;
  try {
    plan.emplace(compile::compile(session::load_policy(parsed.operands[0], caller_cwd()), compile::Engine::Seccomp));
    compile::build_filter(*plan);  // a policy too large for the kernel is invalid, as for check
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics()) say(d.str());
    return kExitInvalidPolicy;
  } catch (const std::runtime_error& e) {  // PolicyNotFound, a filter too large
    say(std::string("sysgate: test: ") + e.what());
    return kExitInvalidPolicy;
  }

  if (cases) return run_cases(*plan, vm["file"].as<std::string>(), *abi, seed);

  const std::string& text = parsed.operands[1];
  std::optional<described::DescribedCall> call;
  try {
    call = described::parse_call(text, *abi);
  } catch (const described::CallError& e) {
    say_call_error(text, e);
    return kExitUnreadable;
  }
  compile::ScheduleState schedules(seed);
  std::cout << outcome_line(*call, described::evaluate(*plan, *call, &schedules)) << "\n";
  return 0;
}

}  // namespace sysgate::cli
