// session/: one run from a RunConfig, without the command line.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "session/policy_source.hpp"
#include "session/session.hpp"
#include "sysgate/diagnostic.hpp"
#include "trace/supervisor_process.hpp"

namespace sysgate::session {
namespace {

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sysgate-session.XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  RunConfig config(std::vector<std::string> program) {
    RunConfig c;
    c.program = std::move(program);
    c.caller_cwd = dir_;
    c.quiet = true;
    c.use_cgroups = false;
    return c;
  }
  static std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Runs to the end; the exit status.
  int run(Session& s) {
    s.prepare();
    static trace::SupervisorProcess process;
    return s.run(process).exit_status();
  }
  std::string dir_;
};

TEST_F(SessionTest, ProgramIsLookedUpWithTheProgramsPath) {
  RunConfig c = config({"ls"});
  c.env = {"PATH=" + dir_};
  Session s(c);
  try {
    s.prepare();
    FAIL() << "ls was found on a PATH without it";
  } catch (const SessionError& e) {
    EXPECT_EQ(e.exit_status, 127);
    EXPECT_NE(std::string(e.what()).find("command not found"), std::string::npos);
  }
  // On the program's PATH it is found, even where sysgate's own PATH lacks it.
  std::filesystem::create_directory(dir_ + "/bin");
  std::filesystem::copy_file("/bin/true", dir_ + "/bin/mytrue");
  RunConfig d = config({"mytrue"});
  d.env = {"PATH=" + dir_ + "/bin"};
  Session t(d);
  EXPECT_EQ(run(t), 0);
}

TEST_F(SessionTest, StdoutAndStderrToOneFileShareIt) {
  RunConfig c = config({"/bin/sh", "-c", "echo out1; echo err1 >&2; echo out2; echo err2 >&2"});
  c.stdio.out = dir_ + "/both";
  c.stdio.err = dir_ + "/both";
  Session s(c);
  EXPECT_EQ(run(s), 0);
  EXPECT_EQ(slurp(dir_ + "/both"), "out1\nerr1\nout2\nerr2\n");
}

TEST_F(SessionTest, StderrToStdout) {
  RunConfig c = config({"/bin/sh", "-c", "echo out; echo err >&2"});
  c.stdio.out = dir_ + "/o";
  c.stdio.err_to_out = true;
  Session s(c);
  EXPECT_EQ(run(s), 0);
  EXPECT_EQ(slurp(dir_ + "/o"), "out\nerr\n");
}

TEST_F(SessionTest, ReportOnAnOutputFileIsRefused) {
  RunConfig c = config({"/bin/true"});
  c.stdio.out = dir_ + "/o";
  c.report_path = dir_ + "/o";
  Session s(c);
  EXPECT_THROW(s.prepare(), SessionError);
}

TEST_F(SessionTest, MissingPolicyNamesTheShippedOnes) {
  try {
    load_policy(dir_ + "/none.yaml", dir_);
    FAIL();
  } catch (const PolicyNotFound& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("cannot read " + dir_ + "/none.yaml: No such file or directory"), std::string::npos) << m;
    EXPECT_NE(m.find("grade-c"), std::string::npos) << m;
  }
  // The man page's spelling of a shipped policy.
  EXPECT_EQ(load_policy("grade-c.yaml", dir_).name, "grade-c");
  EXPECT_EQ(load_policy("grade-c", dir_).name, "grade-c");
  EXPECT_EQ(load_policy(std::nullopt, dir_).name, "default");
}

TEST_F(SessionTest, InvalidPolicyIsASetupErrorWithDiagnostics) {
  std::ofstream(dir_ + "/bad.yaml") << "version: 1\ndefault: allow\nbogus: 1\n";
  RunConfig c = config({"/bin/true"});
  c.policy = dir_ + "/bad.yaml";
  Session s(c);
  EXPECT_THROW(s.prepare(), SessionError);
  ASSERT_FALSE(s.policy_diagnostics().empty());
  EXPECT_NE(s.policy_diagnostics()[0].find("bad.yaml:3:1"), std::string::npos) << s.policy_diagnostics()[0];
  RunResult r = s.failed(SessionError(Verdict::SetupError, 125, "invalid policy"));
  EXPECT_NE(s.report(r).find("\"verdict\":\"SETUP_ERROR\""), std::string::npos);
}

// --user takes the user's primary group and supplementary groups (initgroups),
// unless --group names the group.
TEST_F(SessionTest, UserGetsItsOwnGroups) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  RunConfig c = config({"/bin/sh", "-c", "grep -E '^(Uid|Gid|Groups):' /proc/self/status"});
  c.user = "nobody";
  c.stdio.out = dir_ + "/ids";
  Session s(c);
  EXPECT_EQ(run(s), 0);
  std::string ids = slurp(dir_ + "/ids");
  EXPECT_NE(ids.find("Uid:\t65534\t65534\t65534\t65534"), std::string::npos) << ids;
  EXPECT_EQ(ids.find("Gid:\t0\t"), std::string::npos) << ids;
  EXPECT_EQ(ids.find("Groups:\t0"), std::string::npos) << ids;
  EXPECT_NE(ids.find("Gid:\t65534\t65534\t65534\t65534"), std::string::npos) << ids;
}

TEST_F(SessionTest, BadWorkingDirectory) {
  RunConfig c = config({"/bin/true"});
  c.cwd = dir_ + "/missing";
  Session s(c);
  try {
    s.prepare();
    FAIL();
  } catch (const SessionError& e) {
    EXPECT_EQ(e.exit_status, 125);
    EXPECT_NE(std::string(e.what()).find("--cwd"), std::string::npos);
  }
}

}  // namespace
}  // namespace sysgate::session
