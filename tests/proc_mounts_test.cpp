// Where procfs is mounted (fs/landlock.hpp's proc_mounts, read from
// /proc/self/mountinfo) and how kernel files are read (fs/kernel_file.hpp).
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "fs/kernel_file.hpp"
#include "fs/landlock.hpp"

namespace sysgate::fs {
namespace {

TEST(KernelFile, ReadsAWholeFileLongerThanOneRead) {
  auto maps = read_kernel_file("/proc/self/maps");
  ASSERT_TRUE(maps.has_value());
  EXPECT_NE(maps->find("[stack]"), std::string::npos);
  EXPECT_EQ(read_kernel_file("/proc/self/no-such-file"), std::nullopt);
  auto empty = read_kernel_file("/dev/null");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST(ProcMounts, ListsProc) {
  auto m = proc_mounts();
  EXPECT_NE(std::find(m.begin(), m.end(), "/proc"), m.end());
}

// A second procfs at a path with a space (mountinfo escapes it as \040),
// in a mount namespace of a child's own.
TEST(ProcMounts, ListsAnotherProcfsByItsUnescapedPath) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to mount procfs";
  char tmpl[] = "/tmp/sysgate-proc mounts.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) _exit(2);
    if (mount("proc", dir.c_str(), "proc", 0, nullptr) != 0) _exit(3);
    auto m = proc_mounts();
    bool both = std::find(m.begin(), m.end(), dir) != m.end() && std::find(m.begin(), m.end(), "/proc") != m.end();
    _exit(both ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  rmdir(dir.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 3) GTEST_SKIP() << "procfs cannot be mounted here";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace sysgate::fs
