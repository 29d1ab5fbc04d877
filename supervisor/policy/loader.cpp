#include "policy/loader.hpp"

#include <yaml-cpp/exceptions.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "arch/abi.hpp"
#include "arch/constants.hpp"
#include "arch/syscall_args.hpp"
#include "arch/syscall_table.hpp"
#include "policy/capabilities.hpp"
#include "policy/documents.hpp"
#include "policy/shipped.hpp"
#include "policy/suggest.hpp"
#include "policy/units.hpp"
#include "policy/vars.hpp"
#include "policy/yaml_scan.hpp"
#include "policy/yaml_tree.hpp"
#include "net/socket_address.hpp"

namespace sysgate::policy {
namespace {

namespace fs = std::filesystem;

// Keys that later stages will give a meaning to; until then they are refused,
// never ignored.
const std::vector<std::string_view> kLimitKeys = {"cpu_time", "wall_time", "memory", "processes",
                                                  "output", "file_size", "open_files", "stack",
                                                  "on_process_limit"};
const std::vector<std::string_view> kTopKeys = {"version", "name", "include", "vars", "abi",
                                                "default", "rules", "filesystem", "network",
                                                "limits", "capabilities", "tmp", "mode", "user"};
const std::vector<std::string_view> kRuleKeys = {"name", "syscalls", "args", "when", "action", "log"};
const std::vector<std::string_view> kOps = {"eq", "ne", "lt", "le", "gt", "ge", "in", "not_in",
                                            "all", "any", "none", "accmode", "prefix", "glob"};
const std::vector<std::string_view> kActionWords = {"allow", "kill", "log"};
const std::vector<std::string_view> kActionKeys = {"deny", "return", "redirect", "rewrite", "delay"};
const std::vector<std::string_view> kWhenKeys = {"nth", "from", "every", "until", "probability", "seed", "per"};
const std::vector<std::string_view> kEditOps = {"set", "clear", "max", "min"};

// One file as written, before its includes are merged in.
struct FilePolicy {
  std::optional<int> version;
  std::string name;
  std::optional<std::vector<Abi>> abis;
  std::optional<Action> default_action;
  SourceLocation default_where;
  std::vector<Rule> rules;
  std::vector<std::pair<std::string, SourceLocation>> includes;
  std::map<std::string, std::string> vars;
  Limits limits;
  FilesystemSection filesystem;
  NetworkSection network;
  std::uint64_t keep_caps = 0;
  bool private_tmp = false;
  std::optional<bool> audit;
  std::optional<std::string> user;
};

// A quoted scalar of the tree that begins at line:column (1-based).
bool quoted_scalar_at(const yaml::Node& n, int line, int column) {
  if (n.IsScalar()) return n.Tag() == "!" && n.Mark().line + 1 == line && n.Mark().column + 1 == column;
  if (n.IsSequence()) {
    for (const auto& e : n)
      if (quoted_scalar_at(e, line, column)) return true;
  } else if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it)
      if (quoted_scalar_at(it->first, line, column) || quoted_scalar_at(it->second, line, column)) return true;
  }
  return false;
}

class FileParser {
 public:
  // `outer_vars`: the including files' variables, which win over this file's
  // own (an included policy can be parameterised by the one including it).
  FileParser(std::string file, const LoadOptions& options, std::vector<Diagnostic>& errors,
             const std::map<std::string, std::string>& outer_vars)
      : file_(std::move(file)), options_(options), errors_(errors), outer_vars_(outer_vars) {}

  // `prebuilt`: the text's tree, parsed when sysgate was built (a shipped policy).
  FilePolicy parse(std::string_view text, const yaml::Tree* prebuilt) {
    FilePolicy out;
    yaml::Document parsed;
    const yaml::Tree* tree = prebuilt;
    try {
      if (tree == nullptr && options_.documents != nullptr) {
        tree = &options_.documents->get(text).tree();
      } else if (tree == nullptr) {
        parsed = yaml::Document::parse(text);
        tree = &parsed.tree();
      }
    } catch (const YAML::ParserException& e) {
      syntax_error(text, e);
      return out;
    }
    const yaml::Node root(tree, 0);
    // yaml-cpp reads a string whose closing quote is missing up to the end of
    // the file, swallowing the lines after it.
    if (const auto q = unclosed_quote(text); q && quoted_scalar_at(root, q->line, q->column)) {
      errors_.push_back({{file_, q->line, q->column},
                         std::string("YAML syntax error: the string opened by this ") + q->what + " is never closed"});
      return out;
    }
    if (!root.IsDefined() || root.IsNull()) {
      errors_.push_back({{file_, 1, 1}, "empty policy: expected a mapping with 'version: 1'"});
      return out;
    }
    if (!root.IsMap()) {
      error(root.Mark(), "a policy must be a mapping with 'version: 1'");
      return out;
    }
    check_keys(root, kTopKeys, "policy");
    // vars first: other values may use them.
    if (const auto v = root["vars"]) parse_vars(v, out);
    for (const auto& [k, v] : outer_vars_) out.vars[k] = v;
    vars_ = &out.vars;
    if (const auto v = root["version"]) {
      auto n = integer(v);
      if (n && *n != 1)
        error(v.Mark(), "unsupported policy version " + std::to_string(*n) + " (this sysgate reads version 1)");
      else if (n)
        out.version = 1;
    } else {
      error(root.Mark(), "missing 'version: 1'");
    }
    if (const auto v = root["name"]) {
      if (scalar(v, "name")) out.name = v.Scalar();
    }
    if (const auto v = root["include"]) parse_includes(v, out);
    if (const auto v = root["abi"]) parse_abis(v, out);
    if (const auto v = root["default"]) {
      out.default_action = parse_action(v, /*in_rule=*/false);
      out.default_where = where(v.Mark());
    }
    if (const auto v = root["limits"]) parse_limits(v, out.limits);
    if (const auto v = root["capabilities"]) parse_capabilities(v, key_mark(root, "capabilities"), out);
    if (const auto v = root["mode"]) {
      if (scalar(v, "mode")) {
        if (v.Scalar() == "audit") out.audit = true;
        else if (v.Scalar() == "enforce") out.audit = false;
        else error(v.Mark(), "'mode' is enforce or audit, got '" + v.Scalar() + "'");
      }
    }
    if (const auto v = root["user"]) {
      if (scalar(v, "user")) {
        if (v.Scalar().empty()) error(v.Mark(), "'user' names a user of the passwd database or a number");
        else out.user = v.Scalar();
      }
    }
    if (const auto v = root["tmp"]) {
      if (scalar(v, "tmp")) {
        if (v.Scalar() == "private") out.private_tmp = true;
        else if (v.Scalar() != "shared") error(v.Mark(), "'tmp' is private or shared, got '" + v.Scalar() + "'");
      }
    }
    if (const auto v = root["rules"]) {
      if (!v.IsSequence()) {
        error(v.Mark(), "'rules' must be a list of rules");
      } else {
        for (const auto& r : v) parse_rule(r, out);
      }
    }
    if (const auto v = root["filesystem"]) parse_filesystem(v, out.filesystem);
    if (const auto v = root["network"]) parse_network(v, out.network);
    return out;
  }

