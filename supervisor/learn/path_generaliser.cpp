#include "learn/path_generaliser.hpp"

#include <algorithm>
#include <cctype>

#include "fs/path_pattern.hpp"

namespace sysgate::learn {
namespace {

bool has_glob(std::string_view s) { return s.find('*') != std::string_view::npos; }

std::string parent_of(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : p.substr(0, slash);
}

std::string base_of(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

// `path` is `dir` or below it, per component.
bool under(const std::string& path, const std::string& dir) {
  if (dir == "/") return !path.empty() && path[0] == '/';
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

std::string join_under(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

std::size_t depth_of(const std::string& p) { return fs::components(p).size(); }

// "h" of "stdio.h"; empty for a name without one (or a dot file, or a long or odd suffix).
std::string extension_of(const std::string& name) {
  auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return {};
  std::string ext = name.substr(dot + 1);
  if (ext.empty() || ext.size() > 8) return {};
  for (char c : ext)
    if (!std::isalnum(static_cast<unsigned char>(c))) return {};
  return ext;
}

void absorb(PathEntry& into, const PathEntry& e) {
  into.paths += e.paths;
  into.use.merge(e.use);
  if (into.example.empty()) into.example = e.example.empty() ? e.pattern : e.example;
}

PathEntry group_entry(const std::string& pattern, PathEntry::Kind kind) {
  PathEntry e;
  e.pattern = pattern;
  e.kind = kind;
  return e;
}

// A policy resolves the symlinks of a pattern's literal part when it is
// compiled, the last component too: an entry naming a symlink would allow its
// target, not the link a readlink or lstat looks at. "DIR/**/NAME" keeps the
// link's own name out of the literal part.
std::string symlink_itself(const std::string& path) { return join_under(parent_of(path), "**/" + base_of(path)); }

class Generaliser {
 public:
  Generaliser(const GeneraliseOptions& o, const FileSystemView& f) : opt_(o), fs_(f) {}

  std::vector<PathEntry> run(const std::map<std::string, Use>& paths) {
    std::map<std::string, PathEntry> first;
    for (const auto& [path, use] : paths) {
      std::string p = run_independent(path);
      PathEntry& e = first[p];
      if (e.paths == 0) {
        e.pattern = p;
        e.kind = p == path ? PathEntry::Kind::Exact : PathEntry::Kind::Temporary;
        e.example = path;
      }
      e.paths += 1;
      e.use.merge(use);
    }
    std::vector<PathEntry> entries;
    for (auto& [p, e] : first) entries.push_back(std::move(e));
    if (opt_.mode == Generalise::Trees) entries = trees(std::move(entries));
    if (opt_.mode != Generalise::None) {
      entries = extensions(std::move(entries));
      entries = directories(std::move(entries));
    }
    entries = fold(std::move(entries));
    if (fs_.is_symlink)
      for (auto& e : entries)
        if (e.kind == PathEntry::Kind::Exact && !has_glob(e.pattern) && e.pattern != "/" && fs_.is_symlink(e.pattern))
          e.pattern = symlink_itself(e.pattern);
    std::sort(entries.begin(), entries.end(),
              [](const PathEntry& a, const PathEntry& b) { return a.pattern < b.pattern; });
    return entries;
  }

 private:
  // The path with what changes from run to run made a glob: temporaries, terminals.
  std::string run_independent(const std::string& path) const {
    if (path.rfind("/dev/pts/", 0) == 0 && path.find('/', 9) == std::string::npos && path.size() > 9 &&
        std::all_of(path.begin() + 9, path.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return "/dev/pts/*";
    if (has_glob(path) || opt_.written.empty() || !fs_.exists || fs_.exists(path)) return path;
    // Below the deepest directory that still exists, each component the run
    // itself created is generated.
    auto parts = fs::components(path);
    std::string sofar, out;
    bool missing = false;
    for (const auto& c : parts) {
      sofar += "/" + c;
      missing = missing || !fs_.exists(sofar);
      std::string part = c;
      if (missing && opt_.written.count(sofar) != 0) part = temporary_glob(c);
      out += "/" + part;
    }
    return out.empty() ? "/" : out;
  }

  std::string root_of(const std::string& p) const {
    std::string best = "/";
    for (const auto& r : opt_.roots)
      if (under(p, r) && r.size() > best.size()) best = r;
    return best;
  }

  bool shared(const std::string& dir) const {
    if (dir == "/") return true;
    for (const auto& s : opt_.shared_dirs)
      if (dir == s) return true;
    return false;
  }

  // A glob at `dir` would cover a root from above.
  bool above_root(const std::string& dir) const {
    for (const auto& r : opt_.roots)
      if (r != dir && under(r, dir)) return true;
    return false;
  }

  std::vector<PathEntry> trees(std::vector<PathEntry> in) const {
    std::map<std::string, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < in.size(); ++i) {
      const std::string& p = in[i].pattern;
      if (p.find("**") != std::string::npos) continue;
      std::string root = root_of(p);
      auto rel = fs::components(root == "/" ? p : p.substr(root.size()));
      if (rel.size() <= static_cast<std::size_t>(opt_.depth)) continue;
      std::string key = root;
      for (int k = 0; k < opt_.depth; ++k) key = join_under(key, rel[static_cast<std::size_t>(k)]);
      if (has_glob(key) || shared(key)) continue;
      groups[key].push_back(i);
    }
    return regroup(std::move(in), groups, "/**", PathEntry::Kind::Tree);
  }

  std::vector<PathEntry> extensions(std::vector<PathEntry> in) const {
    // What lies below each directory: its files, whether they share one
    // extension, and (up to two of) their directories.
    struct Below {
      std::vector<std::size_t> files;
      std::string ext;
      bool mixed = false;
      std::set<std::string> parents;
    };
    std::map<std::pair<std::size_t, std::string>, Below> below;  // by depth, shallowest first
    for (std::size_t i = 0; i < in.size(); ++i) {
      const std::string& p = in[i].pattern;
      if (has_glob(p)) continue;
      const std::string ext = extension_of(base_of(p));
      const std::string parent = parent_of(p);
      for (std::string d = parent; d != "/"; d = parent_of(d)) {
        std::size_t depth = depth_of(d);
        if (depth < 2) break;
        Below& b = below[{depth, d}];
        b.files.push_back(i);
        if (ext.empty() || (!b.ext.empty() && b.ext != ext)) b.mixed = true;
        b.ext = ext;
        if (b.parents.size() < 2) b.parents.insert(parent);
      }
    }
    std::vector<std::string> chosen;
    std::map<std::string, std::vector<std::size_t>> groups;
    for (const auto& [key, b] : below) {
      const std::string& dir = key.second;
      if (b.mixed || b.files.size() < 3 || b.parents.size() < 2 || shared(dir) || above_root(dir)) continue;
      if (std::any_of(chosen.begin(), chosen.end(), [&](const std::string& c) { return under(dir, c); })) continue;
      chosen.push_back(dir);
      groups[dir + "/**/*." + b.ext] = b.files;
    }
    return regroup(std::move(in), groups, "", PathEntry::Kind::Extension);
  }

  std::vector<PathEntry> directories(std::vector<PathEntry> in) const {
    std::map<std::string, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < in.size(); ++i) {
      const std::string& p = in[i].pattern;
      if (p == "/" || p.find("**") != std::string::npos) continue;
      std::string dir = parent_of(p);
      if (has_glob(dir) || shared(dir)) continue;
      groups[dir].push_back(i);
    }
    std::map<std::string, std::vector<std::size_t>> chosen;
    for (auto& [dir, members] : groups) {
      if (members.size() < 2) continue;
      auto total = fs_.entries ? fs_.entries(dir) : std::nullopt;
      if (total && 2 * members.size() < *total) continue;  // a few files of a full directory
      chosen[dir] = std::move(members);
    }
    return regroup(std::move(in), chosen, "/*", PathEntry::Kind::Directory);
  }

  // Each group's members replaced by one entry KEY+suffix.
  static std::vector<PathEntry> regroup(std::vector<PathEntry> in,
                                        const std::map<std::string, std::vector<std::size_t>>& groups,
                                        const std::string& suffix, PathEntry::Kind kind) {
    std::vector<bool> gone(in.size(), false);
    std::vector<PathEntry> out;
    for (const auto& [key, members] : groups) {
      if (members.size() < 2) continue;
      PathEntry g = group_entry(key + suffix, kind);
      for (auto i : members) {
        absorb(g, in[i]);
        gone[i] = true;
      }
      out.push_back(std::move(g));
    }
    for (std::size_t i = 0; i < in.size(); ++i)
      if (!gone[i]) out.push_back(std::move(in[i]));
    return out;
  }

  // An entry another one's glob matches is folded into it; the widest globs
  // ("**") absorb first, so two globs never swallow each other.
  static std::vector<PathEntry> fold(std::vector<PathEntry> in) {
    std::vector<std::size_t> order(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) order[i] = i;
    auto width = [&](std::size_t i) {
      const std::string& p = in[i].pattern;
      return p.find("**") != std::string::npos ? 2 : has_glob(p) ? 1 : 0;
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return width(a) > width(b); });
    // A glob can only match what lies below its literal directory: the
    // entries sorted by pattern, those are one range.
    std::vector<std::size_t> sorted(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) sorted[i] = i;
    std::sort(sorted.begin(), sorted.end(), [&](std::size_t a, std::size_t b) { return in[a].pattern < in[b].pattern; });
    std::vector<bool> gone(in.size(), false);
    for (auto i : order) {
      if (gone[i] || width(i) == 0) continue;
      const fs::PathPattern glob(fs::PathPattern::Kind::Glob, in[i].pattern);
      const std::string base = glob.literal_base();
      auto from = std::lower_bound(sorted.begin(), sorted.end(), base,
                                   [&](std::size_t k, const std::string& b) { return in[k].pattern < b; });
      for (auto it = from; it != sorted.end() && in[*it].pattern.compare(0, base.size(), base) == 0; ++it) {
        std::size_t j = *it;
        if (j == i || gone[j] || !under(in[j].pattern, base)) continue;
        if (glob.matches(in[j].pattern)) {
          absorb(in[i], in[j]);
          gone[j] = true;
        }
      }
    }
    std::vector<PathEntry> out;
    for (std::size_t i = 0; i < in.size(); ++i)
      if (!gone[i]) out.push_back(std::move(in[i]));
    return out;
  }

  const GeneraliseOptions& opt_;
  const FileSystemView& fs_;
};

}  // namespace

const char* to_string(Generalise g) {
  switch (g) {
    case Generalise::None: return "none";
    case Generalise::Dirs: return "dirs";
    case Generalise::Trees: return "trees";
  }
  return "?";
}

std::optional<Generalise> generalise_from_name(const std::string& name) {
  if (name == "none") return Generalise::None;
  if (name == "dirs") return Generalise::Dirs;
  if (name == "trees") return Generalise::Trees;
  return std::nullopt;
}

const char* to_string(PathEntry::Kind k) {
  switch (k) {
    case PathEntry::Kind::Exact: return "exact";
    case PathEntry::Kind::Temporary: return "temporary";
    case PathEntry::Kind::Directory: return "directory";
    case PathEntry::Kind::Tree: return "tree";
    case PathEntry::Kind::Extension: return "extension";
  }
  return "?";
}

std::string temporary_glob(const std::string& name) {
  auto generated = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  // mkstemp(3) and its kin fill six or more letters and digits, at the end of
  // the template: the last run of six or more that mixes kinds of characters
  // (lower case, upper case, digits) is generated; when none does, the last
  // run of eight or more (a plain word such as "socket" or "output" is kept).
  // A capitalised word or words ("TryCompile", "Progress") is a name, not a
  // random run.
  auto capitalised = [&](std::size_t from, std::size_t to) {
    std::size_t k = from;
    while (k < to) {
      if (!std::isupper(static_cast<unsigned char>(name[k]))) return false;
      std::size_t lowers = 0;
      for (++k; k < to && std::islower(static_cast<unsigned char>(name[k])); ++k) ++lowers;
      if (lowers < 2) return false;
    }
    return true;
  };
  std::size_t start = 0, end = 0;
  bool found_mixed = false;
  for (std::size_t i = 0; i < name.size();) {
    if (!generated(name[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    int lower = 0, upper = 0, digit = 0;
    for (; j < name.size() && generated(name[j]); ++j) {
      auto c = static_cast<unsigned char>(name[j]);
      lower |= std::islower(c) ? 1 : 0;
      upper |= std::isupper(c) ? 1 : 0;
      digit |= std::isdigit(c) ? 1 : 0;
    }
    if (j - i >= 6 && !capitalised(i, j)) {
      bool mixed = lower + upper + digit >= 2;
      if (mixed || (j - i >= 8 && !found_mixed)) {
        start = i;
        end = j;
      }
      found_mixed = found_mixed || mixed;
    }
    i = j;
  }
  if (end == 0) return name;
  // Without a separator the stable prefix cannot be told from the generated
  // part: two characters are kept ("cc" of gcc's ccXXXXXX, "tm" of Python's tmpXXXXXXXX).
  std::size_t keep = start == 0 && end >= 8 ? 2 : start;
  return name.substr(0, keep) + "*" + name.substr(end);
}

std::vector<PathEntry> generalise(const std::map<std::string, Use>& paths, const GeneraliseOptions& options,
                                  const FileSystemView& fs) {
  return Generaliser(options, fs).run(paths);
}

}  // namespace sysgate::learn
