#include "fs/path_pattern.hpp"

#include <limits.h>
#include <stdlib.h>

#include <cstring>

namespace sysgate::fs {
namespace {

// Wildcard matching of a pattern of `n` elements against a subject of `m`:
// star(p) says element p matches any run of subject elements (zero or more),
// one(p, i) whether element p matches subject element i. The last star seen
// is the only backtracking point (a match an earlier choice allows, the later
// star finds too), so it takes O(n * m) comparisons, never exponential time.
template <typename Star, typename One>
bool wildcard_match(std::size_t n, std::size_t m, Star star, One one) {
  std::size_t p = 0, i = 0, last = n, mark = 0;
  while (i < m) {
    if (p < n && star(p)) {
      last = p++;
      mark = i;
    } else if (p < n && one(p, i)) {
      ++p;
      ++i;
    } else if (last != n) {
      p = last + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (p < n && star(p)) ++p;
  return p == n;
}

// `*` matches any run of characters within one component.
bool component_match(std::string_view pat, std::string_view s) {
  return wildcard_match(
      pat.size(), s.size(), [&](std::size_t p) { return pat[p] == '*'; },
      [&](std::size_t p, std::size_t i) { return pat[p] == s[i]; });
}

// `**` matches any run of whole components (zero or more), other components
// one each.
bool glob_match(const std::vector<std::string>& pat, const std::vector<std::string>& path) {
  return wildcard_match(
      pat.size(), path.size(), [&](std::size_t p) { return pat[p] == "**"; },
      [&](std::size_t p, std::size_t i) { return component_match(pat[p], path[i]); });
}

// Can some extension of path[si..] be matched by pat[pi..]? (path is a prefix)
bool glob_prefix(const std::vector<std::string>& pat, std::size_t pi, const std::vector<std::string>& path, std::size_t si) {
  if (si == path.size()) return true;
  if (pi == pat.size()) return false;
  if (pat[pi] == "**") return true;
  return component_match(pat[pi], path[si]) && glob_prefix(pat, pi + 1, path, si + 1);
}

}  // namespace

std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    std::size_t j = i;
    while (j < path.size() && path[j] != '/') ++j;
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string real_path(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) != nullptr ? std::string(buf) : std::string();
}

bool within(std::string_view inner, std::string_view outer) {
  return inner == outer || (inner.size() > outer.size() && inner.substr(0, outer.size()) == outer &&
                            (outer == "/" || inner[outer.size()] == '/'));
}

std::string normalize(std::string_view p) {
  std::vector<std::string> out;
  for (auto& c : components(p)) {
    if (c == ".") continue;
    if (c == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(std::move(c));
  }
  std::string s;
  for (const auto& c : out) s += "/" + c;
  return s.empty() ? "/" : s;
}

PathPattern::PathPattern(Kind kind, std::string text) : kind_(kind), text_(std::move(text)) {
  if (kind_ != Kind::Glob) text_ = normalize(text_);
  parts_ = components(text_);
}

bool PathPattern::matches(std::string_view path) const { return matches(components(path)); }

bool PathPattern::matches(const std::vector<std::string>& p) const {
  switch (kind_) {
    case Kind::Eq: return p == parts_;
    case Kind::Prefix:
      if (p.size() < parts_.size()) return false;
      for (std::size_t i = 0; i < parts_.size(); ++i)
        if (p[i] != parts_[i]) return false;
      return true;
    case Kind::Glob: return glob_match(parts_, p);
  }
  return false;
}

bool PathPattern::has_below(std::string_view path) const {
  auto p = components(path);
  if (kind_ == Kind::Glob) return glob_prefix(parts_, 0, p, 0);
  if (p.size() > parts_.size()) return false;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (p[i] != parts_[i]) return false;
  return true;
}

std::string PathPattern::literal_base() const {
  std::string s;
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    const auto& c = parts_[i];
    if (kind_ == Kind::Glob && c.find('*') != std::string::npos) break;
    s += "/" + c;
  }
  return s.empty() ? "/" : s;
}

std::string canonical_pattern(const std::string& pattern) {
  auto parts = components(pattern);
  // /proc is per process: resolving /proc/self here would name the supervisor.
  if (!parts.empty() && parts[0] == "proc") return pattern;
  std::size_t literal = 0;
  while (literal < parts.size() && parts[literal].find('*') == std::string::npos) ++literal;
  // The longest literal prefix that exists, resolved; the rest kept as written.
  for (std::size_t n = literal; n > 0; --n) {
    std::string prefix;
    for (std::size_t i = 0; i < n; ++i) prefix += "/" + parts[i];
    char real[PATH_MAX];
    if (realpath(prefix.c_str(), real) == nullptr) continue;
    std::string out = std::strcmp(real, "/") == 0 ? "" : real;
    for (std::size_t i = n; i < parts.size(); ++i) out += "/" + parts[i];
    return out.empty() ? "/" : out;
  }
  return pattern;
}

}  // namespace sysgate::fs