 private:
  SourceLocation where(const YAML::Mark& m) const { return {file_, m.line + 1, m.column + 1}; }

  // yaml-cpp notices an unclosed '[' or '{' where it gives up, often lines
  // later (at the next key, or at the end of the file): the error is put at
  // the bracket itself.
  void syntax_error(std::string_view text, const YAML::ParserException& e) {
    const bool seq = e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW;
    if (seq || e.msg == YAML::ErrorMsg::END_OF_MAP_FLOW) {
      auto open = open_flows_at(text, e.mark.line + 1, e.mark.column + 1);
      for (auto it = open.rbegin(); it != open.rend(); ++it) {
        if (it->what != (seq ? '[' : '{')) continue;
        errors_.push_back({{file_, it->line, it->column},
                           std::string("YAML syntax error: this '") + it->what + "' is never closed by a '" +
                               (seq ? ']' : '}') + "' (" + e.msg + " at " + std::to_string(e.mark.line + 1) + ":" +
                               std::to_string(e.mark.column + 1) + ")"});
        return;
      }
    }
    error(e.mark, "YAML syntax error: " + e.msg);
  }
  void error(const YAML::Mark& m, std::string msg) { errors_.push_back({where(m), std::move(msg)}); }

  static YAML::Mark key_mark(const yaml::Node& map, std::string_view key) {
    for (auto it = map.begin(); it != map.end(); ++it)
      if (it->first.IsScalar() && it->first.Scalar() == key) return it->first.Mark();
    return map.Mark();
  }

  bool scalar(const yaml::Node& n, std::string_view what) {
    if (n.IsScalar()) return true;
    error(n.Mark(), "'" + std::string(what) + "' must be a single value");
    return false;
  }

