#include "policy/documents.hpp"

namespace sysgate::policy {

const yaml::Document& DocumentCache::get(std::string_view text) {
  if (auto it = trees_.find(text); it != trees_.end()) return it->second;
  yaml::Document doc = yaml::Document::parse(text);
  return trees_.emplace(std::string(text), std::move(doc)).first->second;
}

}  // namespace sysgate::policy
