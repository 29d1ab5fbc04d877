// limits::LimitEnforcer without cgroups: what the tracer asks it about the
// processes limit (issue 9, item 16: `on_process_limit`).
#include <gtest/gtest.h>

#include <time.h>
#include <unistd.h>

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

// Burns `ms` milliseconds of this process's CPU time.
void burn_cpu(int ms) {
  timespec start{}, now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
  do clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  while ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 < ms);
}

// A limit check that comes before the program's execve (a slow set-up in the
// child outlasting a tick) counts nothing: that CPU time is sysgate's, not the
// program's, and it neither hits the limit nor shows in the report. CI saw
// cpu_time_s above wall_time_s for /bin/true when a tick fell there.
TEST(LimitEnforcer, CpuTimeBeforeTheProgramStartsIsNotCounted) {
  Limits l;
  l.cpu_time_s = 0.01;
  limits::LimitEnforcer e(l, /*use_cgroups=*/false);
  burn_cpu(30);  // the "set-up": this process stands in for the child before exec
  const std::vector<pid_t> tree{getpid()};
  EXPECT_EQ(e.check([&] { return tree; }, 1), std::nullopt);
  RunResult never_started;
  e.finish(never_started, std::nullopt);
  EXPECT_EQ(never_started.cpu_time_s, 0.0);
  EXPECT_NE(never_started.verdict, Verdict::CpuTimeLimit);
}

// The same for memory without a memory cgroup: before the execve the child's
// resident set is sysgate's own forked copy (tens of MB under ASan), which
// neither hits the limit nor shows as the program's sampled peak.
TEST(LimitEnforcer, MemoryBeforeTheProgramStartsIsNotSampled) {
  Limits l;
  l.memory = 1024 * 1024;  // below this test process's resident set
  limits::LimitEnforcer e(l, /*use_cgroups=*/false);
  const std::vector<pid_t> tree{getpid()};
  EXPECT_EQ(e.check([&] { return tree; }, 1), std::nullopt);
  e.program_started();
  EXPECT_EQ(e.check([&] { return tree; }, 1), std::optional<Verdict>(Verdict::MemoryLimit));
}

}  // namespace
}  // namespace sysgate
