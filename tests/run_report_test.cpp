// report::run_report: the JSON report is written whatever bytes the program
// put in its argv, its paths or its processes' names (invalid UTF-8 becomes
// U+FFFD), and it is valid JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arch/syscall_table.hpp"
#include "report/event_log.hpp"
#include "report/run_report.hpp"

namespace sysgate::report {
namespace {

const std::string kFffd = "\xef\xbf\xbd";

TEST(RunReport, HostileBytesStillGiveAValidReport) {
  RunResult r;
  r.verdict = Verdict::NonzeroExit;
  r.exit_code = 1;
  r.leftover_processes.emplace_back(1234, std::string("\xff", 1));
  r.leftover_processes.emplace_back(1235, std::string("a\nb\x80", 4));
  r.error = std::string("bad \xc0\x80 bytes", 12);

  EventLog log(nullptr, "");
  Rule rule;
  rule.name = "fs";
  CallEvent e;
  e.pid = e.tid = 7;
  e.abi = "x86_64";
  e.nr = 257;
  e.name = "openat";
  e.spec = arch::find_syscall("openat");
  e.decision = {{Action::Kind::Deny, 13}, true, Decision::Source::Filesystem, nullptr};
  e.resolved["path"] = std::string("/tmp/\xff", 6);
  log.record(e);
  e.decision = {{Action::Kind::Kill, 0}, true, Decision::Source::Rule, &rule};
  log.record(e);

  Policy policy;
  policy.name = "p";  // policy::canonical_text() hashes the name: not the program's bytes
  policy.sources = {std::string("/p\xfe.yaml", 8)};
  std::vector<limits::AppliedLimit> limits;
  ReportInputs in{r, log, policy, limits, "seccomp", {"/bin/prog", std::string("arg\xff", 4)}, {}, {}};
  std::string text;
  ASSERT_NO_THROW(text = run_report(in));
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(text));
  EXPECT_EQ(j["command"][1], "arg" + kFffd);
  EXPECT_EQ(j["leftover_processes"][0]["command"], kFffd);
  EXPECT_EQ(j["leftover_processes"][1]["command"], "a\nb" + kFffd);
  EXPECT_EQ(j["denials"]["first"][0]["resolved"]["path"], "/tmp/" + kFffd);
  EXPECT_EQ(j["violation"]["resolved"]["path"], "/tmp/" + kFffd);
  EXPECT_EQ(j["policy"]["sources"][0], "/p" + kFffd + ".yaml");
  EXPECT_EQ(j["error"], "bad " + kFffd + kFffd + " bytes");
}

TEST(RunReport, ValidUtf8IsKept) {
  RunResult r;
  r.verdict = Verdict::Ok;
  r.exit_code = 0;
  EventLog log(nullptr, "");
  Policy policy;
  std::vector<limits::AppliedLimit> limits;
  ReportInputs in{r, log, policy, limits, "ptrace", {"/bin/echo", "\xc3\xa9t\xc3\xa9 \xe2\x82\xac"}, {}, {}};
  auto j = nlohmann::json::parse(run_report(in));
  EXPECT_EQ(j["command"][1], "\xc3\xa9t\xc3\xa9 \xe2\x82\xac");
}

TEST(RunReport, GuaranteesSayWhatWasGivenAndHow) {
  RunResult r;
  EventLog log(nullptr, "");
  Policy policy;
  std::vector<limits::AppliedLimit> limits;
  ReportInputs none{r, log, policy, limits, "seccomp", {"/bin/true"}, {}, {}};
  auto j = nlohmann::json::parse(run_report(none));
  EXPECT_EQ(j["guarantees"]["privileged"], false);
  EXPECT_TRUE(j["guarantees"]["landlock"].is_null());
  EXPECT_TRUE(j["guarantees"]["masks"].is_null());
  EXPECT_EQ(j["guarantees"]["cgroups"], nlohmann::json::array());

  Guarantees g;
  g.landlock_abi = 6;
  g.landlock_filesystem = true;
  g.signals_scoped = true;
  g.masks = 2;
  g.masks_in_user_namespace = true;
  g.cgroups = "/sys/fs/cgroup/a/sysgate-1-0 /sys/fs/cgroup/memory/sysgate-1-0";
  ReportInputs user{r, log, policy, limits, "seccomp", {"/bin/true"}, {}, g};
  j = nlohmann::json::parse(run_report(user));
  EXPECT_EQ(j["guarantees"]["landlock"], (nlohmann::json{{"abi", 6}, {"filesystem", true}, {"signals", true}}));
  EXPECT_EQ(j["guarantees"]["masks"], (nlohmann::json{{"count", 2}, {"namespace", "user"}}));
  EXPECT_EQ(j["guarantees"]["cgroups"],
            (nlohmann::json{"/sys/fs/cgroup/a/sysgate-1-0", "/sys/fs/cgroup/memory/sysgate-1-0"}));
}

}  // namespace
}  // namespace sysgate::report
