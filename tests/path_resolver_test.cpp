// fs::resolve_path against what the kernel actually opens. The test process
// resolves its own paths (through /proc/<tid>/root and /proc/<tid>/cwd, as the
// supervisor does for a tracee) and compares with openat(O_PATH) followed by
// readlink(/proc/self/fd/N): a table of dirfd / cwd / symlink / `..` cases.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "fs/path_resolver.hpp"

namespace sysgate::fs {
namespace {

pid_t tid() { return static_cast<pid_t>(syscall(SYS_gettid)); }

std::string fd_path(int fd) {
  char buf[PATH_MAX];
  std::string link = "/proc/self/fd/" + std::to_string(fd);
  ssize_t n = readlink(link.c_str(), buf, sizeof buf);
  return n < 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n));
}

// What the kernel opens for (dirfd, path): nullopt when it fails the lookup.
std::optional<std::string> kernel_open(int dirfd, const std::string& path, bool follow) {
  int fd = openat(dirfd, path.c_str(), O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
  if (fd < 0) return std::nullopt;
  std::string p = fd_path(fd);
  close(fd);
  return p;
}

void write_file(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
}

// The tree every case runs in:
//   T/dir/file  T/dir/sub/inner  T/dir/sub/up -> ../file
//   T/rel -> dir/file            T/abs -> T/dir/file
//   T/chain1 -> chain2 -> rel    T/loop1 <-> T/loop2   T/self -> self
//   T/dangling -> nothere        T/dirlink -> dir/sub  T/absdir -> T/dir
//   T/dotdot -> dir/sub/..       T/procfd -> /proc/self/fd/<fd of T/dir/file>
//   T/l1 -> l2 -> ... -> l41 -> dir/file (l1 needs 41 follows: ELOOP; l2 needs 40)
class Resolver : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sg-resolve-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    char real[PATH_MAX];
    ASSERT_NE(realpath(tmpl, real), nullptr);
    T = real;
    ASSERT_EQ(mkdir((T + "/dir").c_str(), 0755), 0);
    ASSERT_EQ(mkdir((T + "/dir/sub").c_str(), 0755), 0);
    write_file(T + "/dir/file", "F");
    write_file(T + "/dir/sub/inner", "I");
    ln("../file", "dir/sub/up");
    ln("dir/file", "rel");
    ln(T + "/dir/file", "abs");
    ln("chain2", "chain1");
    ln("rel", "chain2");
    ln("loop2", "loop1");
    ln("loop1", "loop2");
    ln("self", "self");
    ln("nothere", "dangling");
    ln("dir/sub", "dirlink");
    ln(T + "/dir", "absdir");
    ln("dir/sub/..", "dotdot");
    file_fd = open((T + "/dir/file").c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(file_fd, 0);
    ln("/proc/self/fd/" + std::to_string(file_fd), "procfd");
    for (int i = 1; i <= 41; ++i) ln(i == 41 ? "dir/file" : "l" + std::to_string(i + 1), "l" + std::to_string(i));
    t_fd = open(T.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    sub_fd = open((T + "/dir/sub").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(t_fd, 0);
    ASSERT_GE(sub_fd, 0);
    char cwd[PATH_MAX];
    ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
    old_cwd = cwd;
    ASSERT_EQ(chdir((T + "/dir").c_str()), 0);
  }
  void TearDown() override {
    if (!old_cwd.empty()) {
      EXPECT_EQ(chdir(old_cwd.c_str()), 0);
    }
    if (file_fd >= 0) close(file_fd);
    if (t_fd >= 0) close(t_fd);
    if (sub_fd >= 0) close(sub_fd);
    std::string cmd = "rm -rf '" + T + "'";
    if (!T.empty()) {
      EXPECT_EQ(system(cmd.c_str()), 0);
    }
  }
  void ln(const std::string& target, const std::string& name) {
    ASSERT_EQ(symlink(target.c_str(), (T + "/" + name).c_str()), 0) << name;
  }
  std::optional<ResolvedPath> resolve(int dirfd, const std::string& path, bool follow, bool empty_ok = false) {
    return resolve_path(getpid(), tid(), dirfd, path, follow, empty_ok);
  }

  std::string T, old_cwd;
  int file_fd = -1, t_fd = -1, sub_fd = -1;
};

enum class Dir { Cwd, T, Sub };

struct Case {
  Dir dir;
  std::string path;  // "$T" is replaced by the tree's root
  bool follow;
};

std::string subst(std::string s, const std::string& t) {
  for (auto at = s.find("$T"); at != std::string::npos; at = s.find("$T")) s.replace(at, 2, t);
  return s;
}

// Every case the kernel can open: the resolver must name the same object.
TEST_F(Resolver, AgreesWithTheKernel) {
  const std::vector<Case> cases = {
      // cwd is T/dir
      {Dir::Cwd, "file", true},
      {Dir::Cwd, "./file", true},
      {Dir::Cwd, "sub/../file", true},
      {Dir::Cwd, "sub/inner", true},
      {Dir::Cwd, ".", true},
      {Dir::Cwd, "..", true},
      {Dir::Cwd, "../rel", true},
      {Dir::Cwd, "../rel", false},
      {Dir::Cwd, "..//./dir//file", true},
      {Dir::Cwd, "sub/up", true},
      {Dir::Cwd, "sub/up", false},
      {Dir::Cwd, "../../../../../../..", true},
      // absolute
      {Dir::Cwd, "$T/rel", true},
      {Dir::Cwd, "$T/abs", true},
      {Dir::Cwd, "$T/abs", false},
      {Dir::Cwd, "$T/chain1", true},
      {Dir::Cwd, "$T/chain1", false},
      {Dir::Cwd, "$T/dirlink/inner", true},
      {Dir::Cwd, "$T/dirlink/inner", false},
      {Dir::Cwd, "$T/dirlink", false},
      {Dir::Cwd, "$T/dirlink/", false},  // a trailing slash follows the last link
      {Dir::Cwd, "$T/dirlink/..", true},  // `..` after a symlink: the target's parent, T/dir
      {Dir::Cwd, "$T/dirlink/../file", true},
      {Dir::Cwd, "$T/dirlink/up", true},  // a relative link is relative to its real directory
      {Dir::Cwd, "$T/absdir/sub/../file", true},
      {Dir::Cwd, "$T/dotdot", true},
      {Dir::Cwd, "$T/dotdot/file", true},
      {Dir::Cwd, "$T/dangling", false},
      {Dir::Cwd, "$T/self", false},
      {Dir::Cwd, "/../..$T/dir/file", true},
      {Dir::Cwd, "$T/l2", true},  // 40 links: the kernel's limit, still allowed
      {Dir::Cwd, "$T/l1", false},
      // dirfd = T (ignored for absolute paths)
      {Dir::T, "rel", true},
      {Dir::T, "rel", false},
      {Dir::T, "dirlink/inner", true},
      {Dir::T, "dirlink/../sub/inner", true},
      {Dir::T, "chain1", true},
      {Dir::T, "dir/sub/up", true},
      {Dir::T, "$T/abs", true},
      {Dir::T, "..", true},
      // dirfd = T/dir/sub
      {Dir::Sub, "inner", true},
      {Dir::Sub, "../file", true},
      {Dir::Sub, "up", true},
      {Dir::Sub, "up", false},
      {Dir::Sub, "../../dirlink/inner", true},
      {Dir::Sub, "", true},  // not looked up without AT_EMPTY_PATH: both fail
      // magic links
      {Dir::Cwd, "/proc/self/cwd", true},
      {Dir::Cwd, "/proc/self/cwd/file", true},
      {Dir::Cwd, "/proc/self/cwd/../rel", true},
      {Dir::Cwd, "/proc/thread-self/cwd/sub/inner", true},
      {Dir::Cwd, "/proc/self/root$T/abs", true},
      {Dir::Cwd, "/proc/self/fd/FILEFD", true},
      {Dir::Cwd, "/proc/thread-self/fd/FILEFD", true},
      {Dir::Cwd, "/proc/self/fd/SUBFD/inner", true},
      {Dir::Cwd, "/proc/self/fd/SUBFD/../file", true},
      {Dir::Cwd, "/proc/self/fd/SUBFD/..", true},
      {Dir::Cwd, "$T/procfd", true},
      {Dir::T, "procfd", true},
  };
  for (const auto& c : cases) {
    std::string path = subst(c.path, T);
    for (auto at = path.find("FILEFD"); at != std::string::npos; at = path.find("FILEFD"))
      path.replace(at, 6, std::to_string(file_fd));
    for (auto at = path.find("SUBFD"); at != std::string::npos; at = path.find("SUBFD"))
      path.replace(at, 5, std::to_string(sub_fd));
    int dirfd = c.dir == Dir::Cwd ? AT_FDCWD : c.dir == Dir::T ? t_fd : sub_fd;
    auto want = kernel_open(dirfd, path, c.follow);
    auto got = resolve(c.dir == Dir::Cwd ? kCwd : dirfd, path, c.follow);
    std::string label = std::string(c.dir == Dir::Cwd ? "cwd" : c.dir == Dir::T ? "T" : "T/dir/sub") + " + '" +
                        path + "'" + (c.follow ? " (follow)" : " (nofollow)");
    if (!want) {
      EXPECT_FALSE(got.has_value()) << label << ": the kernel fails it, the resolver gave " << got->path;
      continue;
    }
    ASSERT_TRUE(got.has_value()) << label << ": the kernel opens " << *want;
    EXPECT_EQ(got->path, *want) << label;
    EXPECT_TRUE(got->exists) << label;
    EXPECT_TRUE(got->is_file) << label;
    EXPECT_FALSE(got->via_fd) << label;
  }
}

// Lookups the kernel fails: a loop, too many links, a missing directory on the
// way, a bad dirfd.
TEST_F(Resolver, FailsWhereTheKernelFails) {
  const std::vector<std::pair<int, std::string>> cases = {
      {AT_FDCWD, T + "/loop1"},      {AT_FDCWD, T + "/self"},        {AT_FDCWD, T + "/loop1/x"},
      {AT_FDCWD, T + "/l1"},         {AT_FDCWD, T + "/nothere/x"},   {AT_FDCWD, T + "/dangling/x"},
      {AT_FDCWD, "nothere/file"},    {12345, "file"},                {AT_FDCWD, ""},
      {t_fd, "loop2"},
  };
  for (const auto& [dirfd, path] : cases) {
    EXPECT_FALSE(kernel_open(dirfd, path, true).has_value()) << path;
    auto got = resolve(dirfd == AT_FDCWD ? kCwd : dirfd, path, true);
    EXPECT_FALSE(got.has_value()) << "dirfd " << dirfd << " + '" << path << "' resolved to " << got->path;
  }
}

// /proc/self and /proc/thread-self are symlinks to the kernel too: each counts
// toward the 40 links a lookup may follow (found by tests/fuzz/fuzz_path.cpp:
// the resolver named a file the kernel refused with ELOOP).
TEST_F(Resolver, ProcSelfCountsAsALink) {
  // T/l3 takes 39 follows, T/l4 38; the fd magic link is one more.
  for (const char* self : {"/proc/self", "/proc/thread-self"}) {
    const std::string via = std::string(self) + "/fd/" + std::to_string(sub_fd) + "/../../";
    // self + fd + 38 = 40: allowed.
    auto want = kernel_open(AT_FDCWD, via + "l4", true);
    ASSERT_TRUE(want.has_value()) << via << "l4";
    auto got = resolve(kCwd, via + "l4", true);
    ASSERT_TRUE(got.has_value()) << via << "l4";
    EXPECT_EQ(got->path, *want);
    // self + fd + 39 = 41: ELOOP.
    EXPECT_FALSE(kernel_open(AT_FDCWD, via + "l3", true).has_value()) << via << "l3";
    got = resolve(kCwd, via + "l3", true);
    EXPECT_FALSE(got.has_value()) << via << "l3 resolved to " << got->path;
  }
}

// A last component that does not exist (yet) is the resolved parent plus the
// name; a dangling symlink followed is its target (where O_CREAT creates).
TEST_F(Resolver, MissingLastComponent) {
  auto r = resolve(kCwd, "newfile", true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, T + "/dir/newfile");
  EXPECT_FALSE(r->exists);
  r = resolve(kCwd, T + "/dirlink/new", true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, T + "/dir/sub/new");
  EXPECT_FALSE(r->exists);
  r = resolve(sub_fd, "../new", false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, T + "/dir/new");
  r = resolve(kCwd, T + "/dangling", true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, T + "/nothere");
  EXPECT_FALSE(r->exists);
  // And the kernel creates exactly there.
  int fd = open((T + "/dangling").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(fd_path(fd), T + "/nothere");
  close(fd);
  r = resolve(kCwd, T + "/dangling", false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, T + "/dangling");
  EXPECT_TRUE(r->exists);
}

// AT_EMPTY_PATH: the call acts on the descriptor itself.
TEST_F(Resolver, EmptyPathWithAtEmptyPath) {
  auto r = resolve(file_fd, "", false, true);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->via_fd);
  EXPECT_TRUE(r->is_file);
  EXPECT_EQ(r->path, T + "/dir/file");
  r = resolve(sub_fd, "", true, true);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->via_fd);
  EXPECT_EQ(r->path, T + "/dir/sub");
  r = resolve(kCwd, "", true, true);  // AT_FDCWD + "": the cwd
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, T + "/dir");
  EXPECT_FALSE(resolve(file_fd, "", false, false).has_value());  // ENOENT without the flag
  EXPECT_FALSE(resolve(9999, "", false, true).has_value());      // EBADF
}

