#include "report/event_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "arch/constants.hpp"
#include "arch/syscall_args.hpp"

namespace sysgate::report {
namespace {

// Large buffers: with `log` on every call the log is on the hot path.
constexpr std::size_t kBuffer = 1 << 16;

bool octal_name(std::string_view n) { return n == "mode"; }
bool hex_name(std::string_view n) {
  return n.find("flags") != std::string_view::npos || n == "prot" || n == "persona" || n == "request" ||
         n == "mask";
}

std::string arg_text(const CallEvent& e, int i) {
  char buf[64];
  std::uint64_t v = e.args[i];
  arch::ArgKind kind = arch::ArgKind::ULong;
  std::string_view name;
  if (e.spec != nullptr && i < e.spec->nargs) {
    kind = e.spec->args[i].kind;
    name = e.spec->args[i].name;
  }
  bool narrow = arch::is_32bit(kind) || e.abi != "x86_64";
  if (narrow) v &= 0xffffffffu;
  if (kind == arch::ArgKind::DirFd && static_cast<std::int32_t>(v) == AT_FDCWD) return "AT_FDCWD";
  if (arch::is_pointer(kind) || hex_name(name)) {
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  } else if (octal_name(name)) {
    std::snprintf(buf, sizeof buf, "0%" PRIo64, v);
  } else if (arch::is_signed(kind)) {
    long long s = narrow ? static_cast<std::int32_t>(v) : static_cast<std::int64_t>(v);
    std::snprintf(buf, sizeof buf, "%lld", s);
  } else {
    std::snprintf(buf, sizeof buf, "%" PRIu64, v);
  }
  return buf;
}

int arg_count(const CallEvent& e) { return e.spec != nullptr ? e.spec->nargs : 6; }

std::string arg_name(const CallEvent& e, int i) {
  if (e.spec != nullptr && i < e.spec->nargs) return std::string(e.spec->args[i].name);
  return "arg" + std::to_string(i);
}

std::string call_name(const CallEvent& e) { return e.name.empty() ? "syscall_" + std::to_string(e.nr) : e.name; }

std::string decision_text(const Decision& d) {
  std::string s = to_string(d.action.kind);
  if (d.action.kind == Action::Kind::Deny) s += " " + arch::errno_name(d.action.error);
  return s;
}

std::string rule_place(const Decision& d) {
  if (d.source == Decision::Source::Rule && d.rule != nullptr) {
    if (d.rule->name.empty()) return d.rule->label();
    std::string s = "rule \"" + d.rule->name + "\"";
    if (d.rule->where.line > 0) s += " at " + d.rule->where.str();
    return s;
  }
  return d.reason();
}

}  // namespace

EventLog::EventLog(std::FILE* human, const std::string& json_path) : human_(human) {
  if (human_ != nullptr && isatty(fileno(human_)) == 0) std::setvbuf(human_, nullptr, _IOFBF, kBuffer);
  if (!json_path.empty()) {
    json_ = std::fopen(json_path.c_str(), "we");
    if (json_ == nullptr) throw std::runtime_error("--log " + json_path + ": " + std::strerror(errno));
    std::setvbuf(json_, nullptr, _IOFBF, kBuffer);
  }
}

EventLog::~EventLog() {
  flush();
  if (json_ != nullptr) std::fclose(json_);
}

void EventLog::flush() {
  if (human_ != nullptr) std::fflush(human_);
  if (json_ != nullptr) std::fflush(json_);
}

std::string EventLog::format_call(const CallEvent& e) {
  std::string s = call_name(e) + "(";
  for (int i = 0; i < arg_count(e); ++i) {
    if (i > 0) s += ", ";
    s += arg_name(e, i) + "=" + arg_text(e, i);
  }
  s += ")";
  for (const auto& [k, v] : e.resolved) s += " " + k + "=" + v;
  return s;
}

std::string EventLog::format_line(const CallEvent& e) {
  return "sysgate: pid " + std::to_string(e.pid) + (e.tid != e.pid ? " tid " + std::to_string(e.tid) : "") + " " +
         e.abi + " " + format_call(e) + " -> " + decision_text(e.decision) + " [" + rule_place(e.decision) + "]";
}

nlohmann::ordered_json EventLog::to_json(const CallEvent& e) {
  nlohmann::ordered_json j;
  j["pid"] = e.pid;
  j["tid"] = e.tid;
  j["abi"] = e.abi;
  j["syscall"] = call_name(e);
  j["nr"] = e.nr;
  nlohmann::ordered_json args = nlohmann::ordered_json::object();
  for (int i = 0; i < arg_count(e); ++i) args[arg_name(e, i)] = arg_text(e, i);
  j["args"] = args;
  j["resolved"] = e.resolved;
  j["action"] = to_string(e.decision.action.kind);
  if (e.decision.action.kind == Action::Kind::Deny)
    j["errno"] = {{"number", e.decision.action.error}, {"name", arch::errno_name(e.decision.action.error)}};
  else
    j["errno"] = nullptr;
  const Decision& d = e.decision;
  if (d.source == Decision::Source::Rule && d.rule != nullptr) {
    nlohmann::ordered_json r;
    r["name"] = d.rule->name.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.rule->name);
    r["builtin"] = d.rule->builtin;
    r["file"] = d.rule->where.file;
    r["line"] = d.rule->where.line;
    r["column"] = d.rule->where.column;
    j["rule"] = r;
  } else {
    j["rule"] = nullptr;
  }
  j["reason"] = d.reason();
  return j;
}

