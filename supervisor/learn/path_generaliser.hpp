// Turns the paths a run reached with one kind of access into the patterns of
// a filesystem list (read, write or exec), readable and still close to what
// the run did:
//   - names that change from run to run: a temporary (a file the run wrote
//     and that was gone when it ended) keeps the stable part of its name
//     (/tmp/ccA1b2C3.s -> /tmp/cc*.s); /dev/pts/N is /dev/pts/*;
//   - a path that is a symlink (reached by readlink, lstat, unlink) is
//     written DIR/**/NAME: policies resolve symlinks in the literal part
//     of a pattern, which would name the link's target instead;
//   - none:  nothing more;
//   - dirs:  files of one directory become DIR/* when the run used at least
//            two of them and at least half of what the directory holds; a
//            tree whose files all share an extension becomes DIR/**/*.EXT;
//   - trees: as dirs, and a file deeper than `depth` components below its
//            root (/, ${CWD}, ${HOME}, ${TMPDIR}) is covered by DIR/** of its
//            directory at that depth, when the run used two files there.
// What the file system holds now (entries of a directory, whether a path
// still exists) is asked through FileSystemView, which tests replace.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "learn/file_system_view.hpp"
#include "learn/observations.hpp"
#include "learn/pattern_set.hpp"

namespace sysgate::learn {

enum class Generalise : std::uint8_t { None, Dirs, Trees };
const char* to_string(Generalise g);
std::optional<Generalise> generalise_from_name(const std::string& name);

struct GeneraliseOptions {
  Generalise mode = Generalise::Dirs;
  int depth = 3;  // trees: at least 1
  // Directories the policy names by variable (${CWD}, ${HOME}, ${TMPDIR}):
  // trees count their depth from them, and no glob is made across one from above.
  std::vector<std::string> roots;
  // Directories other programs share (${HOME}, ${TMPDIR}): never DIR/* or
  // DIR/**/*.EXT as a whole, only what the run used in them.
  std::vector<std::string> shared_dirs;
  // Every path the run wrote: a written path that is gone is a temporary.
  std::set<std::string> written;
};

// One entry of a list and what it stands for.
struct PathEntry {
  enum class Kind : std::uint8_t { Exact, Temporary, Directory, Tree, Extension };
  std::string pattern;  // absolute path or glob (variables not substituted)
  Kind kind = Kind::Exact;
  std::uint64_t paths = 0;  // distinct paths of the run it covers
  Use use;                  // their calls, and who made the first
  std::string example;      // one of the paths (for globs)
};
const char* to_string(PathEntry::Kind k);

// The name of a temporary with its varying part as `*` ("ccA1b2C3.s" ->
// "cc*.s", "tmp_obj_Xy12Zq" -> "tmp_obj_*"); the name itself when nothing
// in it looks generated.
std::string temporary_glob(const std::string& name);

// Patterns for `paths` (exact resolved paths, or /proc/self/... forms), sorted.
std::vector<PathEntry> generalise(const std::map<std::string, Use>& paths, const GeneraliseOptions& options,
                                  const FileSystemView& fs);

}  // namespace sysgate::learn