  // Rejects unknown and repeated keys (yaml-cpp keeps duplicates silently).
  void check_keys(const yaml::Node& map, const std::vector<std::string_view>& allowed, std::string_view where_) {
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) {
        error(it->first.Mark(), "keys must be plain names");
        continue;
      }
      std::string key = it->first.Scalar();
      if (!seen.insert(key).second) error(it->first.Mark(), "duplicate key '" + key + "'");
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        error(it->first.Mark(), "unknown key '" + key + "' in " + std::string(where_) + did_you_mean(key, allowed));
    }
  }

  std::string expand(const yaml::Node& n, const std::map<std::string, std::string>& vars) {
    try {
      return expand_vars(n.Scalar(), vars, options_.cwd);
    } catch (const std::invalid_argument& e) {
      error(n.Mark(), e.what());
      return n.Scalar();
    }
  }

  std::optional<std::int64_t> integer(const yaml::Node& n) {
    if (!n.IsScalar()) {
      error(n.Mark(), "expected an integer");
      return std::nullopt;
    }
    auto v = parse_integer(n.Scalar());
    if (!v) error(n.Mark(), "expected an integer, got '" + n.Scalar() + "'");
    return v;
  }

  static std::optional<std::int64_t> parse_integer(const std::string& s) {
    if (s.empty()) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    bool negative = s[0] == '-';
    // 0x.. hex, 0o.. or 0.. octal (as chmod and YAML 1.1 write modes), else decimal.
    std::string body = negative ? s.substr(1) : s;
    int base = 10;
    if (body.size() > 2 && (body[1] == 'x' || body[1] == 'X') && body[0] == '0') {
      base = 16;
      body = body.substr(2);
    } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'o' || body[1] == 'O')) {
      base = 8;
      body = body.substr(2);
    } else if (body.size() > 1 && body[0] == '0') {
      base = 8;
    }
    if (body.empty() || !std::isxdigit(static_cast<unsigned char>(body[0]))) return std::nullopt;
    unsigned long long u = std::strtoull(body.c_str(), &end, base);
    if (errno != 0 || *end != '\0') return std::nullopt;
    if (negative) {
      if (u > static_cast<unsigned long long>(LLONG_MAX) + 1) return std::nullopt;
      return static_cast<std::int64_t>(0 - u);
    }
    return static_cast<std::int64_t>(u);
  }

  void parse_vars(const yaml::Node& v, FilePolicy& out) {
    if (!v.IsMap()) {
      error(v.Mark(), "'vars' must be a mapping of NAME: value");
      return;
    }
    std::set<std::string> seen;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!it->first.IsScalar() || !scalar(it->second, it->first.Scalar())) continue;
      std::string key = it->first.Scalar();
      if (!seen.insert(key).second) {
        error(it->first.Mark(), "duplicate key '" + key + "'");
        continue;
      }
      if (!valid_var_name(key)) {
        error(it->first.Mark(), "variable name '" + key + "' must be letters, digits and '_'");
        continue;
      }
      if (is_builtin_var(key)) {
        error(it->first.Mark(), "variable '" + key + "' is built in and cannot be redefined");
        continue;
      }
      out.vars[key] = expand(it->second, out.vars);
    }
  }

  void parse_limits(const yaml::Node& v, Limits& limits) {
    if (!v.IsMap()) {
      error(v.Mark(), "'limits' must be a mapping such as {cpu_time: 2s, memory: 256MiB}");
      return;
    }
    check_keys(v, kLimitKeys, "limits");
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string key = it->first.Scalar();
      const yaml::Node n = it->second;
      if (!scalar(n, key)) continue;
      try {
        if (key == "cpu_time") limits.cpu_time_s = parse_duration(n.Scalar());
        else if (key == "wall_time") limits.wall_time_s = parse_duration(n.Scalar());
        else if (key == "memory") limits.memory = parse_size(n.Scalar());
        else if (key == "output") limits.output = parse_size(n.Scalar());
        else if (key == "file_size") limits.file_size = parse_size(n.Scalar());
        else if (key == "stack") limits.stack = parse_size(n.Scalar());
        else if (key == "processes") limits.processes = parse_count(n.Scalar());
        else if (key == "open_files") limits.open_files = parse_count(n.Scalar());
        else if (key == "on_process_limit") limits.on_process_limit = parse_process_limit_action(n.Scalar());
      } catch (const std::invalid_argument& e) {
        error(n.Mark(), key + ": " + e.what());
      }
    }
  }

  // `capabilities: [CAP_CHOWN, CAP_FOWNER]`, `capabilities: all`, `capabilities: []`.
  // `key_at`: where the key is, for an empty value (whose own mark is the next line).
  void parse_capabilities(const yaml::Node& v, const YAML::Mark& key_at, FilePolicy& out) {
    auto one = [&](const yaml::Node& n) {
      if (!n.IsScalar()) {
        error(n.Mark(), "a capability is a name such as CAP_CHOWN, or 'all'");
        return;
      }
      try {
        out.keep_caps |= policy::parse_capabilities(n.Scalar());
      } catch (const std::invalid_argument& e) {
        error(n.Mark(), e.what());
      }
    };
    if (v.IsSequence()) {
      for (const auto& n : v) one(n);
    } else if (v.IsScalar() && !v.Scalar().empty()) {
      one(v);
    } else {
      error(v.IsNull() ? key_at : v.Mark(), "'capabilities' must be a list of capability names such as [CAP_CHOWN, CAP_FOWNER], "
                      "'all', or [] for none");
    }
  }

  void parse_includes(const yaml::Node& v, FilePolicy& out) {
    auto one = [&](const yaml::Node& n) {
      if (scalar(n, "include")) out.includes.emplace_back(expand(n, out.vars), where(n.Mark()));
    };
    if (v.IsSequence()) {
      for (const auto& n : v) one(n);
    } else {
      one(v);
    }
  }

  void parse_abis(const yaml::Node& v, FilePolicy& out) {
    std::vector<std::string_view> names;
    for (Abi a : arch::all_abis()) names.push_back(arch::abi_info(a).name);
    std::vector<Abi> abis;
    auto one = [&](const yaml::Node& n) {
      if (!scalar(n, "abi")) return;
      auto abi = arch::abi_from_name(n.Scalar());
      if (!abi) {
        error(n.Mark(), "unknown ABI '" + n.Scalar() + "'" + did_you_mean(n.Scalar(), names) +
                            " (known: x86_64, i386, x32)");
        return;
      }
      if (std::find(abis.begin(), abis.end(), *abi) == abis.end()) abis.push_back(*abi);
    };
    if (v.IsSequence()) {
      for (const auto& n : v) one(n);
    } else {
      one(v);
    }
    if (abis.empty()) error(v.Mark(), "'abi' must name at least one ABI");
    out.abis = abis;
  }

  std::optional<int> parse_errno(const yaml::Node& n) {
    if (!n.IsScalar()) {
      error(n.Mark(), "expected an errno name such as EPERM");
      return std::nullopt;
    }
    const std::string& s = n.Scalar();
    if (const auto e = arch::errno_from_name(s)) return *e;
    if (const auto i = parse_integer(s)) {
      if (*i > 0 && *i < 4096) return static_cast<int>(*i);
      error(n.Mark(), "errno must be between 1 and 4095, got " + s);
      return std::nullopt;
    }
    auto names = arch::errno_names();
    std::vector<std::string_view> views(names.begin(), names.end());
    error(n.Mark(), "unknown errno '" + s + "'" + did_you_mean(s, views));
    return std::nullopt;
  }

  std::optional<Action> parse_action(const yaml::Node& v, bool in_rule) {
    if (v.IsScalar()) {
      const std::string& s = v.Scalar();
      if (s == "allow") return Action{Action::Kind::Allow};
      if (s == "kill") return Action{Action::Kind::Kill};
      if (s == "log") return Action{Action::Kind::Log};
      if (s == "deny") {
        error(v.Mark(), "'deny' needs an errno: {deny: EPERM}");
        return std::nullopt;
      }
      error(v.Mark(), "unknown action '" + s + "'" + did_you_mean(s, kActionWords) +
                          (in_rule ? " (actions: allow, kill, log, {deny: ERRNO}, {return: VALUE}, {redirect: PATH}, "
                                     "{rewrite: {ARG: VALUE}}, each with an optional delay)"
                                   : " (actions: allow, kill, log, {deny: ERRNO})"));
      return std::nullopt;
    }
    if (!v.IsMap() || v.size() == 0) {
      error(v.Mark(), "an action is allow, kill, log or {deny: ERRNO}");
      return std::nullopt;
    }
    Action a;
    int main_keys = 0;
    bool ok = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      const std::string key = it->first.Scalar();
      const yaml::Node val = it->second;
      if (std::find(kActionKeys.begin(), kActionKeys.end(), key) == kActionKeys.end()) {
        error(it->first.Mark(), "unknown action '" + key + "'" + did_you_mean(key, kActionKeys));
        ok = false;
        continue;
      }
      if (!in_rule && key != "deny") {
        error(it->first.Mark(), "'" + key + "' cannot be the default (the default is allow, kill, log or {deny: ERRNO})");
        ok = false;
        continue;
      }
      if (key == "delay") {
        if (!scalar(val, "delay")) {
          ok = false;
          continue;
        }
        try {
          a.delay_s = parse_duration(val.Scalar());
        } catch (const std::invalid_argument& e) {
          error(val.Mark(), std::string("delay: ") + e.what());
          ok = false;
        }
        continue;
      }
      if (++main_keys > 1) {
        error(it->first.Mark(), "an action does one of deny, return, redirect, rewrite (with an optional delay)");
        ok = false;
        continue;
      }
      if (key == "deny") {
        auto e = parse_errno(val);
        if (!e) ok = false;
        else a.kind = Action::Kind::Deny, a.error = *e;
      } else if (key == "return") {
        auto r = return_value(val);
        if (!r) ok = false;
        else a.kind = Action::Kind::Return, a.value = *r;
      } else if (key == "redirect") {
        if (!scalar(val, "redirect")) {
          ok = false;
          continue;
        }
        a.kind = Action::Kind::Redirect;
        a.target = absolute_pattern(val);
        redirect_mark_ = val.Mark();
      } else if (key == "rewrite") {
        a.kind = Action::Kind::Rewrite;
        rewrite_node_ = val;
      }
    }
    if (!ok) return std::nullopt;
    return a;
  }

  // `return:` a number, or -ERRNO by name (-ENOSPC).
  std::optional<std::int64_t> return_value(const yaml::Node& n) {
    if (!n.IsScalar()) {
      error(n.Mark(), "'return' takes a number or -ERRNO such as -ENOSPC");
      return std::nullopt;
    }
    const std::string& s = n.Scalar();
    if (const auto i = parse_integer(s)) return i;
    if (s.size() > 1 && s[0] == '-')
      if (const auto e = arch::errno_from_name(s.substr(1))) return -static_cast<std::int64_t>(*e);
    auto names = arch::errno_names();
    std::vector<std::string_view> views(names.begin(), names.end());
    std::string hint = s.size() > 1 && s[0] == '-' ? did_you_mean(s.substr(1), views) : "";
    error(n.Mark(), "'return' takes a number or -ERRNO such as -ENOSPC, got '" + s + "'" + hint);
    return std::nullopt;
  }

  // `rewrite: {ARG: VALUE | {set: [...]} | {clear: [...]} | {max: N} | {min: N}}`
  // on the scalar arguments of every call the rule names.
  void parse_rewrite(const yaml::Node& n, Rule& rule, const std::vector<const arch::SyscallSpec*>& calls) {
    if (!n.IsMap() || n.size() == 0) {
      error(n.Mark(), "'rewrite' maps argument names to new values, such as {mode: 0600} or {flags: {set: [O_CLOEXEC]}}");
      return;
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      const std::string arg = it->first.Scalar();
      int position = -1;
      if (arg.size() == 4 && arg.compare(0, 3, "arg") == 0 && arg[3] >= '0' && arg[3] <= '5') position = arg[3] - '0';
      bool is32 = false, valid = true;
      for (const auto* spec : calls) {
        auto r = arch::resolve_arg(spec, arg, position);
        if (!r) {
          if (spec == nullptr) {
            error(it->first.Mark(), "a call named by number has no argument names; use arg0..arg5");
          } else {
            std::vector<std::string_view> names;
            for (int i = 0; i < spec->nargs; ++i) names.push_back(spec->args[i].name);
            error(it->first.Mark(), "'" + std::string(spec->name) + "' has no argument '" + arg + "'" +
                                        did_you_mean(arg, names) + " (use arg0..arg5 for positions)");
          }
          valid = false;
          break;
        }
        if (arch::is_pointer(r->kind)) {
          error(it->first.Mark(), "'" + arg + "' of " + std::string(spec->name) +
                                      " points into the program's memory; rewrite changes scalar arguments" +
                                      (r->kind == arch::ArgKind::Path ? " (redirect changes paths)" : ""));
          valid = false;
          break;
        }
        is32 = is32 || arch::is_32bit(r->kind);
      }
      if (!valid) continue;
      ArgEdit e;
      e.arg = arg;
      e.position = position;
      e.where = where(it->first.Mark());
      const yaml::Node spec = it->second;
      auto fits = [&](std::int64_t v, const yaml::Node& at) {
        if (is32 && (v > 0xffffffffLL || v < INT32_MIN)) {
          error(at.Mark(), "value " + at.Scalar() + " does not fit the 32-bit argument '" + arg + "'");
          return false;
        }
        return true;
      };
      if (spec.IsScalar()) {
        auto v = value(spec);
        if (!v || !fits(*v, spec)) continue;
        e.op = ArgEdit::Op::Set;
        e.value = static_cast<std::uint64_t>(*v);
        rule.action.edits.push_back(e);
        continue;
      }
      if (!spec.IsMap() || spec.size() != 1) {
        error(spec.Mark(), "a rewrite of '" + arg + "' is a value, {set: [FLAGS]}, {clear: [FLAGS]}, {max: N} or {min: N}");
        continue;
      }
      check_keys(spec, kEditOps, "rewrite");
      auto op = spec.begin();
      const std::string op_name = op->first.Scalar();
      const yaml::Node val = op->second;
      if (op_name == "set" || op_name == "clear") {
        e.op = op_name == "set" ? ArgEdit::Op::Or : ArgEdit::Op::Clear;
        std::uint64_t bits = 0;
        bool good = true;
        auto add = [&](const yaml::Node& b) {
          auto v = value(b);
          if (!v || !fits(*v, b)) good = false;
          else bits |= static_cast<std::uint64_t>(*v);
        };
        if (val.IsSequence()) {
          for (const auto& b : val) add(b);
          if (val.size() == 0) {
            error(val.Mark(), "'" + op_name + "' needs at least one flag");
            good = false;
          }
        } else {
          add(val);
        }
        if (!good) continue;
        e.value = bits;
      } else if (op_name == "max" || op_name == "min") {
        e.op = op_name == "max" ? ArgEdit::Op::Max : ArgEdit::Op::Min;
        auto v = value(val);
        if (!v || !fits(*v, val)) continue;
        e.value = static_cast<std::uint64_t>(*v);
      } else {
        continue;  // reported by check_keys
      }
      rule.action.edits.push_back(e);
    }
  }

  // A redirect needs one path test, which names the argument it replaces; a
  // target ending in /** keeps the tail below a prefix or P/** glob.
  void check_redirect(Rule& rule, const YAML::Mark& at) {
    const ArgTest* test = nullptr;
    int tests = 0;
    for (const auto& t : rule.args)
      if (t.op == ArgTest::Op::PathEq || t.op == ArgTest::Op::PathPrefix || t.op == ArgTest::Op::PathGlob) {
        test = &t;
        ++tests;
      }
    if (tests != 1) {
      error(at, tests == 0 ? "a redirect needs a path test on the argument it replaces, such as "
                             "args: {path: {eq: /etc/hosts}}"
                           : "a redirect needs exactly one path test (it names the argument replaced)");
      return;
    }
    const std::string& target = rule.action.target;
    bool tail = target.size() >= 3 && target.compare(target.size() - 3, 3, "/**") == 0;
    std::string base = tail ? target.substr(0, target.size() - 3) : target;
    if (base.find_first_of("*?[") != std::string::npos) {
      error(at, "a redirect target has no wildcards other than a final /**: '" + target + "'");
      return;
    }
    if (!tail) return;
    bool tail_test = test->texts.size() == 1 &&
                     (test->op == ArgTest::Op::PathPrefix ||
                      (test->op == ArgTest::Op::PathGlob && test->texts[0].size() >= 3 &&
                       test->texts[0].compare(test->texts[0].size() - 3, 3, "/**") == 0 &&
                       test->texts[0].substr(0, test->texts[0].size() - 3).find_first_of("*?[") == std::string::npos));
    if (!tail_test)
      error(at, "a redirect to '" + target + "' keeps the tail of the path: its test must be one {prefix: P} or "
                "{glob: \"P/**\"}");
  }

  // `when: {nth: N} | {from: A, every: E, until: U} | {probability: P, seed: S}`, with `per: tree|process`.
  std::optional<Schedule> parse_when(const yaml::Node& n) {
    if (!n.IsMap() || n.size() == 0) {
      error(n.Mark(), "'when' is a mapping such as {nth: 3}, {from: 2, every: 5, until: 20} or {probability: 0.1, seed: 42}");
      return std::nullopt;
    }
    check_keys(n, kWhenKeys, "when");
    Schedule w;
    bool ok = true;
    auto count = [&](const char* key, std::uint64_t& out) {
      const auto v = n[key];
      if (!v) return false;
      auto i = integer(v);
      if (!i) {
        ok = false;
      } else if (*i < 1) {
        error(v.Mark(), std::string("'") + key + "' counts matches from 1, got " + v.Scalar());
        ok = false;
      } else {
        out = static_cast<std::uint64_t>(*i);
      }
      return true;
    };
    std::uint64_t nth = 0;
    if (count("nth", nth)) {
      for (const char* k : {"from", "every", "until"})
        if (n[k]) {
          error(n[k].Mark(), std::string("'nth' and '") + k + "' cannot be combined");
          ok = false;
        }
      w.from = w.until = nth;
    }
    count("from", w.from);
    count("every", w.every);
    if (count("until", w.until) && ok && w.until < w.from) {
      error(n["until"].Mark(), "'until' (" + std::to_string(w.until) + ") is before 'from' (" + std::to_string(w.from) + ")");
      ok = false;
    }
    if (const auto p = n["probability"]) {
      char* end = nullptr;
      const std::string text = p.Scalar();  // `end` points into it
      double v = p.IsScalar() ? std::strtod(text.c_str(), &end) : -1;
      if (!p.IsScalar() || end == nullptr || *end != '\0' || text.empty() || !(v > 0 && v <= 1)) {
        error(p.Mark(), "'probability' is a number above 0 and at most 1, got '" + text + "'");
        ok = false;
      } else {
        w.probability = v;
      }
    }
    if (const auto sd = n["seed"]) {
      auto i = integer(sd);
      if (!i || *i < 0) {
        if (i) error(sd.Mark(), "'seed' is a number from 0");
        ok = false;
      } else {
        w.seed = static_cast<std::uint64_t>(*i);
      }
      if (!n["probability"]) {
        error(sd.Mark(), "'seed' seeds a 'probability'; this 'when' has none");
        ok = false;
      }
    }
    if (const auto per = n["per"]) {
      if (!scalar(per, "per")) ok = false;
      else if (per.Scalar() == "process") w.per_process = true;
      else if (per.Scalar() != "tree") {
        error(per.Mark(), "'per' is tree or process, got '" + per.Scalar() + "'");
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return w;
  }

  void parse_selector(const yaml::Node& n, Rule& rule) {
    SyscallSelector sel;
    sel.where = where(n.Mark());
    if (n.IsMap()) {
      check_keys(n, {"nr"}, "syscall selector");
      if (const auto nr = n["nr"]) {
        auto v = integer(nr);
        if (!v) return;
        if (*v < 0 || *v > 0x7fffffff) {
          error(nr.Mark(), "syscall number out of range");
          return;
        }
        sel.kind = SyscallSelector::Kind::Number;
        sel.number = static_cast<long>(*v);
        rule.syscalls.push_back(sel);
      }
      return;
    }
    if (!n.IsScalar()) {
      error(n.Mark(), "a syscall is a name, a %group, \"*\" or {nr: N}");
      return;
    }
    const std::string& s = n.Scalar();
    if (s == "*") {
      sel.kind = SyscallSelector::Kind::All;
      rule.syscalls.push_back(sel);
      return;
    }
    if (!s.empty() && s[0] == '%') {
      std::string g = s.substr(1);
      std::vector<std::string_view> names;
      for (const auto& gn : arch::all_groups()) {
        names.push_back(gn.name);
        if (gn.name == g) {
          sel.kind = SyscallSelector::Kind::Group;
          sel.name = g;
          sel.group = gn.bit;
        }
      }
      if (sel.kind != SyscallSelector::Kind::Group) {
        std::string hint = nearest(g, names);
        error(n.Mark(), "unknown syscall group '" + s + "'" + (hint.empty() ? "" : " (did you mean '%" + hint + "'?)"));
        return;
      }
      rule.syscalls.push_back(sel);
      return;
    }
    bool known = arch::find_syscall(s) != nullptr;
    if (!known)
      for (Abi a : arch::all_abis()) known = known || arch::syscall_number(a, s) >= 0;
    if (!known) {
      std::vector<std::string_view> names;
      for (const auto& spec : arch::all_syscalls()) names.push_back(spec.name);
      error(n.Mark(), "unknown syscall '" + s + "'" + did_you_mean(s, names));
      return;
    }
    sel.kind = SyscallSelector::Kind::Name;
    sel.name = s;
    rule.syscalls.push_back(sel);
  }

  // The calls a rule names that the table describes, to check argument names against.
  std::vector<const arch::SyscallSpec*> described_calls(const Rule& rule) {
    std::vector<const arch::SyscallSpec*> out;
    for (const auto& sel : rule.syscalls) {
      switch (sel.kind) {
        case SyscallSelector::Kind::Name: out.push_back(arch::find_syscall(sel.name)); break;
        case SyscallSelector::Kind::Group:
          for (const auto& spec : arch::all_syscalls())
            if ((spec.groups & sel.group) != 0) out.push_back(&spec);
          break;
        case SyscallSelector::Kind::All:
          for (const auto& spec : arch::all_syscalls()) out.push_back(&spec);
          break;
        case SyscallSelector::Kind::Number: out.push_back(nullptr); break;
      }
    }
    return out;
  }

  std::optional<std::int64_t> value(const yaml::Node& n) {
    if (!n.IsScalar()) {
      error(n.Mark(), "expected a number or a constant such as O_CREAT");
      return std::nullopt;
    }
    const std::string& s = n.Scalar();
    if (const auto i = parse_integer(s)) return i;
    if (const auto c = arch::constant_value(s)) return c;
    if (const auto e = arch::errno_from_name(s)) return *e;
    error(n.Mark(), "unknown constant '" + s + "'" + did_you_mean(s, arch::constant_names()));
    return std::nullopt;
  }

  void parse_arg_test(const yaml::Node& key, const yaml::Node& tests, Rule& rule,
                      const std::vector<const arch::SyscallSpec*>& calls) {
    const std::string& arg = key.Scalar();
    int position = -1;
    if (arg.size() == 4 && arg.compare(0, 3, "arg") == 0 && arg[3] >= '0' && arg[3] <= '5') position = arg[3] - '0';
    // The argument must exist, with one meaning, in every call the rule names.
    std::optional<arch::ArgKind> kind;
    int paths = 0, addrs = 0, others = 0, pointers = 0;
    for (const auto* spec : calls) {
      auto r = arch::resolve_arg(spec, arg, position);
      if (!r) {
        if (spec == nullptr) {
          error(key.Mark(), "a call named by number has no argument names; use arg0..arg5");
        } else {
          std::vector<std::string_view> names;
          for (int i = 0; i < spec->nargs; ++i) names.push_back(spec->args[i].name);
          error(key.Mark(), "'" + std::string(spec->name) + "' has no argument '" + arg + "'" +
                                did_you_mean(arg, names) + " (use arg0..arg5 for positions)");
        }
        return;
      }
      kind = r->kind;
      if (r->kind == arch::ArgKind::Path) ++paths;
      else if (r->kind == arch::ArgKind::SockAddr) ++addrs;
      else if (r->kind == arch::ArgKind::String) ++pointers;
      else ++others;
    }
    if (!tests.IsMap()) {
      error(tests.Mark(), "an argument test is a mapping such as {eq: 1} or {any: [O_CREAT]}");
      return;
    }
    if ((paths > 0) + (addrs > 0) + (others + pointers > 0) > 1) {
      error(key.Mark(), "'" + arg + "' is a path in some of the rule's calls and not in others; split the rule");
      return;
    }
    if (pointers > 0) {
      error(key.Mark(), "'" + arg + "' is a string in the program's memory; only paths and socket addresses can be tested");
      return;
    }
    if (paths > 0 || addrs > 0) {
      parse_memory_test(key, tests, rule, position, paths > 0);
      return;
    }
    check_keys(tests, kOps, "argument test");
    for (auto it = tests.begin(); it != tests.end(); ++it) {
      const std::string op_name = it->first.Scalar();
      const yaml::Node val = it->second;
      if (op_name == "prefix" || op_name == "glob") {
        error(it->first.Mark(), "'" + op_name + "' tests paths; '" + arg + "' is not a path");
        continue;
      }
      ArgTest t;
      t.arg = arg;
      t.position = position;
      t.where = where(it->first.Mark());
      static const std::map<std::string, ArgTest::Op> ops = {
          {"eq", ArgTest::Op::Eq}, {"ne", ArgTest::Op::Ne},         {"lt", ArgTest::Op::Lt},
          {"le", ArgTest::Op::Le}, {"gt", ArgTest::Op::Gt},         {"ge", ArgTest::Op::Ge},
          {"in", ArgTest::Op::In}, {"not_in", ArgTest::Op::NotIn}, {"all", ArgTest::Op::All},
          {"any", ArgTest::Op::Any}, {"none", ArgTest::Op::None},  {"accmode", ArgTest::Op::AccMode}};
      auto op = ops.find(op_name);
      if (op == ops.end()) continue;  // reported by check_keys
      t.op = op->second;
      bool list_op = t.op == ArgTest::Op::In || t.op == ArgTest::Op::NotIn || t.op == ArgTest::Op::All ||
                     t.op == ArgTest::Op::Any || t.op == ArgTest::Op::None || t.op == ArgTest::Op::AccMode;
      bool ok = true;
      auto add = [&](const yaml::Node& n) {
        auto v = value(n);
        if (!v) {
          ok = false;
          return;
        }
        bool flag_op = t.op == ArgTest::Op::All || t.op == ArgTest::Op::Any || t.op == ArgTest::Op::None;
        if (flag_op && (*v == 0 || !std::has_single_bit(static_cast<std::uint64_t>(*v)))) {
          error(n.Mark(), "'" + n.Scalar() + "' is not a single bit; '" + op_name +
                              "' tests single-bit flags" +
                              (arg == "flags" ? " (test the access mode with {accmode: [O_WRONLY, O_RDWR]})" : ""));
          ok = false;
          return;
        }
        if (t.op == ArgTest::Op::AccMode && (*v < 0 || *v > 3)) {
          error(n.Mark(), "'accmode' takes O_RDONLY, O_WRONLY or O_RDWR");
          ok = false;
          return;
        }
        if (kind && arch::is_32bit(*kind) && (*v > 0xffffffffLL || *v < INT32_MIN)) {
          error(n.Mark(), "value " + n.Scalar() + " does not fit the 32-bit argument '" + arg + "'");
          ok = false;
          return;
        }
        t.values.push_back(*v);
      };
      if (list_op && val.IsSequence()) {
        for (const auto& n : val) add(n);
        if (val.size() == 0) {
          error(val.Mark(), "'" + op_name + "' needs at least one value");
          ok = false;
        }
      } else if (val.IsSequence()) {
        error(val.Mark(), "'" + op_name + "' takes one value; use 'in' for a list");
        ok = false;
      } else {
        add(val);
      }
      if (ok) rule.args.push_back(std::move(t));
    }
  }

  std::string absolute_pattern(const yaml::Node& n) {
    std::string v = expand(n, *vars_);
    if (v.empty() || v[0] != '/') error(n.Mark(), "path patterns must be absolute (after expansion): '" + v + "'");
    return v;
  }

  // Tests on a path (eq, prefix, glob) or a socket address (eq, in, not_in).
  void parse_memory_test(const yaml::Node& key, const yaml::Node& tests, Rule& rule, int position, bool is_path) {
    static const std::vector<std::string_view> path_ops = {"eq", "prefix", "glob"};
    static const std::vector<std::string_view> addr_ops = {"eq", "in", "not_in"};
    check_keys(tests, is_path ? path_ops : addr_ops, is_path ? "path test" : "socket address test");
    for (auto it = tests.begin(); it != tests.end(); ++it) {
      const std::string op = it->first.Scalar();
      ArgTest t;
      t.arg = key.Scalar();
      t.position = position;
      t.where = where(it->first.Mark());
      auto one = [&](const yaml::Node& n) {
        if (!scalar(n, op)) return;
        if (is_path) {
          t.texts.push_back(absolute_pattern(n));
          return;
        }
        std::string v = expand(n, *vars_);
        try {
          net::AddressPattern check(v);
          t.texts.push_back(v);
        } catch (const std::invalid_argument& e) {
          error(n.Mark(), e.what());
        }
      };
      if (is_path) {
        t.op = op == "eq" ? ArgTest::Op::PathEq : op == "prefix" ? ArgTest::Op::PathPrefix : ArgTest::Op::PathGlob;
      } else {
        t.op = op == "not_in" ? ArgTest::Op::AddrNotIn : ArgTest::Op::AddrIn;
      }
      const yaml::Node value = it->second;
      if (value.IsSequence() && (op == "glob" || op == "prefix" || op == "in" || op == "not_in")) {
        for (const auto& n : value) one(n);
      } else {
        one(value);
      }
      if (!t.texts.empty()) rule.args.push_back(std::move(t));
    }
  }

  static std::string other_homes_token() { return "${" + std::string(kOtherHomesVar) + "}"; }

  // What follows ${OTHER_HOMES} in an entry, expanded ("/**" of "${OTHER_HOMES}/**").
  std::string expand_tail(const yaml::Node& n) {
    const std::string tail = n.Scalar().substr(other_homes_token().size());
    try {
      std::string t = expand_vars(tail, *vars_, options_.cwd);
      if (!t.empty() && t[0] != '/') error(n.Mark(), "what follows ${OTHER_HOMES} must begin with '/': '" + t + "'");
      return t;
    } catch (const std::invalid_argument& e) {
      error(n.Mark(), e.what());
      return {};
    }
  }

  // `where_of`: each entry's place, by `key_prefix` + pattern.
  std::vector<std::string> pattern_list(const yaml::Node& v, const char* what, bool paths,
                                        std::map<std::string, SourceLocation>* where_of = nullptr,
                                        const std::string& key_prefix = {}) {
    std::vector<std::string> out;
    if (!v.IsSequence()) {
      error(v.Mark(), std::string("'") + what + "' must be a list");
      return out;
    }
    for (const auto& n : v) {
      if (!scalar(n, what)) continue;
      if (paths && n.Scalar().starts_with(other_homes_token())) {
        // One entry per home, each with the entry's place.
        const std::string tail = expand_tail(n);
        for (const auto& home : other_homes(options_.cwd)) {
          out.push_back(home + tail);
          if (where_of != nullptr) where_of->emplace(key_prefix + out.back(), where(n.Mark()));
        }
        continue;
      }
      if (paths) {
        out.push_back(absolute_pattern(n));
      } else {
        std::string s = expand(n, *vars_);
        try {
          net::AddressPattern check(s);
          out.push_back(s);
        } catch (const std::invalid_argument& e) {
          error(n.Mark(), e.what());
          continue;
        }
      }
      if (where_of != nullptr) where_of->emplace(key_prefix + out.back(), where(n.Mark()));
    }
    return out;
  }

  void parse_filesystem(const yaml::Node& v, FilesystemSection& fs) {
    static const std::vector<std::string_view> keys = {"read", "write", "exec", "deny", "errno", "view"};
    if (!v.IsMap()) {
      error(v.Mark(), "'filesystem' must be a mapping with read, write, exec, deny, errno, view");
      return;
    }
    check_keys(v, keys, "filesystem");
    fs.present = true;
    fs.where = where(v.Mark());
    if (const auto n = v["read"]) fs.read = pattern_list(n, "read", true, &fs.where_of, "read:");
    if (const auto n = v["write"]) fs.write = pattern_list(n, "write", true, &fs.where_of, "write:");
    if (const auto n = v["exec"]) fs.exec = pattern_list(n, "exec", true, &fs.where_of, "exec:");
    if (const auto n = v["deny"]) fs.deny = pattern_list(n, "deny", true, &fs.where_of, "deny:");
    if (const auto n = v["errno"])
      if (const auto e = parse_errno(n)) fs.error = *e;
    if (const auto n = v["view"]) {
      if (scalar(n, "view")) {
        if (n.Scalar() == "true")
          fs.view = true;
        else if (n.Scalar() != "false")
          error(n.Mark(), "'view' is true or false");
      }
    }
  }

  void parse_network(const yaml::Node& v, NetworkSection& net) {
    static const std::vector<std::string_view> keys = {"allow", "errno"};
    if (!v.IsMap()) {
      error(v.Mark(), "'network' must be a mapping with allow, errno");
      return;
    }
    check_keys(v, keys, "network");
    net.present = true;
    net.where = where(v.Mark());
    if (const auto n = v["allow"]) net.allow = pattern_list(n, "allow", false, &net.where_of);
    if (const auto n = v["errno"])
      if (const auto e = parse_errno(n)) net.error = *e;
  }

  void parse_rule(const yaml::Node& r, FilePolicy& out) {
    if (!r.IsMap()) {
      error(r.Mark(), "a rule is a mapping with 'syscalls' and 'action'");
      return;
    }
    check_keys(r, kRuleKeys, "rule");
    Rule rule;
    rule.where = where(r.Mark());
    if (const auto n = r["name"])
      if (scalar(n, "name")) rule.name = n.Scalar();
    auto sys = r["syscalls"];
    if (!sys) {
      error(r.Mark(), "rule has no 'syscalls'");
      return;
    }
    if (sys.IsSequence()) {
      for (const auto& n : sys) parse_selector(n, rule);
      if (sys.size() == 0) error(sys.Mark(), "'syscalls' is empty");
    } else {
      parse_selector(sys, rule);
    }
    if (const auto a = r["args"]) {
      if (!a.IsMap()) {
        error(a.Mark(), "'args' must map argument names to tests");
      } else {
        auto calls = described_calls(rule);
        std::set<std::string> seen;
        for (auto it = a.begin(); it != a.end(); ++it) {
          if (!it->first.IsScalar()) continue;
          if (!seen.insert(it->first.Scalar()).second) {
            error(it->first.Mark(), "duplicate key '" + it->first.Scalar() + "'");
            continue;
          }
          parse_arg_test(it->first, it->second, rule, calls);
        }
      }
    }
    if (const auto w = r["when"]) {
      rule.when = parse_when(w);
      if (!rule.when) return;
    }
    auto act = r["action"];
    if (!act) {
      error(r.Mark(), "rule has no 'action'");
      return;
    }
    rewrite_node_ = {};
    auto action = parse_action(act, true);
    if (const auto l = r["log"]) {
      if (scalar(l, "log")) {
        if (l.Scalar() == "true")
          rule.log = true;
        else if (l.Scalar() == "false")
          rule.quiet = true;
        else
          error(l.Mark(), "'log' is true or false");
      }
    }
    if (!action) return;
    rule.action = *action;
    if (rule.action.kind == Action::Kind::Rewrite) {
      std::size_t before = errors_.size();
      parse_rewrite(rewrite_node_, rule, described_calls(rule));
      if (errors_.size() != before) return;
    }
    if (rule.action.kind == Action::Kind::Redirect) {
      std::size_t before = errors_.size();
      check_redirect(rule, redirect_mark_);
      if (errors_.size() != before) return;
    }
    if (rule.action.kind == Action::Kind::Log) rule.log = true;
    out.rules.push_back(std::move(rule));
  }

  std::string file_;
  const LoadOptions& options_;
  std::vector<Diagnostic>& errors_;
  const std::map<std::string, std::string>& outer_vars_;
  const std::map<std::string, std::string>* vars_ = nullptr;
  yaml::Node rewrite_node_;    // the action's rewrite mapping, parsed once the rule's calls are known
  YAML::Mark redirect_mark_;
};

struct Source {
  std::string display;  // file name as shown in errors
  std::string text;
  fs::path dir;          // where its includes are looked up
  bool from_file = true;  // false for shipped policies (includes: shipped ones only)
  std::string identity;  // canonical path (or shipped name), for include cycles
  const yaml::Tree* tree = nullptr;  // a shipped policy's, parsed at build time
};

std::optional<Source> read_source(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  fs::path dir = fs::path(path).parent_path();
  std::error_code ec;
  std::string identity = fs::weakly_canonical(path, ec).string();
  return Source{path, ss.str(), dir.empty() ? fs::path(".") : dir, true, ec ? path : identity};
}

void append(std::vector<std::string>& to, const std::vector<std::string>& from) {
  for (const auto& s : from)
    if (std::find(to.begin(), to.end(), s) == to.end()) to.push_back(s);
}

// Lists are unioned; the including file's errno wins.
void merge_filesystem(FilesystemSection& mine, const FilesystemSection& sub) {
  if (!sub.present) return;
  if (!mine.present) {
    mine = sub;
    return;
  }
  append(mine.read, sub.read);
  append(mine.write, sub.write);
  append(mine.exec, sub.exec);
  append(mine.deny, sub.deny);
  mine.view = mine.view || sub.view;
  mine.where_of.insert(sub.where_of.begin(), sub.where_of.end());  // the including file's place wins
}

void merge_network(NetworkSection& mine, const NetworkSection& sub) {
  if (!sub.present) return;
  if (!mine.present) {
    mine = sub;
    return;
  }
  append(mine.allow, sub.allow);
  mine.where_of.insert(sub.where_of.begin(), sub.where_of.end());
}

Source shipped_source(const std::string& name, std::string_view text) {
  return Source{"<shipped:" + name + ">", std::string(text), {}, false, "<shipped:" + name + ">", shipped_tree(name)};
}

class Merger {
 public:
  Merger(const LoadOptions& options, std::vector<Diagnostic>& errors) : options_(options), errors_(errors) {}

  // Loads a file and its includes. The file's own rules come first, so it can
  // override what it includes; its scalars win.
  FilePolicy load(const Source& src, std::vector<std::string>& sources, std::vector<std::string>& stack,
                  const std::map<std::string, std::string>& outer_vars) {
    sources.push_back(src.display);
    stack.push_back(src.identity);
    FileParser parser(src.display, options_, errors_, outer_vars);
    FilePolicy fp = parser.parse(src.text, src.tree);
    for (const auto& [name, where] : fp.includes) {
      auto inc = resolve_include(name, src);
      if (!inc) {
        errors_.push_back({where, "cannot find included policy '" + name + "' (looked next to " + src.display +
                                      " and among the shipped policies)"});
        continue;
      }
      if (std::find(stack.begin(), stack.end(), inc->identity) != stack.end()) {
        errors_.push_back({where, "include cycle: '" + inc->display + "' includes itself"});
        continue;
      }
      FilePolicy sub = load(*inc, sources, stack, fp.vars);
      if (!fp.version) fp.version = sub.version;
      if (fp.name.empty()) fp.name = sub.name;
      if (!fp.abis) fp.abis = sub.abis;
      if (!fp.default_action) {
        fp.default_action = sub.default_action;
        fp.default_where = sub.default_where;
      }
      for (auto& r : sub.rules) fp.rules.push_back(std::move(r));
      fp.limits.merge_smaller(sub.limits);
      merge_filesystem(fp.filesystem, sub.filesystem);
      merge_network(fp.network, sub.network);
      fp.keep_caps |= sub.keep_caps;
      fp.private_tmp = fp.private_tmp || sub.private_tmp;
      if (!fp.audit) fp.audit = sub.audit;
      if (!fp.user) fp.user = sub.user;
    }
    stack.pop_back();
    return fp;
  }

 private:
  std::optional<Source> resolve_include(const std::string& name, const Source& from) {
    if (from.from_file || fs::path(name).is_absolute()) {
      fs::path p = fs::path(name).is_absolute() ? fs::path(name) : from.dir / name;
      std::error_code ec;
      if (fs::is_regular_file(p, ec)) return read_source(p.lexically_normal().string());
    }
    std::string stem = name;
    if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".yaml") == 0) stem.resize(stem.size() - 5);
    if (const auto text = shipped_policy(stem)) return shipped_source(stem, *text);
    return std::nullopt;
  }

  const LoadOptions& options_;
  std::vector<Diagnostic>& errors_;
};

