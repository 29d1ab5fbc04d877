// What every command prints with, and where it was started from.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace sysgate::cli {

// One line on stderr in one write(2), so it never interleaves mid-line with
// the program's own output on a shared pipe.
void say(const std::string& line);
// The caller's working directory ("/" when it cannot be read).
std::string caller_cwd();

// Writes a JSON text where an option names: a file, or "-" for the last line
// on stdout; a file that cannot be written is said on stderr, naming `option`.
// The text is made only when there is somewhere to write it.
void write_json_to(const std::optional<std::string>& where, const std::function<std::string()>& make,
                   const char* option = "--report");

// --seed: a whole number below 2^53 (exact in every JSON reader). Throws UsageError.
std::uint64_t parse_seed(const std::string& text);

}  // namespace sysgate::cli
