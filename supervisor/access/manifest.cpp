#include "access/manifest.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "policy/vars.hpp"
#include "sysgate/diagnostic.hpp"

namespace sysgate::access {
namespace {

bool any(const std::vector<fs::PathPattern>& pats, const std::string& path) {
  for (const auto& p : pats)
    if (p.matches(path)) return true;
  return false;
}

}  // namespace

namespace {
[[noreturn]] void fail(const SourceLocation& where, const std::string& message) {
  std::vector<Diagnostic> one;
  one.push_back(Diagnostic{where, message});
  throw InputError(std::move(one));
}
}  // namespace

Manifest load_manifest(const std::string& path, const std::string& cwd) {
  std::vector<Diagnostic> errors;
  auto at = [&](const YAML::Mark& m) { return SourceLocation{path, m.line + 1, m.column + 1}; };
  std::ifstream in(path);
  if (!in) fail({path, 0, 0}, "cannot read manifest");
  std::stringstream text;
  text << in.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::ParserException& e) {
    fail(at(e.mark), "YAML syntax error: " + e.msg);
  }
  Manifest m;
  if (!root.IsMap()) fail({path, 1, 1}, "a manifest is a mapping with inputs, outputs, tools, network");
  static const char* const kKeys[] = {"inputs", "outputs", "tools", "network", "absent_probes"};
  for (auto it = root.begin(); it != root.end(); ++it) {
    std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
    bool known = false;
    for (const char* k : kKeys) known = known || key == k;
    if (!known)
      errors.push_back({at(it->first.Mark()), "unknown key '" + key + "' in manifest (keys: inputs, outputs, tools, "
                                              "network, absent_probes)"});
  }
  auto list = [&](const char* key, auto add) {
    YAML::Node v = root[key];
    if (!v) return;
    if (!v.IsSequence()) {
      errors.push_back({at(v.Mark()), std::string("'") + key + "' must be a list"});
      return;
    }
    for (const auto& n : v) {
      if (!n.IsScalar()) {
        errors.push_back({at(n.Mark()), std::string("an entry of '") + key + "' is a string"});
        continue;
      }
      try {
        add(policy::expand_vars(n.Scalar(), {}, cwd), n);
      } catch (const std::invalid_argument& e) {
        errors.push_back({at(n.Mark()), e.what()});
      }
    }
  };
  auto paths = [&](std::vector<fs::PathPattern>& out) {
    return [&](const std::string& s, const YAML::Node& n) {
      if (s.empty() || s[0] != '/') {
        errors.push_back({at(n.Mark()), "path patterns must be absolute (after expansion): '" + s + "'"});
        return;
      }
      out.emplace_back(fs::PathPattern::Kind::Glob, fs::canonical_pattern(s));
    };
  };
  list("inputs", paths(m.inputs));
  list("outputs", paths(m.outputs));
  list("tools", paths(m.tools));
  list("network", [&](const std::string& s, const YAML::Node&) { m.network.emplace_back(s); });
  if (YAML::Node v = root["absent_probes"]) {
    std::string s = v.IsScalar() ? v.Scalar() : "";
    if (s == "ignore") m.absent_probes = Manifest::AbsentProbes::Ignore;
    else if (s == "report") m.absent_probes = Manifest::AbsentProbes::Report;
    else if (s == "fail") m.absent_probes = Manifest::AbsentProbes::Fail;
    else errors.push_back({at(v.Mark()), "'absent_probes' is ignore, report or fail, got '" + s + "'"});
  }
  if (!errors.empty()) throw InputError(std::move(errors));
  return m;
}

Undeclared undeclared(const Manifest& m, const AccessRecord& record) {
  Undeclared out;
  auto line = [&](Kind k, const std::string& what, const FirstUse& u) {
    out.lines.push_back(std::string(letter(k)) + " " + what + " (pid " + std::to_string(u.pid) +
                        (u.exe.empty() ? "" : " " + u.exe) + ")");
  };
  auto declared_path = [&](Kind k, const std::string& p) {
    switch (k) {
      case Kind::Read:
      case Kind::Probed: return any(m.inputs, p) || any(m.outputs, p) || any(m.tools, p);
      case Kind::Written:
      case Kind::Created:
      case Kind::Deleted: return any(m.outputs, p);
      case Kind::Executed: return any(m.tools, p);
      case Kind::Network: return false;
    }
    return false;
  };
  for (Kind k : {Kind::Read, Kind::Written, Kind::Created, Kind::Deleted, Kind::Executed, Kind::Probed}) {
    if (k == Kind::Probed && m.absent_probes == Manifest::AbsentProbes::Ignore) continue;
    for (const auto& [path, use] : record.of(k)) {
      if (declared_path(k, path)) continue;
      line(k, path, use);
      if (k != Kind::Probed || m.absent_probes == Manifest::AbsentProbes::Fail) out.fails = true;
    }
  }
  for (const auto& [text, use] : record.of(Kind::Network)) {
    auto a = record.addresses().find(text);
    bool ok = false;
    for (const auto& p : m.network) ok = ok || (a != record.addresses().end() && p.matches(a->second));
    if (ok) continue;
    line(Kind::Network, text, use);
    out.fails = true;
  }
  return out;
}

}  // namespace sysgate::access
