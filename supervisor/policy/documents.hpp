// Parsed policy documents kept for a process that loads the same policies many
// times: `sysgate batch` parses each policy file (and what it includes) once,
// and every run loads its policy from those trees with its own ${CWD} and
// ${RUNDIR}. Parsing is most of a load (yaml-cpp: about 0.3 ms of grade-c's
// 0.35); turning the tree into a Policy, with the run's variables, is done
// per load as before. Keyed by the whole text, so a file changed between two
// loads is parsed again. Trees are read-only (yaml_tree.hpp), so one serves
// any number of loads. Not thread-safe: one per thread, or filled before the
// threads start.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "policy/yaml_tree.hpp"

namespace sysgate::policy {

class DocumentCache {
 public:
  // The document of `text`, parsed on its first request. Throws
  // YAML::ParserException (a text that does not parse is not kept).
  const yaml::Document& get(std::string_view text);
  std::size_t size() const { return trees_.size(); }

 private:
  // Looked up by the text's view (no copy of a text already parsed).
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, yaml::Document, TextHash, std::equal_to<>> trees_;
};

}  // namespace sysgate::policy
