// sysgate's own rules, decided before every policy's: no policy can open these
// holes. They are data (builtin_rules.cpp), expanded per policy.
#pragma once

#include <vector>

#include "compile/plan.hpp"

namespace sysgate::compile {

// Whether some decision of this policy reads the tracee's memory (a path, a
// socket address): then the guarantees of copy-on-check must hold.
bool checks_memory(const Policy& policy);

// The built-in rules for `policy`, in decision order (one syscall per rule).
std::vector<Rule> builtin_rules(const Policy& policy, const ScratchLayout& scratch);

}  // namespace sysgate::compile
