#include "learn/yaml_writer.hpp"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <stdexcept>

#include "arch/constants.hpp"
#include "arch/syscall_table.hpp"
#include "policy/capabilities.hpp"

namespace sysgate::learn {
namespace {

constexpr std::size_t kWidth = 100;  // flow lists are wrapped at this column

bool under(const std::string& path, const std::string& dir) {
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

class Writer {
 public:
  Writer(const PolicyNotes& notes, const std::vector<Substitution>& subs) : notes_(notes), subs_(subs) {
    // The longest directory first: ${CWD} inside ${HOME} or ${TMPDIR} is ${CWD}.
    std::stable_sort(subs_.begin(), subs_.end(),
                     [](const Substitution& a, const Substitution& b) { return a.dir.size() > b.dir.size(); });
  }

  std::string policy(const Policy& p, const std::vector<std::string>& includes) {
    for (const auto& h : notes_.header) comment("", h);
    line("version: 1");
    if (!p.name.empty()) line("name: " + yaml_scalar(p.name));
    if (!includes.empty()) {
      std::vector<std::string> items;
      for (const auto& i : includes) items.push_back(yaml_scalar(i));
      flow("include: ", items);
    }
    if (p.abis.empty()) throw std::invalid_argument("a policy lists at least one ABI");
    std::vector<std::string> abis;
    for (Abi a : p.abis) abis.push_back(to_string(a));
    flow("abi: ", abis);
    above("default");
    line("default: " + action(p.default_action, ""));
    limits(p.limits);
    if (p.keep_caps != 0) flow("capabilities: ", policy::capabilities_list(p.keep_caps));
    if (p.private_tmp) line("tmp: private");
    std::vector<const Rule*> rules;
    for (const auto& r : p.rules)
      if (!r.builtin) rules.push_back(&r);
    if (!rules.empty()) {
      above("rules");
      line("rules:");
      for (const Rule* r : rules) rule(*r);
    }
    if (p.filesystem.present) filesystem(p.filesystem);
    if (p.network.present) network(p.network);
    return out_;
  }

 private:
  void line(const std::string& s) { out_ += s + "\n"; }

  // `s` with a comment at its end, when there is one.
  void line(const std::string& s, const std::string& note) {
    if (note.empty()) {
      line(s);
      return;
    }
    std::string padded = s;
    if (padded.size() < 40) padded.resize(40, ' ');
    line(padded + "  # " + clean(note));
  }

  void comment(const std::string& indent, const std::string& text) {
    line(indent + (text.empty() ? "#" : "# " + clean(text)));
  }

  void above(const std::string& key, const std::string& indent = "") {
    auto it = notes_.above.find(key);
    if (it == notes_.above.end()) return;
    for (const auto& l : it->second) comment(indent, l);
  }

  std::string beside(const std::string& key) const {
    auto it = notes_.beside.find(key);
    return it == notes_.beside.end() ? std::string() : it->second;
  }

  // A comment stays on its line.
  static std::string clean(std::string s) {
    for (char& c : s)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return s;
  }

  // `head` followed by a flow list, wrapped under its opening bracket.
  void flow(const std::string& head, const std::vector<std::string>& items) {
    std::string s = head + "[";
    const std::string cont(s.size(), ' ');
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string item = items[i] + (i + 1 < items.size() ? "," : "");
      if (i > 0) {
        if (s.size() - line_start + 1 + item.size() + 1 > kWidth) {
          s += "\n";
          line_start = s.size();
          s += cont;
        } else {
          s += " ";
        }
      }
      s += item;
    }
    line(s + "]");
  }

  std::string path(const std::string& p) const {
    std::string s = p;
    for (const auto& sub : subs_) {
      if (sub.dir.empty() || sub.dir == "/" || !under(p, sub.dir)) continue;
      s = sub.var + p.substr(sub.dir.size());
      break;
    }
    // A file name with "${" in it would read as a variable: the `*` of
    // "$*{" matches nothing less than the name did.
    for (std::size_t at = s.find("${"); at != std::string::npos; at = s.find("${", at + 2)) {
      bool ours = false;
      for (const auto& sub : subs_) ours = ours || (at == 0 && s.compare(0, sub.var.size(), sub.var) == 0);
      if (!ours) s.insert(at + 1, "*");
    }
    return s;
  }

  std::string address(const std::string& a) const {
    if (a.rfind("unix:/", 0) == 0) return "unix:" + path(a.substr(5));
    return a;
  }

  static std::string number(std::int64_t v) { return std::to_string(v); }

  static std::string hex(std::uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
    return buf;
  }

  static std::string seconds(double s) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", s * 1000);
    double ms = std::strtod(buf, nullptr);
    if (ms == static_cast<double>(static_cast<std::int64_t>(ms)))
      return std::to_string(static_cast<std::int64_t>(ms)) + "ms";
    std::snprintf(buf, sizeof buf, "%.17gs", s);
    return buf;
  }

