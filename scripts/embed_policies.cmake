# Writes OUT: a C++ file embedding every policy in POLICY_DIR, by file stem.
file(GLOB files "${POLICY_DIR}/*.yaml")
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  get_filename_component(stem "${f}" NAME_WE)
  file(READ "${f}" text)
  string(APPEND body "    {\"${stem}\", R\"sysgate_policy(${text})sysgate_policy\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from policies/ by scripts/embed_policies.cmake. Do not edit.
#include \"policy/shipped.hpp\"

#include <array>
#include <utility>

namespace sysgate::policy {
namespace {
const std::pair<std::string_view, std::string_view> kPolicies[] = {
${body}};
}  // namespace

std::optional<std::string_view> shipped_policy(std::string_view name) {
  for (const auto& [n, text] : kPolicies)
    if (n == name) return text;
  return std::nullopt;
}

std::vector<std::string_view> shipped_policy_names() {
  std::vector<std::string_view> out;
  for (const auto& p : kPolicies) out.push_back(p.first);
  return out;
}

}  // namespace sysgate::policy
")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
