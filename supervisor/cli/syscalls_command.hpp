// sysgate syscalls: the policy author's view of the syscall table. Per call:
// its number on each ABI, its arguments (names a policy's `args` tests use,
// and their kinds), its strace groups, and what the filesystem and network
// sections see of it (see sysgate(1), COMMANDS). Printing only; the facts are
// in arch/ (numbers, arguments, groups) and fs/access_table (path accesses).
#pragma once

#include <string>
#include <vector>

namespace sysgate::cli {

// `args` are the arguments after "syscalls". Returns sysgate's exit status:
// 0, or 2 for a call or group name the table does not know (with the nearest
// name on stderr); throws UsageError (cli/options.hpp) for a mistake on the
// command line.
int cmd_syscalls(const std::vector<std::string>& args);

// The usage line of syscalls, for `sysgate --help`.
const char* syscalls_usage();

}  // namespace sysgate::cli
