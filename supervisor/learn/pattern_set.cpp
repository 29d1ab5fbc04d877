#include "learn/pattern_set.hpp"

namespace sysgate::learn {
namespace {

// `dir` and each directory above it, to /.
template <typename F>
bool each_up(const std::string& dir, F&& f) {
  std::string d = dir;
  while (true) {
    if (f(d)) return true;
    if (d == "/") return false;
    auto slash = d.rfind('/');
    d = slash == 0 ? "/" : d.substr(0, slash);
  }
}

}  // namespace

PatternSet::PatternSet(const std::vector<std::string>& patterns) {
  for (const auto& p : patterns) {
    std::string base;
    if (p.find('*') != std::string::npos) {
      fs::PathPattern g(fs::PathPattern::Kind::Glob, p);
      base = g.literal_base();
      globs_[base].push_back(std::move(g));
    } else {
      base = fs::normalize(p);
      literal_.insert(base);
    }
    each_up(base, [&](const std::string& d) { return !on_the_way_.insert(d).second; });
  }
}

template <typename F>
bool PatternSet::any_glob_above(const std::string& path, F&& test) const {
  if (globs_.empty()) return false;
  return each_up(path, [&](const std::string& d) {
    auto it = globs_.find(d);
    if (it == globs_.end()) return false;
    for (const auto& g : it->second)
      if (test(g)) return true;
    return false;
  });
}

bool PatternSet::matches(const std::string& path) const {
  if (literal_.count(path) != 0) return true;
  return any_glob_above(path, [&](const fs::PathPattern& g) { return g.matches(path); });
}

bool PatternSet::reaches(const std::string& path) const {
  if (literal_.count(path) != 0 || on_the_way_.count(path) != 0) return true;
  return any_glob_above(path, [&](const fs::PathPattern& g) { return g.matches(path) || g.has_below(path); });
}

bool pattern_matches(const std::string& pattern, const std::string& path) {
  return fs::PathPattern(fs::PathPattern::Kind::Glob, pattern).matches(path);
}

}  // namespace sysgate::learn
