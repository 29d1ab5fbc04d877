#include "policy/documents.hpp"

namespace sysgate::policy {

const yaml::Document& DocumentCache::get(std::string_view text) {
  std::string key(text);
  if (auto it = trees_.find(key); it != trees_.end()) return it->second;
  yaml::Document doc = yaml::Document::parse(key);
  return trees_.emplace(std::move(key), std::move(doc)).first->second;
}

}  // namespace sysgate::policy