  std::string action(const Action& a, const std::string& call) const {
    std::string main;
    switch (a.kind) {
      case Action::Kind::Allow: main = a.delay_s > 0 ? "" : "allow"; break;
      case Action::Kind::Log: main = "log"; break;
      case Action::Kind::Kill: main = "kill"; break;
      case Action::Kind::Deny: main = "deny: " + arch::errno_name(a.error); break;
      case Action::Kind::Return:
        main = "return: " +
               (a.value < 0 && a.value > -4096 ? "-" + arch::errno_name(static_cast<int>(-a.value)) : number(a.value));
        break;
      case Action::Kind::Redirect: main = "redirect: " + yaml_scalar(path(a.target)); break;
      case Action::Kind::Rewrite: {
        std::vector<std::string> edits;
        for (const auto& e : a.edits) edits.push_back(yaml_scalar(e.arg) + ": " + edit(e, call));
        main = "rewrite: {";
        for (std::size_t i = 0; i < edits.size(); ++i) main += (i ? ", " : "") + edits[i];
        main += "}";
        break;
      }
    }
    if (a.delay_s <= 0)
      return a.kind == Action::Kind::Deny || a.kind == Action::Kind::Return || a.kind == Action::Kind::Redirect ||
                     a.kind == Action::Kind::Rewrite
                 ? "{" + main + "}"
                 : main;
    std::string delay = "delay: " + seconds(a.delay_s);
    if (main.empty()) return "{" + delay + "}";
    if (a.kind == Action::Kind::Log || a.kind == Action::Kind::Kill)
      throw std::invalid_argument("a delay goes with allow, deny, return, redirect or rewrite");
    return "{" + main + ", " + delay + "}";
  }

  static std::string edit(const ArgEdit& e, const std::string& call) {
    (void)call;
    switch (e.op) {
      case ArgEdit::Op::Set: return hex(e.value);
      case ArgEdit::Op::Or: return "{set: [" + hex(e.value) + "]}";
      case ArgEdit::Op::Clear: return "{clear: [" + hex(e.value) + "]}";
      case ArgEdit::Op::Max: return "{max: " + hex(e.value) + "}";
      case ArgEdit::Op::Min: return "{min: " + hex(e.value) + "}";
    }
    return "0";
  }

  // A scalar value by the name the headers give it, when that name reads back as it.
  static std::string value(const std::string& call, const std::string& arg, std::int64_t v, bool bit) {
    if (!call.empty()) {
      auto named = arch::describe_arg(call, arg, static_cast<std::uint64_t>(v), nullptr, bit);
      if (named && named->find('|') == std::string::npos) {
        auto back = arch::constant_value(*named);
        if (back && *back == v) return *named;
      }
    }
    return bit ? hex(static_cast<std::uint64_t>(v)) : number(v);
  }

