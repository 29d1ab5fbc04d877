// The merged, expanded policy in one canonical text, so that two files meaning
// the same policy hash the same (the report's policy.sha256).
#pragma once

#include <string>

#include "sysgate/policy.hpp"

namespace sysgate::policy {

std::string canonical_text(const Policy& policy);

}  // namespace sysgate::policy
