// Parsed policy documents kept for a process that loads the same policies many
// times: `sysgate batch` parses each policy file (and what it includes) once,
// and every run loads its policy from those trees with its own ${CWD} and
// ${RUNDIR}. Parsing is most of a load (yaml-cpp: about 0.3 ms of grade-c's
// 0.35); turning the tree into a Policy, with the run's variables, is done
// per load as before. Keyed by the whole text, so a file changed between two
// loads is parsed again. The loader only reads the trees (through const
// nodes, which yaml-cpp never changes), so one tree serves any number of
// loads. Not thread-safe: one per thread, or filled before the threads start.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sysgate::policy {

class DocumentCache {
 public:
  // The document of `text`, parsed on its first request. Throws what
  // YAML::Load throws (a text that does not parse is not kept).
  const YAML::Node& get(std::string_view text);
  std::size_t size() const { return trees_.size(); }

 private:
  std::unordered_map<std::string, YAML::Node> trees_;
};

}  // namespace sysgate::policy
