// A list of path patterns asked about many paths at once (which learned
// entries already cover a path): literal patterns are looked up, and a glob is
// only tried on paths below (or on the way to) its literal directory, so
// thousands of entries can be asked about thousands of paths.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "fs/path_pattern.hpp"

namespace sysgate::learn {

class PatternSet {
 public:
  PatternSet() = default;
  explicit PatternSet(const std::vector<std::string>& patterns);
  // Some pattern matches `path` (an absolute, normalised path).
  bool matches(const std::string& path) const;
  // `path` is matched, or is a directory on the way to something a pattern
  // can match (what a filesystem section lets stat reach).
  bool reaches(const std::string& path) const;

 private:
  // The globs whose literal directory is `dir` or above it, for each such `dir` of `path`.
  template <typename F>
  bool any_glob_above(const std::string& path, F&& test) const;

  std::unordered_set<std::string> literal_;
  std::unordered_set<std::string> on_the_way_;  // the directories of the literal patterns and glob bases
  std::unordered_map<std::string, std::vector<fs::PathPattern>> globs_;  // by literal directory
};

// Whether `pattern` (a glob, as in filesystem lists) matches `path`.
bool pattern_matches(const std::string& pattern, const std::string& path);

}  // namespace sysgate::learn