// Descriptors that are no file system object: pipes, memfds, deleted files.
TEST_F(Resolver, NonFiles) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  int mfd = memfd_create("sg-test", MFD_CLOEXEC);
  ASSERT_GE(mfd, 0);
  std::string gone = T + "/dir/gone";
  write_file(gone, "G");
  int dfd = open(gone.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(dfd, 0);
  ASSERT_EQ(unlink(gone.c_str()), 0);
  for (int fd : {p[0], mfd, dfd}) {
    std::string label = "fd " + fd_path(fd);
    auto r = resolve(kCwd, "/proc/self/fd/" + std::to_string(fd), true);
    ASSERT_TRUE(r) << label;
    EXPECT_FALSE(r->is_file) << label << " resolved to " << r->path;
    r = resolve(kCwd, "/proc/thread-self/fd/" + std::to_string(fd), true);
    ASSERT_TRUE(r) << label;
    EXPECT_FALSE(r->is_file) << label;
    r = resolve(fd, "", true, true);
    ASSERT_TRUE(r) << label;
    EXPECT_TRUE(r->via_fd);
    EXPECT_FALSE(r->is_file) << label << " via AT_EMPTY_PATH resolved to " << r->path;
    // Nothing can be looked up below a pipe.
    EXPECT_FALSE(resolve(kCwd, "/proc/self/fd/" + std::to_string(fd) + "/x", true).has_value()) << label;
  }
  // A symlink to /proc/self/fd/N of a pipe is not a file either.
  ASSERT_EQ(symlink(("/proc/self/fd/" + std::to_string(p[0])).c_str(), (T + "/topipe").c_str()), 0);
  auto r = resolve(kCwd, T + "/topipe", true);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->is_file) << r->path;
  // Not followed (lstat, readlink): the symlink itself is a file.
  r = resolve(kCwd, "/proc/self/fd/" + std::to_string(p[0]), false);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->is_file);
  EXPECT_EQ(r->path, "/proc/" + std::to_string(getpid()) + "/fd/" + std::to_string(p[0]));
  close(p[0]);
  close(p[1]);
  close(mfd);
  close(dfd);
}

