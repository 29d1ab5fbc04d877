// limits::LimitEnforcer without cgroups: what the tracer asks it about the
// processes limit (issue 9, item 16: `on_process_limit`).
#include <gtest/gtest.h>

#include "limits/enforcer.hpp"

namespace sysgate {
namespace {

Limits processes(std::uint64_t n, std::optional<ProcessLimitAction> action) {
  Limits l;
  l.processes = n;
  l.on_process_limit = action;
  return l;
}

TEST(LimitEnforcer, ARefusedTaskEndsTheRunByDefault) {
  limits::LimitEnforcer e(processes(10, std::nullopt), /*use_cgroups=*/false);
  EXPECT_TRUE(e.ends_run_on_process_limit());
  EXPECT_TRUE(limits::LimitEnforcer(processes(10, ProcessLimitAction::End), false).ends_run_on_process_limit());
  EXPECT_TRUE(limits::LimitEnforcer(Limits{}, false).ends_run_on_process_limit());
}

TEST(LimitEnforcer, WithFailTheRunGoesOnAndRefusalsAreCounted) {
  limits::LimitEnforcer e(processes(10, ProcessLimitAction::Fail), false);
  EXPECT_FALSE(e.ends_run_on_process_limit());
  ASSERT_TRUE(e.counts_tasks());  // no pids cgroup: the supervisor refuses
  EXPECT_FALSE(e.refuses_task(9));
  EXPECT_EQ(e.processes_refused(), 0u);
  EXPECT_TRUE(e.refuses_task(10));
  EXPECT_TRUE(e.refuses_task(12));
  EXPECT_EQ(e.processes_refused(), 2u);
  // Ten tasks alive is within the limit; the periodic check lets the run go on.
  EXPECT_EQ(e.check([] { return std::vector<pid_t>{}; }, 10), std::nullopt);
}

TEST(LimitEnforcer, MoreTasksThanTheLimitEndTheRunEvenWithFail) {
  // Not a refused fork but a task that got through: the limit did not hold.
  limits::LimitEnforcer e(processes(10, ProcessLimitAction::Fail), false);
  EXPECT_EQ(e.check([] { return std::vector<pid_t>{}; }, 11), std::optional<Verdict>(Verdict::ProcessLimit));
}

TEST(LimitEnforcer, WithoutAProcessesLimitNothingIsRefused) {
  limits::LimitEnforcer e(Limits{}, false);
  EXPECT_FALSE(e.counts_tasks());
  EXPECT_FALSE(e.refuses_task(1000));
  EXPECT_EQ(e.processes_refused(), 0u);
}

}  // namespace
}  // namespace sysgate
