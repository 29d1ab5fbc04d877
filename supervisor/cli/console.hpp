// What every command prints with, and where it was started from.
#pragma once

#include <string>

namespace sysgate::cli {

// One line on stderr in one write(2), so it never interleaves mid-line with
// the program's own output on a shared pipe.
void say(const std::string& line);
// The caller's working directory ("/" when it cannot be read).
std::string caller_cwd();

}  // namespace sysgate::cli
