// fs::PathPattern (eq, prefix, glob), has_below, literal_base, normalize,
// components, canonical_pattern: the matching rules of sysgate-policy(5) "Path tests"
// (`**` matches zero or more components, `*` never crosses `/`, prefix is per
// component).
#include <gtest/gtest.h>
#include <chrono>
#include <random>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "fs/path_pattern.hpp"

namespace sysgate::fs {
namespace {

using K = PathPattern::Kind;

bool glob(const std::string& pat, const std::string& path) { return PathPattern(K::Glob, pat).matches(path); }
bool prefix(const std::string& pat, const std::string& path) { return PathPattern(K::Prefix, pat).matches(path); }
bool eq(const std::string& pat, const std::string& path) { return PathPattern(K::Eq, pat).matches(path); }

struct GlobCase {
  const char* pattern;
  const char* path;
  bool match;
};

class GlobTable : public ::testing::TestWithParam<GlobCase> {};

TEST_P(GlobTable, Matches) {
  const auto& c = GetParam();
  EXPECT_EQ(glob(c.pattern, c.path), c.match) << "glob " << c.pattern << " vs " << c.path;
}

INSTANTIATE_TEST_SUITE_P(
    Paths, GlobTable,
    ::testing::Values(
        // `**` matches zero or more components.
        GlobCase{"/usr/**", "/usr", true}, GlobCase{"/usr/**", "/usr/lib", true},
        GlobCase{"/usr/**", "/usr/lib/x86_64-linux-gnu/libc.so.6", true}, GlobCase{"/usr/**", "/usrx", false},
        GlobCase{"/usr/**", "/usrx/lib", false}, GlobCase{"/usr/**", "/", false}, GlobCase{"/usr/**", "/var/usr", false},
        GlobCase{"/**", "/", true}, GlobCase{"/**", "/anything/at/all", true},
        GlobCase{"/a/**/b", "/a/b", true}, GlobCase{"/a/**/b", "/a/x/b", true}, GlobCase{"/a/**/b", "/a/x/y/z/b", true},
        GlobCase{"/a/**/b", "/a/x/y/z/c", false}, GlobCase{"/a/**/b", "/a/b/c", false},
        GlobCase{"/a/**/b/**", "/a/q/b", true}, GlobCase{"/a/**/b/**", "/a/q/b/r/s", true},
        GlobCase{"/a/**/**/b", "/a/b", true},
        // `*` stays within one component.
        GlobCase{"/usr/*", "/usr/lib", true}, GlobCase{"/usr/*", "/usr/lib/x", false}, GlobCase{"/usr/*", "/usr", false},
        GlobCase{"/usr/lib/*.so", "/usr/lib/libc.so", true}, GlobCase{"/usr/lib/*.so", "/usr/lib/.so", true},
        GlobCase{"/usr/lib/*.so", "/usr/lib/a/b.so", false}, GlobCase{"/usr/lib/*.so", "/usr/lib/libc.so.6", false},
        GlobCase{"/tmp/a*b*c", "/tmp/abc", true}, GlobCase{"/tmp/a*b*c", "/tmp/axxbyyc", true},
        GlobCase{"/tmp/a*b*c", "/tmp/axxbyy", false}, GlobCase{"/tmp/a*b*c", "/tmp/acb", false},
        GlobCase{"/tmp/*/x", "/tmp/a/x", true}, GlobCase{"/tmp/*/x", "/tmp/a/b/x", false},
        GlobCase{"/tmp/*", "/tmp/", false},  // "/tmp/" is /tmp itself
        // A glob without wildcards is an exact path.
        GlobCase{"/etc/passwd", "/etc/passwd", true}, GlobCase{"/etc/passwd", "/etc/passwd/x", false},
        GlobCase{"/etc/passwd", "/etc/passwdx", false}, GlobCase{"/etc/passwd", "/etc", false},
        // Paths are compared by components: repeated and trailing slashes do not matter.
        GlobCase{"/usr/lib/*", "//usr///lib/x/", true}));

TEST(PathPattern, PrefixIsPerComponent) {
  EXPECT_TRUE(prefix("/usr", "/usr"));
  EXPECT_TRUE(prefix("/usr", "/usr/lib"));
  EXPECT_TRUE(prefix("/usr", "/usr/lib/x/y"));
  EXPECT_FALSE(prefix("/usr", "/usrx"));
  EXPECT_FALSE(prefix("/usr", "/usrx/lib"));
  EXPECT_FALSE(prefix("/usr/lib", "/usr"));
  EXPECT_FALSE(prefix("/usr/lib", "/usr/lib64"));
  EXPECT_TRUE(prefix("/usr/", "/usr/lib"));   // a trailing slash changes nothing
  EXPECT_TRUE(prefix("/", "/anything"));
  EXPECT_TRUE(prefix("/", "/"));
  EXPECT_TRUE(prefix("/a/./b/../c", "/a/c/d"));  // patterns are normalised
}

TEST(PathPattern, EqIsExact) {
  EXPECT_TRUE(eq("/etc/hosts", "/etc/hosts"));
  EXPECT_FALSE(eq("/etc/hosts", "/etc/hosts2"));
  EXPECT_FALSE(eq("/etc/hosts", "/etc"));
  EXPECT_FALSE(eq("/etc/hosts", "/etc/hosts/x"));
  EXPECT_TRUE(eq("/etc//hosts/", "/etc/hosts"));
  EXPECT_TRUE(eq("/etc/./x/../hosts", "/etc/hosts"));
  EXPECT_TRUE(eq("/", "/"));
  EXPECT_FALSE(eq("/", "/x"));
}

TEST(PathPattern, HasBelowGlob) {
  PathPattern p(K::Glob, "/home/u/proj/**");
  EXPECT_TRUE(p.has_below("/"));
  EXPECT_TRUE(p.has_below("/home"));
  EXPECT_TRUE(p.has_below("/home/u"));
  EXPECT_TRUE(p.has_below("/home/u/proj"));
  EXPECT_TRUE(p.has_below("/home/u/proj/src"));
  EXPECT_FALSE(p.has_below("/home/v"));
  EXPECT_FALSE(p.has_below("/home/u/projx"));
  EXPECT_FALSE(p.has_below("/etc"));
  PathPattern star(K::Glob, "/srv/*/data/*.txt");
  EXPECT_TRUE(star.has_below("/srv"));
  EXPECT_TRUE(star.has_below("/srv/a"));
  EXPECT_TRUE(star.has_below("/srv/a/data"));
  EXPECT_FALSE(star.has_below("/srv/a/logs"));
  EXPECT_FALSE(star.has_below("/srv/a/data/x.txt/y"));
}

TEST(PathPattern, HasBelowEqAndPrefix) {
  PathPattern e(K::Eq, "/etc/ssl/cert.pem");
  EXPECT_TRUE(e.has_below("/"));
  EXPECT_TRUE(e.has_below("/etc"));
  EXPECT_TRUE(e.has_below("/etc/ssl"));
  EXPECT_TRUE(e.has_below("/etc/ssl/cert.pem"));
  EXPECT_FALSE(e.has_below("/etc/ssh"));
  EXPECT_FALSE(e.has_below("/etcx"));
  PathPattern p(K::Prefix, "/opt/tool");
  EXPECT_TRUE(p.has_below("/opt"));
  EXPECT_FALSE(p.has_below("/opt/other"));
}

TEST(PathPattern, LiteralBase) {
  EXPECT_EQ(PathPattern(K::Glob, "/usr/**").literal_base(), "/usr");
  EXPECT_EQ(PathPattern(K::Glob, "/usr/lib/*.so").literal_base(), "/usr/lib");
  EXPECT_EQ(PathPattern(K::Glob, "/a/b*/c/**").literal_base(), "/a");
  EXPECT_EQ(PathPattern(K::Glob, "/**").literal_base(), "/");
  EXPECT_EQ(PathPattern(K::Glob, "/*").literal_base(), "/");
  EXPECT_EQ(PathPattern(K::Glob, "/etc/passwd").literal_base(), "/etc/passwd");
  EXPECT_EQ(PathPattern(K::Prefix, "/opt/x/").literal_base(), "/opt/x");
  EXPECT_EQ(PathPattern(K::Eq, "/etc/hosts").literal_base(), "/etc/hosts");
}

TEST(PathPattern, Normalize) {
  EXPECT_EQ(normalize("/"), "/");
  EXPECT_EQ(normalize(""), "/");
  EXPECT_EQ(normalize("/a//b/./c/.."), "/a/b");
  EXPECT_EQ(normalize("/a/b/"), "/a/b");
  EXPECT_EQ(normalize("/.."), "/");
  EXPECT_EQ(normalize("/../../x"), "/x");
  EXPECT_EQ(normalize("//a/../../b/./c//"), "/b/c");
  EXPECT_EQ(normalize("/a/.../b"), "/a/.../b");  // "..." is a name
  EXPECT_EQ(normalize("/a/..b/c"), "/a/..b/c");
  EXPECT_EQ(components("//a///b/"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(components("/").empty());
}

TEST(PathPattern, CanonicalPatternResolvesTheLiteralPrefix) {
  char real[PATH_MAX];
  // /lib is a symlink to usr/lib on a merged-/usr system.
  struct stat st{};
  if (lstat("/lib", &st) == 0 && S_ISLNK(st.st_mode) && realpath("/lib", real) != nullptr) {
    std::string lib = real;
    EXPECT_EQ(canonical_pattern("/lib/**"), lib + "/**");
    EXPECT_EQ(canonical_pattern("/lib/*.so"), lib + "/*.so");
    EXPECT_TRUE(PathPattern(K::Glob, canonical_pattern("/lib/**")).matches(lib + "/x86_64-linux-gnu/libc.so.6"));
  } else {
    GTEST_SKIP() << "/lib is not a symlink here";
  }
  EXPECT_EQ(canonical_pattern("/usr/**"), "/usr/**");
  EXPECT_EQ(canonical_pattern("/"), "/");
  EXPECT_EQ(canonical_pattern("/**"), "/**");
}

TEST(PathPattern, CanonicalPatternKeepsAMissingTail) {
  char tmpl[] = "/tmp/sg-pattern-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  ASSERT_EQ(mkdir((dir + "/real").c_str(), 0755), 0);
  ASSERT_EQ(symlink("real", (dir + "/link").c_str()), 0);
  char real[PATH_MAX];
  ASSERT_NE(realpath(dir.c_str(), real), nullptr);
  std::string r = real;
  EXPECT_EQ(canonical_pattern(dir + "/link/**"), r + "/real/**");
  EXPECT_EQ(canonical_pattern(dir + "/link/not/yet/*.o"), r + "/real/not/yet/*.o");
  EXPECT_EQ(canonical_pattern(dir + "/link/file"), r + "/real/file");
  rmdir((dir + "/real").c_str());
  unlink((dir + "/link").c_str());
  rmdir(dir.c_str());
}

// A pattern naming /proc/self means the sandboxed program, which the resolver
// turns into /proc/<its pid>. Canonicalising it in the supervisor must not pin it
// to the supervisor's own pid (realpath("/proc/self") = /proc/<supervisor>).
TEST(PathPattern, CanonicalPatternDoesNotPinProcSelfToTheSupervisor) {
  std::string c = canonical_pattern("/proc/self/fd/*");
  EXPECT_NE(c, "/proc/" + std::to_string(getpid()) + "/fd/*")
      << "a policy allowing /proc/self/** would allow the supervisor's pid, never the program's";
}

// Issue 15: several `**` once made the matcher recurse exponentially. The
// worst case of the issue finishes in well under 10 ms (not matching: the path
// has no `b`).
TEST(PathPattern, ManyDoubleStarsAreMatchedInPolynomialTime) {
  std::string path;
  while (path.size() < 4000) path += "/a";
  PathPattern p(PathPattern::Kind::Glob, "/**/a/**/a/**/a/**/b");
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(p.matches(path));
  EXPECT_TRUE(p.matches(path + "/b"));
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(ms, 10.0) << "two matches of a 2000-component path took " << ms << " ms";
}

// The same answers as the plain recursive definition, on random small patterns and paths.
bool reference_match(const std::vector<std::string>& pat, std::size_t pi, const std::vector<std::string>& path,
                     std::size_t si) {
  if (pi == pat.size()) return si == path.size();
  if (pat[pi] == "**") {
    for (std::size_t k = si; k <= path.size(); ++k)
      if (reference_match(pat, pi + 1, path, k)) return true;
    return false;
  }
  if (si == path.size()) return false;
  PathPattern one(PathPattern::Kind::Glob, "/" + pat[pi]);
  return one.matches("/" + path[si]) && reference_match(pat, pi + 1, path, si + 1);
}

TEST(PathPattern, DoubleStarMatchingAgreesWithTheDefinition) {
  std::mt19937 rng(1234);
  const std::vector<std::string> pat_parts = {"**", "**", "a", "b", "*", "a*", "*b"};
  const std::vector<std::string> path_parts = {"a", "b", "ab", "ba", "c"};
  for (int n = 0; n < 20000; ++n) {
    std::vector<std::string> pat(1 + rng() % 6), path(rng() % 7);
    for (auto& c : pat) c = pat_parts[rng() % pat_parts.size()];
    for (auto& c : path) c = path_parts[rng() % path_parts.size()];
    std::string pt, ph;
    for (const auto& c : pat) pt += "/" + c;
    for (const auto& c : path) ph += "/" + c;
    if (ph.empty()) ph = "/";
    ASSERT_EQ(PathPattern(PathPattern::Kind::Glob, pt).matches(ph), reference_match(pat, 0, path, 0))
        << pt << " against " << ph;
  }
}

}  // namespace
}  // namespace sysgate::fs
