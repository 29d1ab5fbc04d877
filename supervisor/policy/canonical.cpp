#include "policy/canonical.hpp"

#include <nlohmann/json.hpp>

#include "policy/capabilities.hpp"

namespace sysgate::policy {
namespace {

nlohmann::ordered_json action_json(const Action& a) {
  nlohmann::ordered_json j;
  j["kind"] = to_string(a.kind);
  if (a.kind == Action::Kind::Deny) j["errno"] = a.error;
  return j;
}

template <typename T>
nlohmann::ordered_json opt(const std::optional<T>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

}  // namespace

std::string canonical_text(const Policy& p) {
  nlohmann::ordered_json j;
  j["version"] = p.version;
  j["name"] = p.name;
  nlohmann::ordered_json abis = nlohmann::ordered_json::array();
  for (Abi a : p.abis) abis.push_back(to_string(a));
  j["abi"] = abis;
  j["default"] = action_json(p.default_action);
  nlohmann::ordered_json rules = nlohmann::ordered_json::array();
  for (const auto& r : p.rules) {
    nlohmann::ordered_json jr;
    jr["name"] = r.name;
    nlohmann::ordered_json sels = nlohmann::ordered_json::array();
    for (const auto& s : r.syscalls) {
      switch (s.kind) {
        case SyscallSelector::Kind::Name: sels.push_back(s.name); break;
        case SyscallSelector::Kind::Group: sels.push_back("%" + s.name); break;
        case SyscallSelector::Kind::All: sels.push_back("*"); break;
        case SyscallSelector::Kind::Number: sels.push_back({{"nr", s.number}}); break;
      }
    }
    jr["syscalls"] = sels;
    nlohmann::ordered_json args = nlohmann::ordered_json::array();
    for (const auto& t : r.args)
      args.push_back({{"arg", t.arg}, {"op", to_string(t.op)}, {"values", t.values}, {"patterns", t.texts}});
    jr["args"] = args;
    jr["action"] = action_json(r.action);
    jr["log"] = r.log;
    rules.push_back(jr);
  }
  j["rules"] = rules;
  j["filesystem"] = {{"present", p.filesystem.present}, {"read", p.filesystem.read}, {"write", p.filesystem.write},
                     {"exec", p.filesystem.exec},       {"deny", p.filesystem.deny},   {"errno", p.filesystem.error},
                     {"view", p.filesystem.view}};
  j["network"] = {{"present", p.network.present}, {"allow", p.network.allow}, {"errno", p.network.error}};
  const Limits& l = p.limits;
  j["limits"] = {{"cpu_time", opt(l.cpu_time_s)}, {"wall_time", opt(l.wall_time_s)}, {"memory", opt(l.memory)},
                 {"processes", opt(l.processes)}, {"output", opt(l.output)},   {"file_size", opt(l.file_size)},
                 {"open_files", opt(l.open_files)}, {"stack", opt(l.stack)}};
  // Keys added after format version 1 was first hashed appear only when set,
  // so that a policy without them keeps its hash.
  if (l.on_process_limit) j["limits"]["on_process_limit"] = to_string(*l.on_process_limit);
  if (p.keep_caps != 0) j["capabilities"] = capabilities_text(p.keep_caps);
  if (p.user) j["user"] = *p.user;
  // Invalid UTF-8 (a path from a Latin-1 directory) must not stop the hash: U+FFFD.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace sysgate::policy
