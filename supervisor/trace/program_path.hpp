// Finding PROGRAM as a shell would (PATH search unless it has a '/'), so that
// "not found" (127) and "not executable" (126) are told before anything runs.
#pragma once

#include <optional>
#include <string>

namespace sysgate::trace {

struct ProgramLookup {
  std::string path;  // resolved, when found
  int error = 0;     // ENOENT: not found; EACCES etc.: found but not executable
};

// Relative names and PATH entries are taken relative to `cwd` (empty: ours).
// `path` is the PATH the program will get (execvp's default when it has none).
ProgramLookup find_program(const std::string& name, const std::string& cwd, const std::optional<std::string>& path);

}  // namespace sysgate::trace