Policy finish(const Source& src, const LoadOptions& options) {
  std::vector<Diagnostic> errors;
  std::vector<std::string> sources, stack;
  Merger merger(options, errors);
  std::map<std::string, std::string> outer;
  if (!options.rundir.empty()) outer[std::string(kRundirVar)] = options.rundir;
  FilePolicy fp = merger.load(src, sources, stack, outer);
  // A view binds whole trees and single files (fs/view.hpp): an entry with a
  // wildcard elsewhere would show the program more than the entry allows.
  if (fp.filesystem.view) {
    const auto& f = fp.filesystem;
    for (const auto& [list, entries] : {std::pair{"read", &f.read}, {"write", &f.write}, {"exec", &f.exec}, {"deny", &f.deny}})
      for (const auto& e : *entries) {
        std::string_view s = e;
        if (s.ends_with("/**")) s.remove_suffix(3);
        if (s.find('*') == std::string_view::npos) continue;
        auto at = f.where_of.find(std::string(list) + ":" + e);
        errors.push_back({at != f.where_of.end() ? at->second : f.where,
                          std::string("with 'view: true', a ") + list +
                              " entry is a path P or a tree P/** without other wildcards, got '" + e + "'"});
      }
  }
  if (!errors.empty()) {
    // In reading order: the top file first, then its includes as they were
    // read; within a file by line and column.
    auto rank = [&](const std::string& file) {
      return static_cast<std::size_t>(std::find(sources.begin(), sources.end(), file) - sources.begin());
    };
    std::stable_sort(errors.begin(), errors.end(), [&](const Diagnostic& a, const Diagnostic& b) {
      auto ra = rank(a.where.file), rb = rank(b.where.file);
      if (ra != rb) return ra < rb;
      if (a.where.line != b.where.line) return a.where.line < b.where.line;
      return a.where.column < b.where.column;
    });
    throw InputError(std::move(errors));
  }
  Policy p;
  p.version = fp.version.value_or(1);
  p.name = fp.name;
  if (fp.abis) p.abis = *fp.abis;
  if (fp.default_action) {
    p.default_action = *fp.default_action;
    p.default_where = fp.default_where;
  } else {
    p.default_action = Action{Action::Kind::Kill, 0};
    p.default_where = {src.display, 0, 0};
  }
  p.rules = std::move(fp.rules);
  p.limits = fp.limits;
  p.filesystem = std::move(fp.filesystem);
  p.network = std::move(fp.network);
  p.keep_caps = fp.keep_caps;
  p.private_tmp = fp.private_tmp;
  p.audit = fp.audit.value_or(false);
  p.user = fp.user;
  p.sources = std::move(sources);
  return p;
}

}  // namespace

Policy load_text(std::string_view text, const std::string& display_name, const LoadOptions& options) {
  fs::path dir = fs::path(display_name).parent_path();
  return finish(Source{display_name, std::string(text), dir.empty() ? fs::path(".") : dir, true, display_name}, options);
}

Policy load_file(const std::string& path, const LoadOptions& options) {
  auto src = read_source(path);
  if (!src) {
    throw InputError(std::vector<Diagnostic>{{{path, 0, 0}, std::string("cannot read policy: ") + std::strerror(errno)}});
  }
  return finish(*src, options);
}

Policy load_shipped(std::string_view name, const LoadOptions& options) {
  auto text = shipped_policy(name);
  if (!text) throw InputError(std::vector<Diagnostic>{{{std::string(name), 0, 0}, "no shipped policy of that name"}});
  return finish(shipped_source(std::string(name), *text), options);
}

}  // namespace sysgate::policy
