// One line about each shipped policy, for `sysgate policies`: the first line
// of the comment at the top of its file.
#include "policy/shipped.hpp"

namespace sysgate::policy {

std::string shipped_policy_summary(std::string_view name) {
  auto text = shipped_policy(name);
  if (!text || text->substr(0, 2) != "# ") return {};
  std::string_view line = text->substr(2, text->find('\n') - 2);
  return std::string(line);
}

}  // namespace sysgate::policy
