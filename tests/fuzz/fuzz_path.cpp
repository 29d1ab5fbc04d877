// Paths: the pattern matcher (fs/path_pattern) and the resolver
// (fs/path_resolver).
//
// Patterns: eq / prefix / glob patterns and paths from the input. The glob
// matcher is checked against a plain recursive reference matcher (memoised),
// and the invariants the decision code relies on: matches(string) ==
// matches(components), a match lies below literal_base(), every directory on
// the way to a match has_below(), normalize() is idempotent and lexical.
//
// Resolver: no fake file system. The harness builds one real tree under
// /tmp once (the unit test's: files, relative/absolute/dangling/looping
// symlinks, a 41-link chain, a /proc/self/fd link) and resolves paths made of
// its names, `.`, `..`, `//`, /proc/self/{cwd,fd/N} and arbitrary bytes,
// relative to the tree's descriptors or absolute; the kernel is the oracle:
// whatever openat(O_PATH) opens, the resolver must name the same file.
#include <fcntl.h>
#include <fuzzer/FuzzedDataProvider.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fs/path_pattern.hpp"
#include "fs/path_resolver.hpp"

namespace sfs = sysgate::fs;

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_path: %s\n", what.c_str());
  __builtin_trap();
}

// ---- patterns --------------------------------------------------------------

// Reference: `*` any run within a component, by plain recursion (memoised).
bool ref_component(const std::string& p, std::size_t i, const std::string& s, std::size_t j,
                   std::map<std::pair<std::size_t, std::size_t>, bool>& memo) {
  auto key = std::make_pair(i, j);
  if (auto it = memo.find(key); it != memo.end()) return it->second;
  bool r;
  if (i == p.size()) r = j == s.size();
  else if (p[i] == '*') r = ref_component(p, i + 1, s, j, memo) || (j < s.size() && ref_component(p, i, s, j + 1, memo));
  else r = j < s.size() && p[i] == s[j] && ref_component(p, i + 1, s, j + 1, memo);
  memo[key] = r;
  return r;
}

bool ref_component(const std::string& p, const std::string& s) {
  std::map<std::pair<std::size_t, std::size_t>, bool> memo;
  return ref_component(p, 0, s, 0, memo);
}

bool ref_glob(const std::vector<std::string>& p, std::size_t i, const std::vector<std::string>& s, std::size_t j,
              std::map<std::pair<std::size_t, std::size_t>, bool>& memo) {
  auto key = std::make_pair(i, j);
  if (auto it = memo.find(key); it != memo.end()) return it->second;
  bool r;
  if (i == p.size()) r = j == s.size();
  else if (p[i] == "**") r = ref_glob(p, i + 1, s, j, memo) || (j < s.size() && ref_glob(p, i, s, j + 1, memo));
  else r = j < s.size() && ref_component(p[i], s[j]) && ref_glob(p, i + 1, s, j + 1, memo);
  memo[key] = r;
  return r;
}

bool ref_glob(const std::vector<std::string>& p, const std::vector<std::string>& s) {
  std::map<std::pair<std::size_t, std::size_t>, bool> memo;
  return ref_glob(p, 0, s, 0, memo);
}

std::string join(const std::vector<std::string>& parts, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += "/" + parts[i];
  return s.empty() ? "/" : s;
}

// A path or pattern text from a small alphabet (so matches happen) or raw bytes.
std::string path_text(FuzzedDataProvider& fdp) {
  if (fdp.ConsumeBool()) return fdp.ConsumeRandomLengthString(80);
  static const char* const pieces[] = {"/", "a", "b", "ab", "*", "**", ".", "..", "x*", "*y", "a*b", "//", "proc",
                                       "self", "usr", "lib", "\xff", " "};
  std::string s;
  const int n = fdp.ConsumeIntegralInRange(0, 16);
  for (int i = 0; i < n; ++i) s += pieces[fdp.ConsumeIntegralInRange<std::size_t>(0, std::size(pieces) - 1)];
  return s;
}

