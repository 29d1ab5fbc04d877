// Naming an argument of a call: `fd`, `flags` or `arg0`..`arg5`.
#pragma once

#include <optional>
#include <string_view>

#include "arch/syscall_table.hpp"

namespace sysgate::arch {

struct ResolvedArg {
  int index;
  ArgKind kind;
};

// `position` >= 0 for argN. A call the table lacks (named by number) has only
// positional arguments, taken as unsigned words.
std::optional<ResolvedArg> resolve_arg(const SyscallSpec* spec, std::string_view name, int position);

// Kinds the kernel reads as 32-bit values: a test must look at the low half only.
bool is_32bit(ArgKind kind);
bool is_signed(ArgKind kind);
// Arguments that point into the tracee's memory.
bool is_pointer(ArgKind kind);

}  // namespace sysgate::arch
