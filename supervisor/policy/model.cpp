// Printing helpers of the policy model and diagnostics.
#include "sysgate/diagnostic.hpp"
#include "sysgate/policy.hpp"

namespace sysgate {

std::string SourceLocation::str() const {
  if (line == 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Rule::label() const {
  if (!name.empty()) return name;
  return "rule at " + where.str();
}

std::uint64_t ArgEdit::apply(std::uint64_t old, bool is32, bool is_signed) const {
  auto less = [&](std::uint64_t x, std::uint64_t y) {
    if (!is_signed) return is32 ? (x & 0xffffffffu) < (y & 0xffffffffu) : x < y;
    if (is32) return static_cast<std::int32_t>(x) < static_cast<std::int32_t>(y);
    return static_cast<std::int64_t>(x) < static_cast<std::int64_t>(y);
  };
  std::uint64_t v = old;
  switch (op) {
    case Op::Set: v = value; break;
    case Op::Or: v = old | value; break;
    case Op::Clear: v = old & ~value; break;
    case Op::Max: v = less(value, old) ? value : old; break;
    case Op::Min: v = less(old, value) ? value : old; break;
  }
  // A 32-bit argument keeps the register's upper half as the program had it.
  return is32 ? (old & ~0xffffffffull) | (v & 0xffffffffu) : v;
}

const char* to_string(Abi abi) {
  switch (abi) {
    case Abi::X86_64: return "x86_64";
    case Abi::I386: return "i386";
    case Abi::X32: return "x32";
  }
  return "?";
}

const char* to_string(Action::Kind kind) {
  switch (kind) {
    case Action::Kind::Allow: return "allow";
    case Action::Kind::Log: return "log";
    case Action::Kind::Deny: return "deny";
    case Action::Kind::Kill: return "kill";
    case Action::Kind::Return: return "return";
    case Action::Kind::Redirect: return "redirect";
    case Action::Kind::Rewrite: return "rewrite";
  }
  return "?";
}

const char* to_string(ArgTest::Op op) {
  switch (op) {
    case ArgTest::Op::Eq: return "eq";
    case ArgTest::Op::Ne: return "ne";
    case ArgTest::Op::Lt: return "lt";
    case ArgTest::Op::Le: return "le";
    case ArgTest::Op::Gt: return "gt";
    case ArgTest::Op::Ge: return "ge";
    case ArgTest::Op::In: return "in";
    case ArgTest::Op::NotIn: return "not_in";
    case ArgTest::Op::All: return "all";
    case ArgTest::Op::Any: return "any";
    case ArgTest::Op::None: return "none";
    case ArgTest::Op::AccMode: return "accmode";
    case ArgTest::Op::PathEq: return "eq";
    case ArgTest::Op::PathPrefix: return "prefix";
    case ArgTest::Op::PathGlob: return "glob";
    case ArgTest::Op::AddrIn: return "in";
    case ArgTest::Op::AddrNotIn: return "not_in";
  }
  return "?";
}

const char* to_string(ProcessLimitAction action) {
  switch (action) {
    case ProcessLimitAction::End: return "end";
    case ProcessLimitAction::Fail: return "fail";
  }
  return "?";
}

namespace {
template <typename T>
void smaller(std::optional<T>& mine, const std::optional<T>& theirs) {
  if (theirs && (!mine || *theirs < *mine)) mine = theirs;
}
}  // namespace

void Limits::merge_smaller(const Limits& o) {
  smaller(cpu_time_s, o.cpu_time_s);
  smaller(wall_time_s, o.wall_time_s);
  smaller(memory, o.memory);
  smaller(processes, o.processes);
  smaller(output, o.output);
  smaller(file_size, o.file_size);
  smaller(open_files, o.open_files);
  smaller(stack, o.stack);
  if (!on_process_limit) on_process_limit = o.on_process_limit;
}

std::string Diagnostic::str() const { return where.str() + ": " + message; }

namespace {
std::string join(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) {
    if (!out.empty()) out += "\n";
    out += d.str();
  }
  return out;
}
}  // namespace

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace sysgate
