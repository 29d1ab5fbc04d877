// `sysgate explain`: the compiled plan in words.
#pragma once

#include <string>

#include "compile/plan.hpp"

namespace sysgate::cli {

std::string explain(const compile::Plan& plan, bool with_bpf);
// Things in a valid policy that will not do what they seem to (`check` prints them).
std::vector<std::string> warnings(const compile::Plan& plan);

}  // namespace sysgate::cli
