#include "policy/documents.hpp"

namespace sysgate::policy {

const YAML::Node& DocumentCache::get(std::string_view text) {
  std::string key(text);
  if (auto it = trees_.find(key); it != trees_.end()) return it->second;
  YAML::Node tree = YAML::Load(key);
  return trees_.emplace(std::move(key), std::move(tree)).first->second;
}

}  // namespace sysgate::policy