// /proc/self and /proc/thread-self mean the traced caller, not the resolver:
// a child with its own cwd and descriptors, resolved from here.
TEST_F(Resolver, ProcSelfMeansTheGivenProcess) {
  int ready[2], go[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(go), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (chdir((T + "/dir/sub").c_str()) != 0) _exit(1);
    int fd = open((T + "/abs").c_str(), O_RDONLY);
    if (fd < 0 || dup2(fd, 77) < 0) _exit(1);
    char c = 1;
    if (write(ready[1], &c, 1) != 1) _exit(1);
    if (read(go[0], &c, 1) < 0) _exit(1);
    _exit(0);
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  auto r = resolve_path(child, child, kCwd, "inner", true, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, T + "/dir/sub/inner");
  r = resolve_path(child, child, kCwd, "/proc/self/cwd/inner", true, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, T + "/dir/sub/inner");
  r = resolve_path(child, child, kCwd, "/proc/self/fd/77", true, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, T + "/dir/file");
  r = resolve_path(child, child, kCwd, "/proc/thread-self/fd/77", true, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, T + "/dir/file");
  r = resolve_path(child, child, 77, "", true, true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, T + "/dir/file");
  // Not followed: /proc/self is the child's directory.
  r = resolve_path(child, child, kCwd, "/proc/self/fd/77", false, false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->path, "/proc/" + std::to_string(child) + "/fd/77");
  // Our own fd 77 does not exist: /proc/self must not have meant us.
  EXPECT_EQ(fcntl(77, F_GETFD), -1);
  ASSERT_EQ(write(go[1], &c, 1), 1);
  int st = 0;
  ASSERT_EQ(waitpid(child, &st, 0), child);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  for (int fd : {ready[0], ready[1], go[0], go[1]}) close(fd);
}

// The resolver's answer for every open(2) the kernel makes through a dirfd that
// is itself reached through a symlink.
TEST_F(Resolver, DirfdOpenedThroughASymlink) {
  int fd = open((T + "/dirlink").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  for (std::string p : {"inner", "up", "..", "../file", "../../rel"}) {
    auto want = kernel_open(fd, p, true);
    auto got = resolve(fd, p, true);
    ASSERT_TRUE(want) << p;
    ASSERT_TRUE(got) << p;
    EXPECT_EQ(got->path, *want) << p;
  }
  close(fd);
}

}  // namespace
}  // namespace sysgate::fs
