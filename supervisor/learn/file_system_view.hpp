// What learn asks of the file system as it is after the run: how full a
// directory is, whether a path still exists or is a symlink, what a script's
// interpreter is, where a UNIX socket's directory leads. The host's answers,
// or a test's.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace sysgate::learn {

// Each member may be left empty: nothing is then known of that.
struct FileSystemView {
  // How many entries a directory holds now; nullopt when it cannot be listed.
  std::function<std::optional<std::size_t>(const std::string& dir)> entries;
  // Whether a path exists now (not following a last symlink).
  std::function<bool(const std::string& path)> exists;
  // Whether the path is a symlink now.
  std::function<bool(const std::string& path)> is_symlink;
  // The interpreter a `#!` script names ("/bin/sh"); empty for anything else.
  std::function<std::string(const std::string& path)> interpreter;
  // The path with the symlinks of its directory resolved, as the supervisor
  // resolves a UNIX socket's path; the path itself when that cannot be done.
  std::function<std::string(const std::string& path)> resolve_parent;
  static FileSystemView host();
};

}  // namespace sysgate::learn
