// The shipped policies' YAML trees, parsed when sysgate was built
// (scripts/gen_shipped_trees.cpp writes shipped_trees.inc).
#include <cstdint>
#include <string_view>
#include <utility>

#include "policy/shipped.hpp"
#include "policy/yaml_tree.hpp"

namespace sysgate::policy {
namespace yaml {
namespace {
#include "shipped_trees.inc"
}  // namespace
}  // namespace yaml

const yaml::Tree* shipped_tree(std::string_view name) {
  for (const auto& [n, tree] : yaml::kTrees)
    if (n == name) return &tree;
  return nullptr;
}

}  // namespace sysgate::policy
