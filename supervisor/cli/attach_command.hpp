// sysgate attach: enforces a policy on processes that are already running,
// until they exit or sysgate detaches (sysgate(1) COMMANDS). Option parsing
// and printing only; the run is a session::Session.
#pragma once

#include <string>
#include <vector>

namespace sysgate::cli {

// `args` are the arguments after "attach". Throws UsageError for a mistake
// on the command line.
int cmd_attach(const std::vector<std::string>& args);

}  // namespace sysgate::cli
