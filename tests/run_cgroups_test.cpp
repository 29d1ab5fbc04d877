// How the program gets into the run's cgroup v1 hierarchies: the child, still
// one thread, writes "0" to each one's `tasks` file before exec
// (RunCgroups::self_join_fds), instead of the supervisor moving it by PID.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "limits/cgroups.hpp"
#include "trace/launcher.hpp"

namespace sysgate {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The path of `pid` in the v1 hierarchy with `controller` ("" when not in one).
std::string v1_path(pid_t pid, const std::string& controller) {
  std::istringstream in(slurp("/proc/" + std::to_string(pid) + "/cgroup"));
  for (std::string line; std::getline(in, line);) {
    auto a = line.find(':'), b = line.find(':', a + 1);
    std::string ctrls = "," + line.substr(a + 1, b - a - 1) + ",";
    if (ctrls.find("," + controller + ",") != std::string::npos) return line.substr(b + 1);
  }
  return {};
}

TEST(RunCgroups, AChildJoinsTheV1OnesItselfBeforeExec) {
  auto g = limits::RunCgroups::create(/*want_memory=*/true, /*want_pids=*/true);
  if (g.self_join_fds().empty()) GTEST_SKIP() << "no cgroup v1 hierarchy for memory or pids here (" << g.describe() << ")";
  const std::string before = slurp("/proc/self/cgroup");
  int go[2], done[2];
  ASSERT_EQ(pipe(go), 0);
  ASSERT_EQ(pipe(done), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    char b;
    if (read(go[0], &b, 1) != 1) _exit(2);
    for (int fd : g.self_join_fds())
      if (write(fd, "0", 1) != 1) _exit(3);
    if (write(done[1], "x", 1) != 1) _exit(4);
    pause();
    _exit(0);
  }
  ASSERT_EQ(write(go[1], "x", 1), 1);
  char b;
  ASSERT_EQ(read(done[0], &b, 1), 1);
  int checked = 0;
  for (const char* c : {"memory", "pids"}) {
    if (g.describe().find(std::string("/") + c + "/") == std::string::npos) continue;
    ++checked;
    EXPECT_NE(v1_path(child, c).find("/sysgate-" + std::to_string(getpid()) + "-"), std::string::npos)
        << c << ": " << v1_path(child, c);
  }
  EXPECT_GT(checked, 0) << g.describe();
  // Only the child moved: the process that made the cgroups stays where it was.
  EXPECT_EQ(slurp("/proc/self/cgroup"), before);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
}

// sysgate attach: a running process moved into every run cgroup, listed
// there, and given back where it was.
TEST(RunCgroups, AdoptedProcessIsListedAndGivenBack) {
  auto g = limits::RunCgroups::create(/*want_memory=*/true, /*want_pids=*/true);
  if (g.describe().empty()) GTEST_SKIP() << "no cgroup can be made here";
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // gone with the test, however it ends
    pause();
    _exit(0);
  }
  const std::string before = slurp("/proc/" + std::to_string(child) + "/cgroup");
  ASSERT_EQ(g.adopt(child), "");
  EXPECT_EQ(g.procs(), std::vector<pid_t>{child});
  EXPECT_NE(slurp("/proc/" + std::to_string(child) + "/cgroup"), before);
  g.give_back();
  EXPECT_TRUE(g.procs().empty());
  EXPECT_EQ(slurp("/proc/" + std::to_string(child) + "/cgroup"), before);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
}

// sysgate batch: the home is found once in the batch's process, and each run
// (in a worker forked from it) makes cgroups of its own there, removed with it.
TEST(CgroupHome, FoundOnceItServesEveryRunOfAForkedWorker) {
  const auto home = limits::CgroupHome::find();
  EXPECT_EQ(home.v2, limits::CgroupHome::find().v2);
  EXPECT_EQ(home.memory, limits::CgroupHome::find().memory);
  std::string first, second;
  {
    auto a = limits::RunCgroups::create(true, true, home);
    auto b = limits::RunCgroups::create(true, true, home);
    first = a.describe();
    second = b.describe();
    if (first.empty()) GTEST_SKIP() << "no cgroup can be made here";
    EXPECT_NE(first, second);
    for (const auto* dir : {&home.v2, &home.memory, &home.pids})
      if (*dir && first.find(**dir + "/sysgate-") != std::string::npos) {
        EXPECT_NE(second.find(**dir + "/sysgate-"), std::string::npos) << second;
      }
  }
  // Both removed with their RunCgroups.
  for (const auto& d : {first, second}) {
    std::istringstream dirs(d);  // describe(): the directories, space-separated
    for (std::string dir; dirs >> dir;) EXPECT_NE(access(dir.c_str(), F_OK), 0) << dir;
  }
  // In a forked worker (the batch's case), with the home its parent found.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto g = limits::RunCgroups::create(true, true, home);
    const bool under = g.describe().find("/sysgate-" + std::to_string(getpid()) + "-") != std::string::npos;
    _exit(under ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(Launcher, ACgroupTheChildCannotJoinFailsTheRunBeforeExec) {
  trace::LaunchSpec spec;
  spec.path = "/bin/true";
  spec.argv = {"true"};
  int not_writable = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(not_writable, 0);
  spec.join_fds = {not_writable};
  trace::Launched l = trace::launch(spec);
  int failed[2] = {-1, -1};
  ASSERT_EQ(read(l.exec_error_fd, failed, sizeof failed), static_cast<ssize_t>(sizeof failed));
  EXPECT_EQ(static_cast<trace::ChildStep>(failed[0]), trace::ChildStep::Cgroups);
  EXPECT_EQ(failed[1], EBADF);
  EXPECT_STREQ(trace::describe(trace::ChildStep::Cgroups), "joining the run's cgroups");
  int status = 0;
  ASSERT_EQ(waitpid(l.pid, &status, __WALL), l.pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 127);
  close(l.exec_error_fd);
  close(not_writable);
}

}  // namespace
}  // namespace sysgate
