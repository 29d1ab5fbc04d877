// The seccomp filter the plan compiles to, and its readable listing.
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

#include "compile/plan.hpp"

namespace sysgate::compile {

std::vector<sock_filter> build_filter(const Plan& plan);
std::string disassemble(const std::vector<sock_filter>& program);

}  // namespace sysgate::compile