  std::string test(const ArgTest& t, const std::string& call) const {
    using Op = ArgTest::Op;
    // argN is named by the call's own name for that position, for the values' names.
    std::string arg = t.arg;
    if (t.position >= 0)
      if (const arch::SyscallSpec* spec = arch::find_syscall(call); spec != nullptr && t.position < spec->nargs)
        arg = std::string(spec->args[t.position].name);
    auto list = [&](const std::vector<std::string>& items) {
      std::string s = "[";
      for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
      return s + "]";
    };
    auto values = [&](bool bit) {
      std::vector<std::string> items;
      for (auto v : t.values) items.push_back(value(call, arg, v, bit));
      return list(items);
    };
    auto texts = [&](bool is_path) {
      std::vector<std::string> items;
      for (const auto& x : t.texts) items.push_back(yaml_scalar(is_path ? path(x) : address(x)));
      return list(items);
    };
    switch (t.op) {
      case Op::Eq: return "eq: " + value(call, arg, t.values.at(0), false);
      case Op::Ne: return "ne: " + value(call, arg, t.values.at(0), false);
      case Op::Lt: return "lt: " + value(call, arg, t.values.at(0), false);
      case Op::Le: return "le: " + value(call, arg, t.values.at(0), false);
      case Op::Gt: return "gt: " + value(call, arg, t.values.at(0), false);
      case Op::Ge: return "ge: " + value(call, arg, t.values.at(0), false);
      case Op::In: return "in: " + values(false);
      case Op::NotIn: return "not_in: " + values(false);
      case Op::All: return "all: " + values(true);
      case Op::Any: return "any: " + values(true);
      case Op::None: return "none: " + values(true);
      case Op::AccMode: {
        std::vector<std::string> items;
        for (auto v : t.values)
          items.push_back(v == 0 ? "O_RDONLY" : v == 1 ? "O_WRONLY" : v == 2 ? "O_RDWR" : number(v));
        return "accmode: " + list(items);
      }
      case Op::PathEq: return "eq: " + yaml_scalar(path(t.texts.at(0)));
      case Op::PathPrefix: return "prefix: " + texts(true);
      case Op::PathGlob: return "glob: " + texts(true);
      case Op::AddrIn: return "in: " + texts(false);
      case Op::AddrNotIn: return "not_in: " + texts(false);
    }
    return {};
  }

  void rule(const Rule& r) {
    const std::string key = "rule:" + r.name;
    above(key, "  ");
    std::string first = "  - ";
    auto field = [&](const std::string& s) {
      line(first + s);
      first = "    ";
    };
    if (!r.name.empty()) field("name: " + yaml_scalar(r.name));
    bool noted = false;
    std::vector<std::string> selectors;
    for (const auto& s : r.syscalls) {
      selectors.push_back(selector_text(s));
      noted = noted || !beside(key + ":" + selectors.back()).empty();
    }
    std::string call;
    for (const auto& s : r.syscalls)
      if (s.kind == SyscallSelector::Kind::Name) {
        call = s.name;
        break;
      }
    if (noted) {
      field("syscalls:");
      for (const auto& s : selectors) line("      - " + yaml_flow_item(s), beside(key + ":" + s));
    } else {
      std::vector<std::string> items;
      for (const auto& s : selectors) items.push_back(yaml_flow_item(s));
      flow(first + "syscalls: ", items);
      first = "    ";
    }
    if (!r.args.empty()) {
      // Tests of one argument together, in the order written.
      std::vector<std::pair<std::string, std::vector<std::string>>> by_arg;
      for (const auto& t : r.args) {
        auto it = std::find_if(by_arg.begin(), by_arg.end(), [&](const auto& a) { return a.first == t.arg; });
        if (it == by_arg.end()) {
          by_arg.push_back({t.arg, {}});
          it = by_arg.end() - 1;
        }
        it->second.push_back(test(t, call));
      }
      field("args:");
      for (const auto& [arg, tests] : by_arg) {
        std::string s = "      " + yaml_scalar(arg) + ": {";
        for (std::size_t i = 0; i < tests.size(); ++i) s += (i ? ", " : "") + tests[i];
        line(s + "}");
      }
    }
    if (r.when) field("when: " + when(*r.when));
    field("action: " + action(r.action, call));
    if (r.quiet)
      field("log: false");
    else if (r.log && r.action.kind != Action::Kind::Log)
      field("log: true");
  }

  static std::string when(const Schedule& w) {
    std::vector<std::string> parts;
    if (w.from == w.until) {
      parts.push_back("nth: " + std::to_string(w.from));
    } else {
      if (w.from != 1) parts.push_back("from: " + std::to_string(w.from));
      if (w.every != 1) parts.push_back("every: " + std::to_string(w.every));
      if (w.until != UINT64_MAX) parts.push_back("until: " + std::to_string(w.until));
    }
    if (w.probability) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", *w.probability);
      parts.push_back(std::string("probability: ") + buf);
    }
    if (w.seed) parts.push_back("seed: " + std::to_string(*w.seed));
    if (w.per_process) parts.push_back("per: process");
    std::string s = "{";
    for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + parts[i];
    return s + "}";
  }

  // A selector inside a flow or block list: "%pure" and "*" quoted.
  static std::string yaml_flow_item(const std::string& selector) {
    return selector.rfind("{nr:", 0) == 0 ? selector : yaml_scalar(selector);
  }