void fuzz_patterns(FuzzedDataProvider& fdp) {
  const auto kind = static_cast<sfs::PathPattern::Kind>(fdp.ConsumeIntegralInRange(0, 2));
  const std::string ptext = path_text(fdp);
  const std::string path = path_text(fdp);
  const sfs::PathPattern pat(kind, ptext);

  // normalize: lexical, idempotent, absolute, no `.`/`..`/empty components.
  const std::string norm = sfs::normalize(path);
  if (norm.empty() || norm[0] != '/') fail("normalize() is not absolute: '" + norm + "'");
  if (sfs::normalize(norm) != norm) fail("normalize() is not idempotent: '" + path + "'");
  for (const auto& c : sfs::components(norm))
    if (c.empty() || c == "." || c == "..") fail("normalize() left '" + c + "' in '" + norm + "'");
  if (norm.size() > 1 && norm.back() == '/') fail("normalize() left a trailing slash: '" + norm + "'");

  const auto parts = sfs::components(norm);
  const bool m = pat.matches(norm);
  if (m != pat.matches(parts)) fail("matches(string) != matches(components)");

  // Against the references.
  const auto pparts = sfs::components(pat.text());
  bool want = false;
  switch (kind) {
    case sfs::PathPattern::Kind::Eq: want = parts == sfs::components(sfs::normalize(ptext)); break;
    case sfs::PathPattern::Kind::Prefix: {
      auto pre = sfs::components(sfs::normalize(ptext));
      want = parts.size() >= pre.size() && std::equal(pre.begin(), pre.end(), parts.begin());
      break;
    }
    case sfs::PathPattern::Kind::Glob: want = ref_glob(pparts, parts); break;
  }
  if (m != want)
    fail("'" + ptext + "' (kind " + std::to_string(static_cast<int>(kind)) + ") on '" + norm + "': matcher " +
         std::to_string(m) + ", reference " + std::to_string(want));

  if (m) {
    // A match lies below the literal base, and every directory above it
    // matches too (a prefix) or has it below (what `stat` of a directory on
    // the way to an allowed file relies on).
    const std::string base = pat.literal_base();
    if (!sfs::PathPattern(sfs::PathPattern::Kind::Prefix, base).matches(parts))
      fail("'" + norm + "' matches '" + ptext + "' but is not below literal_base '" + base + "'");
    for (std::size_t n = 0; n < parts.size(); ++n)
      if (!pat.matches(join(parts, n)) && !pat.has_below(join(parts, n)))
        fail("'" + norm + "' matches '" + ptext + "' but '" + join(parts, n) + "' neither matches nor has it below");
  }
  (void)pat.has_below(path);
}

// ---- resolver --------------------------------------------------------------

struct Tree {
  std::string T;
  int t_fd = -1, dir_fd = -1, sub_fd = -1, file_fd = -1;
};

void ln(const std::string& target, const std::string& name) {
  if (symlink(target.c_str(), name.c_str()) != 0) fail("symlink " + name);
}

