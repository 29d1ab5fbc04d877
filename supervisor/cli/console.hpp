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

// Makes `text` the whole content of the file at `path` (created 0666 less the
// umask if missing). An existing regular file is written over from its start and
// then cut to the new length, not opened with O_TRUNC: on ext4 a truncation to
// zero frees the file's blocks (a discard, with `-o discard`) and makes the
// close flush the new ones (auto_da_alloc), about 0.4 ms per report here,
// against 10 µs for writing over the old blocks (bench/README.md). Throws
// std::system_error naming what failed.
void write_whole_file(const std::string& path, const std::string& text);

// --seed: a whole number below 2^53 (exact in every JSON reader). Throws UsageError.
std::uint64_t parse_seed(const std::string& text);

}  // namespace sysgate::cli
