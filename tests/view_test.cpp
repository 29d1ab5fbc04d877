// What the filesystem view of `view: true` shows (fs/view.hpp), and that it is
// built as planned in a child of its own (a mount namespace; skips where one
// cannot be made).
#include "fs/view.hpp"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include "fs/masked_paths.hpp"

namespace sysgate::fs {
namespace {

class ViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sysgate-view.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    char real[PATH_MAX];
    ASSERT_NE(realpath(tmpl, real), nullptr);
    dir_ = real;
    ASSERT_EQ(chmod(dir_.c_str(), 0751), 0);
    for (const char* d : {"/a", "/a/b", "/c", "/out"}) ASSERT_EQ(mkdir((dir_ + d).c_str(), 0755), 0);
    std::ofstream(dir_ + "/a/b/f") << "f";
    std::ofstream(dir_ + "/c/g") << "g";
    std::ofstream(dir_ + "/out/h") << "h";
    ASSERT_EQ(symlink("a/b", (dir_ + "/to-b").c_str()), 0);
    ASSERT_EQ(symlink("out", (dir_ + "/to-out").c_str()), 0);
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  FilesystemSection section(std::vector<std::string> read, std::vector<std::string> write = {}) {
    FilesystemSection fs;
    fs.present = fs.view = true;
    fs.read = std::move(read);
    fs.write = std::move(write);
    return fs;
  }
  static std::vector<std::string> paths(const std::vector<ViewNode>& v) {
    std::vector<std::string> out;
    for (const auto& n : v) out.push_back(n.path);
    return out;
  }
  std::string dir_;
};

TEST_F(ViewTest, BindsOutermostTreesAndFilesWithTheDirectoriesOnTheWay) {
  auto p = plan_view(section({dir_ + "/a/**", dir_ + "/a/b/**", dir_ + "/c/g"}), "/bin/true");
  ASSERT_TRUE(p.present);
  auto binds = paths(p.binds);
  EXPECT_NE(std::find(binds.begin(), binds.end(), dir_ + "/a"), binds.end());
  EXPECT_EQ(std::find(binds.begin(), binds.end(), dir_ + "/a/b"), binds.end()) << "inside the bind of a";
  auto g = std::find_if(p.binds.begin(), p.binds.end(), [&](const ViewNode& n) { return n.path == dir_ + "/c/g"; });
  ASSERT_NE(g, p.binds.end());
  EXPECT_FALSE(g->directory);
  auto dirs = paths(p.dirs);
  EXPECT_EQ(dirs.front(), "/");
  for (const std::string& d : {dir_, dir_ + "/c"}) EXPECT_NE(std::find(dirs.begin(), dirs.end(), d), dirs.end()) << d;
  EXPECT_EQ(std::find(dirs.begin(), dirs.end(), dir_ + "/out"), dirs.end());
  auto top = std::find_if(p.dirs.begin(), p.dirs.end(), [&](const ViewNode& n) { return n.path == dir_; });
  EXPECT_EQ(top->mode, 0751u);
  EXPECT_EQ(top->staged, std::string(kViewStaging) + dir_);
  // Symlinks of the skeleton that lead into the view, and only those.
  auto links = paths(p.links);
  EXPECT_NE(std::find(links.begin(), links.end(), dir_ + "/to-b"), links.end());
  EXPECT_EQ(std::find(links.begin(), links.end(), dir_ + "/to-out"), links.end());
  EXPECT_TRUE(in_view(p, dir_ + "/a/b/f"));
  EXPECT_TRUE(in_view(p, dir_));
  EXPECT_FALSE(in_view(p, dir_ + "/out"));
  EXPECT_FALSE(in_view(p, dir_ + "/c/other"));
}

TEST_F(ViewTest, AMissingWriteEntryIsRefusedAMissingReadEntryShowsNothing) {
  EXPECT_THROW(plan_view(section({}, {dir_ + "/later/**"}), "/bin/true"), std::runtime_error);
  auto p = plan_view(section({dir_ + "/later/**", dir_ + "/a/**"}), "/bin/true");
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_NE(p.notes[0].find("does not exist"), std::string::npos);
}

TEST_F(ViewTest, TheWholeTreeNeedsNoView) {
  auto p = plan_view(section({"/**"}), "/bin/true");
  EXPECT_FALSE(p.present);
  EXPECT_TRUE(in_view(p, "/anything"));
  // The root alone is not the whole tree.
  auto q = plan_view(section({"/", dir_ + "/a/**"}), "/bin/true");
  EXPECT_TRUE(q.present);
  EXPECT_FALSE(in_view(q, "/etc/passwd"));
}

// A directory named without /** is shown, not what it holds; an entry written
// through a symlink is reached by that name.
TEST_F(ViewTest, ABareDirectoryIsShownEmptyAndALinkedEntryByItsName) {
  auto p = plan_view(section({dir_ + "/out", dir_ + "/to-b/**"}), "/bin/true");
  EXPECT_TRUE(in_view(p, dir_ + "/out"));
  EXPECT_FALSE(in_view(p, dir_ + "/out/h"));
  auto binds = paths(p.binds);
  EXPECT_EQ(std::find(binds.begin(), binds.end(), dir_ + "/out"), binds.end());
  EXPECT_NE(std::find(binds.begin(), binds.end(), dir_ + "/a/b"), binds.end());
  auto links = paths(p.links);
  EXPECT_NE(std::find(links.begin(), links.end(), dir_ + "/to-b"), links.end());
}

TEST_F(ViewTest, TheInterpreterIsShownByTheNameTheKernelUses) {
  // /lib64/ld-linux-x86-64.so.2 through its symlinks, whatever the entries say.
  auto p = plan_view(section({dir_ + "/a/**"}), "/bin/true");
  struct stat st{};
  if (lstat("/lib64/ld-linux-x86-64.so.2", &st) != 0) GTEST_SKIP() << "no /lib64/ld-linux-x86-64.so.2 here";
  bool shown = in_view(p, "/lib64/ld-linux-x86-64.so.2");
  for (const auto& l : p.links) shown = shown || l.path == "/lib64" || l.path == "/lib64/ld-linux-x86-64.so.2";
  EXPECT_TRUE(shown);
}

// Built in a child: the skeleton, the binds, the links, and nothing else.
TEST_F(ViewTest, AppliedTheRootShowsOnlyThePlan) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for a mount namespace";
  auto p = plan_view(section({dir_ + "/a/**", "/usr/**"}, {dir_ + "/c/**"}), "/bin/true");
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (int e = apply_view(p); e != 0) _exit(e == EPERM ? 77 : 10);
    struct stat st{};
    if (stat((dir_ + "/a/b/f").c_str(), &st) != 0) _exit(11);
    if (stat((dir_ + "/to-b/f").c_str(), &st) != 0) _exit(12);
    if (stat((dir_ + "/out/h").c_str(), &st) == 0 || errno != ENOENT) _exit(13);
    if (lstat((dir_ + "/to-out").c_str(), &st) == 0) _exit(14);
    if (stat(dir_.c_str(), &st) != 0 || (st.st_mode & 07777) != 0751) _exit(15);
    if (mkdir((dir_ + "/new").c_str(), 0755) == 0 || errno != EROFS) _exit(16);  // the skeleton is read-only
    std::ofstream(dir_ + "/c/written") << "w";
    if (stat("/etc/passwd", &st) == 0) _exit(17);
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd) == nullptr || std::string(cwd) != "/") _exit(18);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) GTEST_SKIP() << "no mount namespace here (EPERM)";
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // What the child wrote through its bind is on disk; its namespace is gone.
  std::ifstream in(dir_ + "/c/written");
  std::string w;
  in >> w;
  EXPECT_EQ(w, "w");
}

}  // namespace
}  // namespace sysgate::fs