// The tree of tests/path_resolver_test.cpp, made once per process and removed at exit.
const Tree& tree() {
  static Tree t = [] {
    Tree t;
    char tmpl[] = "/tmp/sg-fuzz-path-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) fail("mkdtemp");
    char real[PATH_MAX];
    if (realpath(tmpl, real) == nullptr) fail("realpath");
    t.T = real;
    const std::string& T = t.T;
    if (mkdir((T + "/dir").c_str(), 0755) != 0 || mkdir((T + "/dir/sub").c_str(), 0755) != 0) fail("mkdir");
    for (const char* f : {"/dir/file", "/dir/sub/inner"}) {
      int fd = open((T + f).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0) fail("create");
      close(fd);
    }
    ln("../file", T + "/dir/sub/up");
    ln("dir/file", T + "/rel");
    ln(T + "/dir/file", T + "/abs");
    ln("chain2", T + "/chain1");
    ln("rel", T + "/chain2");
    ln("loop2", T + "/loop1");
    ln("loop1", T + "/loop2");
    ln("self", T + "/self");
    ln("nothere", T + "/dangling");
    ln("dir/sub", T + "/dirlink");
    ln(T + "/dir", T + "/absdir");
    ln("dir/sub/..", T + "/dotdot");
    ln("/", T + "/rootlink");
    ln("..", T + "/dir/sub/parent");
    ln("file/x", T + "/dir/through_file");
    t.file_fd = open((T + "/dir/file").c_str(), O_RDONLY | O_CLOEXEC);
    t.t_fd = open(T.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    t.dir_fd = open((T + "/dir").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    t.sub_fd = open((T + "/dir/sub").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (t.file_fd < 0 || t.t_fd < 0 || t.dir_fd < 0 || t.sub_fd < 0) fail("open the tree");
    ln("/proc/self/fd/" + std::to_string(t.file_fd), T + "/procfd");
    ln("/proc/self/fd/" + std::to_string(t.sub_fd) + "/..", T + "/procdir");
    for (int i = 1; i <= 41; ++i)
      ln(i == 41 ? "dir/file" : "l" + std::to_string(i + 1), T + "/l" + std::to_string(i));
    static std::string to_remove = T;
    std::atexit([] { (void)!system(("rm -rf '" + to_remove + "'").c_str()); });
    return t;
  }();
  return t;
}

std::string fd_path(int fd) {
  char buf[PATH_MAX];
  std::string link = "/proc/self/fd/" + std::to_string(fd);
  ssize_t n = readlink(link.c_str(), buf, sizeof buf);
  return n < 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n));
}

void fuzz_resolver(FuzzedDataProvider& fdp) {
  const Tree& t = tree();
  static const std::vector<std::string> names = {
      "dir", "file", "sub", "inner", "up", "rel", "abs", "chain1", "chain2", "loop1", "self", "dangling", "dirlink",
      "absdir", "dotdot", "procfd", "procdir", "rootlink", "parent", "through_file", "l1", "l2", "l3", "l40", "nothere",
      ".", "..", "", "proc", "tmp"};
  std::string path;
  switch (fdp.ConsumeIntegralInRange(0, 5)) {
    case 0: path = t.T; break;                                      // absolute, in the tree
    case 1: path = "/proc/self/fd/" + std::to_string(t.sub_fd); break;
    case 2: path = "/proc/thread-self/fd/" + std::to_string(t.t_fd); break;
    case 3: path = "/proc/self/root" + t.T; break;
    default: break;                                                 // relative to the dirfd
  }
  const int n = fdp.ConsumeIntegralInRange(0, 8);
  for (int i = 0; i < n; ++i) {
    if (!path.empty() || fdp.ConsumeBool()) path += fdp.ConsumeBool() ? "/" : "//";
    if (fdp.ConsumeIntegralInRange(0, 15) == 0) {
      std::string raw = fdp.ConsumeRandomLengthString(12);  // any bytes but NUL (a C string ends there)
      for (char& c : raw)
        if (c == '\0') c = 'z';
      path += raw;
    } else {
      path += names[fdp.ConsumeIntegralInRange<std::size_t>(0, names.size() - 1)];
    }
  }
  if (fdp.ConsumeBool()) path += "/";
  const bool follow = fdp.ConsumeBool();
  const int which = fdp.ConsumeIntegralInRange(0, 3);
  const int dirfd = which == 0 ? t.t_fd : which == 1 ? t.dir_fd : which == 2 ? t.sub_fd : t.file_fd;

  const pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  int err = 0;
  auto got = sfs::resolve_path(getpid(), tid, dirfd, path, follow, /*empty_path_ok=*/false, false, &err);
  int fd = openat(dirfd, path.c_str(), O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
  const int kerr = fd < 0 ? errno : 0;
  std::string label = "dirfd " + fd_path(dirfd) + " + '" + path + "'" + (follow ? " (follow)" : " (nofollow)");
  if (fd >= 0) {
    const std::string want = fd_path(fd);
    close(fd);
    if (!got) fail(label + ": the kernel opens " + want + ", the resolver fails (errno " + std::to_string(err) + ")");
    // By design /proc/self and /proc/thread-self name the caller's directory
    // even as an unfollowed last component (path_resolver.hpp): not a finding.
    const std::string self = "/proc/" + std::to_string(getpid());
    const bool by_design = (want == "/proc/self" && got->path == self) ||
                           (want == "/proc/thread-self" && got->path == self + "/task/" + std::to_string(tid));
    if (got->path != want && !by_design) fail(label + ": the kernel opens " + want + ", the resolver names " + got->path);
    if (!got->exists || !got->is_file) fail(label + ": opened by the kernel, not an existing file to the resolver");
  } else if (got && got->exists) {
    // The kernel fails a lookup the resolver completes. Only a last component
    // the kernel refuses after finding it can do that: a trailing `/` on a
    // non-directory (ENOTDIR); the file named is still the one checked.
    if (kerr != ENOTDIR) fail(label + ": the kernel fails (" + std::to_string(kerr) + "), the resolver names " + got->path);
  }
  // The resolved path is normalised and absolute.
  if (got && got->is_file && (got->path.empty() || got->path[0] != '/' || sfs::normalize(got->path) != got->path))
    fail(label + ": not a normalised path: " + got->path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  if (fdp.ConsumeBool()) fuzz_patterns(fdp);
  else fuzz_resolver(fdp);
  return 0;
}