void EventLog::record(const CallEvent& e) {
  Action::Kind kind = e.decision.action.kind;
  bool denial = kind == Action::Kind::Deny && e.decision.log;
  if (denial) ++denial_count_;
  if ((denial && first_denials_.size() < kFirstDenials) || kind == Action::Kind::Kill) {
    auto j = to_json(e);
    if (kind == Action::Kind::Kill)
      violation_ = std::move(j);
    else
      first_denials_.push_back(std::move(j));
  }
  if (human_ != nullptr) {
    std::string line = format_line(e);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), human_);
  }
  if (json_ != nullptr) {
    // The same object as to_json(e).dump(), written without building a tree:
    // with `log` on every call this is on the hot path.
    std::string& line = json_line_;
    line.clear();
    auto num = [&](long long v) {
      char b[24];
      auto r = std::to_chars(b, b + sizeof b, v);
      line.append(b, r.ptr);
    };
    auto str = [&](std::string_view v) {
      line += '"';
      for (char c : v) {
        if (c == '"' || c == '\\') {
          line += '\\';
          line += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          line += b;
        } else {
          line += c;
        }
      }
      line += '"';
    };
    const Decision& d = e.decision;
    line += "{\"pid\":";
    num(e.pid);
    line += ",\"tid\":";
    num(e.tid);
    line += ",\"abi\":";
    str(e.abi);
    line += ",\"syscall\":";
    str(call_name(e));
    line += ",\"nr\":";
    num(e.nr);
    line += ",\"args\":{";
    for (int i = 0; i < arg_count(e); ++i) {
      if (i > 0) line += ',';
      str(arg_name(e, i));
      line += ':';
      str(arg_text(e, i));
    }
    line += "},\"resolved\":{";
    bool first = true;
    for (const auto& [k, v] : e.resolved) {
      if (!first) line += ',';
      first = false;
      str(k);
      line += ':';
      str(v);
    }
    line += "},\"action\":";
    str(to_string(d.action.kind));
    line += ",\"errno\":";
    if (d.action.kind == Action::Kind::Deny) {
      line += "{\"number\":";
      num(d.action.error);
      line += ",\"name\":";
      str(arch::errno_name(d.action.error));
      line += '}';
    } else {
      line += "null";
    }
    line += ",\"rule\":";
    if (d.source == Decision::Source::Rule && d.rule != nullptr) {
      line += "{\"name\":";
      if (d.rule->name.empty())
        line += "null";
      else
        str(d.rule->name);
      line += d.rule->builtin ? ",\"builtin\":true,\"file\":" : ",\"builtin\":false,\"file\":";
      str(d.rule->where.file);
      line += ",\"line\":";
      num(d.rule->where.line);
      line += ",\"column\":";
      num(d.rule->where.column);
      line += '}';
    } else {
      line += "null";
    }
    line += ",\"reason\":";
    str(d.reason());
    line += "}\n";
    std::fwrite(line.data(), 1, line.size(), json_);
  }
}

}  // namespace sysgate::report
