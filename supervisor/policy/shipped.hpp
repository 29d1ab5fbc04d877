// Policies shipped in policies/ and embedded into the binary at build time.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sysgate::policy {

namespace yaml {
struct Tree;
}

std::optional<std::string_view> shipped_policy(std::string_view name);
std::vector<std::string_view> shipped_policy_names();
// The first line of a shipped policy's header comment (its one-line summary).
std::string shipped_policy_summary(std::string_view name);
// A shipped policy's YAML, parsed when sysgate was built (nullptr: no such policy).
const yaml::Tree* shipped_tree(std::string_view name);

}  // namespace sysgate::policy