  void path_list(const char* key, const std::vector<std::string>& patterns) {
    if (patterns.empty()) return;
    bool noted = false;
    for (const auto& p : patterns) noted = noted || !beside(std::string(key) + ":" + p).empty();
    std::vector<std::string> items;
    for (const auto& p : patterns) items.push_back(yaml_scalar(path(p)));
    if (!noted) {
      flow(std::string("  ") + key + ": ", items);
      return;
    }
    line(std::string("  ") + key + ":");
    for (std::size_t i = 0; i < patterns.size(); ++i)
      line("    - " + items[i], beside(std::string(key) + ":" + patterns[i]));
  }

  void filesystem(const FilesystemSection& f) {
    above("filesystem");
    line("filesystem:");
    path_list("read", f.read);
    path_list("write", f.write);
    path_list("exec", f.exec);
    path_list("deny", f.deny);
    if (f.error != 13 || (f.read.empty() && f.write.empty() && f.exec.empty() && f.deny.empty()))
      line("  errno: " + arch::errno_name(f.error));
  }

  void network(const NetworkSection& n) {
    above("network");
    line("network:");
    std::vector<std::string> allow;
    for (const auto& a : n.allow) allow.push_back(address(a));
    if (allow.empty()) allow.push_back("none");
    bool noted = false;
    for (const auto& a : n.allow) noted = noted || !beside("allow:" + a).empty();
    if (!noted) {
      std::vector<std::string> items;
      for (const auto& a : allow) items.push_back(yaml_scalar(a));
      flow("  allow: ", items);
    } else {
      line("  allow:");
      for (std::size_t i = 0; i < n.allow.size(); ++i)
        line("    - " + yaml_scalar(allow[i]), beside("allow:" + n.allow[i]));
    }
    if (n.error != 111) line("  errno: " + arch::errno_name(n.error));
  }

  void limits(const Limits& l) {
    std::vector<std::string> items;
    auto size = [&](const char* k, const std::optional<std::uint64_t>& v) {
      if (v) items.push_back(std::string(k) + ": " + std::to_string(*v) + "B");
    };
    auto count = [&](const char* k, const std::optional<std::uint64_t>& v) {
      if (v) items.push_back(std::string(k) + ": " + std::to_string(*v));
    };
    if (l.cpu_time_s) items.push_back("cpu_time: " + seconds(*l.cpu_time_s));
    if (l.wall_time_s) items.push_back("wall_time: " + seconds(*l.wall_time_s));
    size("memory", l.memory);
    count("processes", l.processes);
    size("output", l.output);
    size("file_size", l.file_size);
    count("open_files", l.open_files);
    size("stack", l.stack);
    if (l.on_process_limit) items.push_back(std::string("on_process_limit: ") + to_string(*l.on_process_limit));
    if (items.empty()) return;
    line("limits:");
    for (const auto& i : items) line("  " + i);
  }

  const PolicyNotes& notes_;
  std::vector<Substitution> subs_;
  std::string out_;
};

bool yaml_word(const std::string& s) {
  static const char* const kSpecial[] = {"y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"};
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* w : kSpecial)
    if (lower == w) return true;
  return false;
}

}  // namespace

std::string selector_text(const SyscallSelector& s) {
  switch (s.kind) {
    case SyscallSelector::Kind::Name: return s.name;
    case SyscallSelector::Kind::Group: return "%" + s.name;
    case SyscallSelector::Kind::All: return "*";
    case SyscallSelector::Kind::Number: return "{nr: " + std::to_string(s.number) + "}";
  }
  return {};
}

std::string yaml_scalar(const std::string& text) {
  bool plain = !text.empty() && !yaml_word(text);
  if (plain) {
    unsigned char c0 = static_cast<unsigned char>(text[0]);
    plain = std::isalpha(c0) || c0 == '_' || c0 == '/';
  }
  for (char c : text)
    if (plain &&
        !(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '/' || c == '.' || c == '-' || c == '+'))
      plain = false;
  if (plain) return text;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string write_policy(const Policy& policy, const std::vector<std::string>& includes, const PolicyNotes& notes,
                         const std::vector<Substitution>& substitutions) {
  return Writer(notes, substitutions).policy(policy, includes);
}

}  // namespace sysgate::learn
