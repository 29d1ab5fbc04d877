#include "report/event_log.hpp"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include "arch/constants.hpp"
#include "arch/syscall_args.hpp"
#include "report/colour.hpp"
#include "report/json_writer.hpp"

namespace sysgate::report {
namespace {

// A large buffer for the JSON log: with `log` on every call it is on the hot path.
constexpr std::size_t kBuffer = 1 << 16;
// A readable line is written with one write(2) of at most PIPE_BUF bytes, which
// a pipe never interleaves with another writer's.
constexpr std::size_t kLineMax = PIPE_BUF;

void write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::write(fd, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

// The length of the UTF-8 sequence at the start of `s` if it is a valid,
// shortest-form encoding of a scalar value (no surrogates, at most U+10FFFF),
// else 0.
std::size_t utf8_length(std::string_view s) {
  auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [&](std::size_t i) { return i < s.size() && (b(i) & 0xc0) == 0x80; };
  unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xe0 && b(1) < 0xa0) return 0;   // overlong
    if (c == 0xed && b(1) >= 0xa0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xf0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xf4 && b(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// A value the program chose (a path, an address) as it appears in a readable
// line: valid UTF-8 as it is; control characters, C1 controls, backslashes and
// bytes that are not UTF-8 escaped (\n, \t, \r, \\, \xNN), so that the line
// stays one line and cannot pass for another.
std::string printable(std::string_view v) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(v.size());
  auto hex = [&](unsigned char c) {
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  };
  while (!v.empty()) {
    auto c = static_cast<unsigned char>(v[0]);
    std::size_t n = utf8_length(v);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f || n == 0) {
      hex(c);
      n = 1;
    } else if (n == 2 && c == 0xc2 && static_cast<unsigned char>(v[1]) < 0xa0) {
      hex(c);  // U+0080..U+009F: C1 controls, which terminals act on
      hex(static_cast<unsigned char>(v[1]));
    } else {
      out.append(v.substr(0, n));
    }
    v.remove_prefix(n == 0 ? 1 : n);
  }
  return out;
}

// head + tail in at most `max` bytes: what does not fit is cut from the end of
// head (at a character boundary) and marked with "...".
std::string fit(std::string head, const std::string& tail, std::size_t max) {
  if (head.size() + tail.size() <= max) return head + tail;
  std::size_t keep = max > tail.size() + 3 ? max - tail.size() - 3 : 0;
  while (keep > 0 && (static_cast<unsigned char>(head[keep]) & 0xc0) == 0x80) --keep;
  head.resize(keep);
  return head + "..." + tail;
}

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
  // By name where the headers name the values (O_RDONLY|O_CLOEXEC, AF_INET ...);
  // the values are x86_64's, which i386 and x32 share but for ioctl requests.
  if (e.spec != nullptr && !arch::is_pointer(kind) && !(e.abi != "x86_64" && name == "request"))
    if (auto named = arch::describe_arg(e.spec->name, name, v, e.args)) return *named;
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

// Whether argument i is shown: not one the kernel ignores with these
// arguments (open's mode without O_CREAT or O_TMPFILE).
bool shown(const CallEvent& e, int i) {
  return e.spec == nullptr || i >= e.spec->nargs || arch::arg_used(e.spec->name, e.spec->args[i].name, e.args);
}

int arg_count(const CallEvent& e) { return e.spec != nullptr ? e.spec->nargs : 6; }

std::string arg_name(const CallEvent& e, int i) {
  if (e.spec != nullptr && i < e.spec->nargs) return std::string(e.spec->args[i].name);
  return "arg" + std::to_string(i);
}

std::string call_name(const CallEvent& e) { return e.name.empty() ? "syscall_" + std::to_string(e.nr) : e.name; }

std::string return_text(std::int64_t v) {
  if (v < 0 && v > -4096) return "-" + arch::errno_name(static_cast<int>(-v));
  return std::to_string(v);
}

std::string decision_text(const Decision& d) {
  std::string s = to_string(d.action.kind);
  if (d.action.kind == Action::Kind::Deny) s += " " + arch::errno_name(d.action.error);
  if (d.action.kind == Action::Kind::Return) s += " " + return_text(d.action.value);
  return s;
}

// The text of argument i with the value a rewrite gave it.
std::string rewritten_text(const CallEvent& e, int i, std::uint64_t value) {
  CallEvent after = e;
  after.args[i] = value;
  return arg_text(after, i);
}

// Resolved values by argument name: a redirected path is shown as its
// program's path and where the call was sent.
std::map<std::string, std::pair<std::string, std::string>> redirects_by_name(const CallEvent& e) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (const auto& r : e.decision.redirects) out[arg_name(e, r.index)] = {r.from, r.to};
  return out;
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

EventLog::EventLog(std::FILE* human, const std::string& json_path, std::uint64_t json_max)
    : human_(human), colour_(human != nullptr && colour_for(fileno(human))), json_max_(json_max) {
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
  say_held_back();
  if (json_ != nullptr) std::fflush(json_);
}

namespace {
double monotonic_seconds() {
  struct timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}
}  // namespace

bool EventLog::Bucket::take(double burst, double per_second, double now) {
  tokens = std::min(burst, tokens + (now - at) * per_second);
  at = now;
  if (tokens < 1) return false;
  tokens -= 1;
  return true;
}

void EventLog::say(const std::string& line, const std::string& same, bool always) {
  if (line == last_line_ && !always) {
    ++repeats_;
    return;
  }
  if (!always) {
    const double now = monotonic_seconds();
    if (same_.size() >= 10000) same_.clear();
    auto it = same_.try_emplace(same, Bucket{kSameBurst, now}).first;
    if (!it->second.take(kSameBurst, kSamePerSecond, now) || !all_.take(kBurst, kPerSecond, now)) {
      ++not_shown_;
      last_line_.clear();  // a repeat is of the line just before it, shown
      return;
    }
  }
  say_held_back();
  last_line_ = line;
  // One write(2) per line, at most PIPE_BUF bytes: on a pipe or a file the
  // program shares, no line of ours is cut by the program's output.
  std::fflush(human_);
  write_all(fileno(human_), line + "\n");
}

void EventLog::say_held_back() {
  if (human_ == nullptr) return;
  std::string s;
  if (repeats_ > 0)
    s += "sysgate: (the line above repeated " + std::to_string(repeats_) + " more time" + (repeats_ > 1 ? "s" : "") + ")\n";
  if (not_shown_ > 0)
    s += "sysgate: (" + std::to_string(not_shown_) + " more line" + (not_shown_ > 1 ? "s" : "") +
         " not shown: the same call over and over; the report counts them)\n";
  repeats_ = not_shown_ = 0;
  if (s.empty()) return;
  last_line_.clear();
  std::fflush(human_);
  write_all(fileno(human_), s);
}

std::string EventLog::format_call(const CallEvent& e) {
  std::string s = call_name(e) + "(";
  bool first = true;
  for (int i = 0; i < arg_count(e); ++i) {
    if (!shown(e, i)) continue;
    if (!first) s += ", ";
    first = false;
    s += arg_name(e, i) + "=" + arg_text(e, i);
    for (const auto& c : e.decision.edits)
      if (c.index == i) s += " -> " + rewritten_text(e, i, c.to);
  }
  s += ")";
  auto redirected = redirects_by_name(e);
  for (const auto& [k, v] : e.resolved) {
    auto r = redirected.find(k);
    if (r != redirected.end())
      s += " " + k + "=\"" + printable(r->second.first) + "\" -> \"" + printable(r->second.second) + "\"";
    else
      s += " " + k + "=" + printable(v);
  }
  return s;
}

std::string EventLog::format_line(const CallEvent& e, bool colour) {
  std::string head = "sysgate: pid " + std::to_string(e.pid) +
                     (e.tid != e.pid ? " tid " + std::to_string(e.tid) : "") + " " + e.abi + " " + format_call(e);
  std::string place = rule_place(e.decision);
  if (!e.decision.entry.empty()) place += ": " + e.decision.entry;
  const auto kind = e.decision.action.kind;
  const bool refused = kind == Action::Kind::Deny || kind == Action::Kind::Kill;
  std::string tail = " -> " + std::string(e.decision.audit ? "(audit, not done) " : "") +
                     paint(decision_text(e.decision), refused ? kRed : kYellow, colour) + " [" + printable(place) + "]";
  if (!e.decision.suggest.empty())
    tail += " " + paint("(to allow: " + printable(e.decision.suggest) + ")", kGreen, colour);
  return fit(std::move(head), tail, kLineMax - 1);
}

Json EventLog::to_json(const CallEvent& e) {
  Json j;
  j["pid"] = e.pid;
  j["tid"] = e.tid;
  j["abi"] = e.abi;
  j["syscall"] = call_name(e);
  j["nr"] = e.nr;
  Json args = Json::object();
  for (int i = 0; i < arg_count(e); ++i)
    if (shown(e, i)) args[arg_name(e, i)] = arg_text(e, i);
  j["args"] = args;
  j["resolved"] = e.resolved;
  if (!e.decision.edits.empty() || !e.decision.redirects.empty()) {
    Json changes = Json::object();
    for (const auto& c : e.decision.edits)
      changes[arg_name(e, c.index)] = {{"from", arg_text(e, c.index)}, {"to", rewritten_text(e, c.index, c.to)}};
    for (const auto& [name, r] : redirects_by_name(e)) changes[name] = {{"from", r.first}, {"to", r.second}};
    j["rewrites"] = changes;
  }
  j["action"] = to_string(e.decision.action.kind);
  if (e.decision.action.kind == Action::Kind::Return) j["return"] = e.decision.action.value;
  if (e.decision.action.kind == Action::Kind::Deny)
    j["errno"] = {{"number", e.decision.action.error}, {"name", arch::errno_name(e.decision.action.error)}};
  else
    j["errno"] = nullptr;
  const Decision& d = e.decision;
  if (d.source == Decision::Source::Rule && d.rule != nullptr) {
    Json r;
    r["name"] = d.rule->name.empty() ? Json(nullptr) : Json(d.rule->name);
    r["builtin"] = d.rule->builtin;
    r["file"] = d.rule->where.file;
    r["line"] = d.rule->where.line;
    r["column"] = d.rule->where.column;
    j["rule"] = r;
  } else {
    j["rule"] = nullptr;
  }
  j["reason"] = d.reason();
  j["entry"] = d.entry.empty() ? Json(nullptr) : Json(d.entry);
  if (!d.suggest.empty()) j["suggest"] = d.suggest;
  if (d.probe) j["probe"] = true;
  if (d.audit) j["audit"] = true;
  if (e.result) {
    long r = *e.result;
    bool failed = r < 0 && r > -4096;
    j["result"] = {{"value", r},
                   {"errno", failed ? Json{{"number", -r}, {"name", arch::errno_name(static_cast<int>(-r))}} : Json(nullptr)}};
  }
  return j;
}

void EventLog::record(const CallEvent& e) {
  record_decision(e);
  record_json(e);
}

void EventLog::record_decision(const CallEvent& e) {
  Action::Kind kind = e.decision.action.kind;
  if (e.decision.audit) {
    // What enforce mode would have done; the call ran unchanged.
    ++would_deny_count_;
    if (would_deny_.size() < kFirstDenials) would_deny_.push_back(to_json(e));
    kind = Action::Kind::Allow;
  }
  bool denial = kind == Action::Kind::Deny && e.decision.log;
  if (denial) ++denial_count_;
  if ((denial && first_denials_.size() < kFirstDenials) || kind == Action::Kind::Kill) {
    auto j = to_json(e);
    if (kind == Action::Kind::Kill)
      violation_ = std::move(j);
    else
      first_denials_.push_back(std::move(j));
  }
  if (e.decision.probe) ++probe_count_;
  if (e.decision.rewrites() && !e.decision.audit) {
    ++rewrite_count_;
    if (first_rewrites_.size() < kFirstDenials) first_rewrites_.push_back(to_json(e));
  }
  // Rewritten calls go to the JSON log and the report; on stderr only when
  // their rule says `log: true` (a private /tmp would otherwise fill it).
  if (human_ != nullptr && (e.decision.log || e.decision.action.kind == Action::Kind::Kill)) {
    // "The same call" for the rate limit: the line without who made it.
    std::string line = format_line(e, colour_);
    const std::size_t who = std::string("sysgate: pid ").size() + std::to_string(e.pid).size() +
                            (e.tid != e.pid ? std::string(" tid ").size() + std::to_string(e.tid).size() : 0);
    std::string same = line.substr(std::min(who, line.size()));
    say(line, same, e.decision.action.kind == Action::Kind::Kill);  // a kill is always shown
  }
}

void EventLog::record_json(const CallEvent& e) {
  if (json_ != nullptr) {
    // The same text as json_text(to_json(e)), written without building a tree:
    // with `log` on every call this is on the hot path.
    std::string& line = json_line_;
    line.clear();
    auto num = [&](long long v) {
      char b[24];
      auto r = std::to_chars(b, b + sizeof b, v);
      line.append(b, r.ptr);
    };
    auto str = [&](std::string_view v) { append_json_string(line, v); };
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
    bool first_arg = true;
    for (int i = 0; i < arg_count(e); ++i) {
      if (!shown(e, i)) continue;
      if (!first_arg) line += ',';
      first_arg = false;
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
    line += '}';
    if (!d.edits.empty() || !d.redirects.empty()) {
      line += ",\"rewrites\":{";
      bool first_change = true;
      auto change = [&](const std::string& name, const std::string& from, const std::string& to) {
        if (!first_change) line += ',';
        first_change = false;
        str(name);
        line += ":{\"from\":";
        str(from);
        line += ",\"to\":";
        str(to);
        line += '}';
      };
      for (const auto& c : d.edits) change(arg_name(e, c.index), arg_text(e, c.index), rewritten_text(e, c.index, c.to));
      for (const auto& [name, r] : redirects_by_name(e)) change(name, r.first, r.second);
      line += '}';
    }
    line += ",\"action\":";
    str(to_string(d.action.kind));
    if (d.action.kind == Action::Kind::Return) {
      line += ",\"return\":";
      num(d.action.value);
    }
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
    line += ",\"entry\":";
    if (d.entry.empty())
      line += "null";
    else
      str(d.entry);
    if (!d.suggest.empty()) {
      line += ",\"suggest\":";
      str(d.suggest);
    }
    if (d.probe) line += ",\"probe\":true";
    if (d.audit) line += ",\"audit\":true";
    if (e.result) {
      long r = *e.result;
      line += ",\"result\":{\"value\":";
      num(r);
      line += ",\"errno\":";
      if (r < 0 && r > -4096) {
        line += "{\"number\":";
        num(-r);
        line += ",\"name\":";
        str(arch::errno_name(static_cast<int>(-r)));
        line += '}';
      } else {
        line += "null";
      }
      line += '}';
    }
    line += "}\n";
    static const std::string cut =
        "{\"cut\":true,\"message\":\"--log-max reached: later calls are not logged; the report counts them\"}\n";
    if (json_cut_ || (json_max_ != 0 && json_bytes_ + line.size() + cut.size() > json_max_)) {
      ++json_not_logged_;
      if (!json_cut_) {
        json_cut_ = true;
        std::fwrite(cut.data(), 1, cut.size(), json_);
      }
      return;
    }
    json_bytes_ += line.size();
    std::fwrite(line.data(), 1, line.size(), json_);
  }
}

}  // namespace sysgate::report
