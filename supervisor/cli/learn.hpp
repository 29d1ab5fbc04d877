// sysgate learn: records what a program does (or reads the JSON logs of
// earlier runs) and writes a policy that allows exactly that (see sysgate(1),
// COMMANDS). Option parsing and printing only; the work is in supervisor/learn/.
#pragma once

#include <string>
#include <vector>

namespace sysgate::cli {

// `args` are the arguments after "learn". Returns sysgate's exit status;
// throws UsageError (cli/options.hpp) for a mistake on the command line.
int cmd_learn(const std::vector<std::string>& args);

// The usage line of learn, for `sysgate --help`.
const char* learn_usage();

}  // namespace sysgate::cli
