// Path patterns of policies, matched against absolute normalised paths:
// `eq` (the same path), `prefix` (per component: /usr is a prefix of /usr/lib,
// not of /usrx) and `glob` (`*` within one component, `**` zero or more
// components, so /usr/** matches /usr itself).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sysgate::fs {

class PathPattern {
 public:
  enum class Kind { Eq, Prefix, Glob };
  PathPattern(Kind kind, std::string text);

  bool matches(std::string_view path) const;
  // The same for a path already split by components() (split it once for many patterns).
  bool matches(const std::vector<std::string>& path_components) const;
  // True when `path` is a directory on the way to something this pattern can
  // match (so stat-ing it reveals nothing the policy hides).
  bool has_below(std::string_view path) const;
  // The longest directory every match lies under (for the Landlock backstop).
  std::string literal_base() const;

  Kind kind() const { return kind_; }
  const std::string& text() const { return text_; }

 private:
  Kind kind_;
  std::string text_;
  std::vector<std::string> parts_;  // components of text_
};

// The pattern with symlinks in its literal directory prefix resolved, since
// patterns are matched against resolved paths: "/lib/**" -> "/usr/lib/**"
// on a merged-/usr system.
std::string canonical_pattern(const std::string& pattern);

// "/a//b/./c/.." -> "/a/b"; lexical only (symlinks are the resolver's job).
std::string normalize(std::string_view absolute_path);
// realpath(3) of `path`, or "" when it cannot be resolved.
std::string real_path(const std::string& path);
// `inner` is `outer` or lies below it (by components: /usr/lib is within /usr, /usrx is not).
bool within(std::string_view inner, std::string_view outer);
std::vector<std::string> components(std::string_view path);

}  // namespace sysgate::fs
