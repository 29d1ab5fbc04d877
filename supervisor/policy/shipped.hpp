// Policies shipped in policies/ and embedded into the binary at build time.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace sysgate::policy {

std::optional<std::string_view> shipped_policy(std::string_view name);
std::vector<std::string_view> shipped_policy_names();

}  // namespace sysgate::policy
