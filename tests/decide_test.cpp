// compile/decide.cpp: the "does this call reach the default" semantics, written
// once and read by the compiler, the BPF filter and `explain`.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "arch/abi.hpp"
#include "compile/plan.hpp"
#include "policy/loader.hpp"

namespace sysgate::compile {
namespace {

Plan plan_of(const std::string& yaml) {
  return compile(policy::load_text("version: 1\n" + yaml, "p.yaml", {"/box"}), Engine::Seccomp);
}

const CallPlan& call_plan(const Plan& plan, const char* name) {
  return *plan.abi(Abi::X86_64)->find(arch::syscall_number(Abi::X86_64, name));
}

TEST(DecideSemantics, ReachesDefaultUnlessTheLastCandidateIsUnconditional) {
  Plan p = plan_of(
      "default: {deny: EPERM}\n"
      "rules:\n"
      "  - syscalls: [getpid]\n    action: allow\n"
      "  - syscalls: [read]\n    args: {fd: {eq: 0}}\n    action: allow\n");
  EXPECT_FALSE(reaches_default(call_plan(p, "getpid")));
  EXPECT_TRUE(reaches_default(call_plan(p, "read")));
  EXPECT_TRUE(reaches_default(call_plan(p, "write")));  // no candidate at all
  // A built-in rule that only observes (a note) lets the decision go on.
  EXPECT_TRUE(reaches_default(call_plan(p, "creat")));
  EXPECT_EQ(default_verdict(p, call_plan(p, "write")), KernelVerdict::Trace);
  EXPECT_FALSE(decided_by_sections(call_plan(p, "write")));
}

TEST(DecideSemantics, SectionsTraceWhatTheyDecide) {
  Plan p = plan_of("default: allow\nfilesystem:\n  read: [/usr/**]\nnetwork:\n  allow: [127.0.0.1:80]\n");
  EXPECT_TRUE(decided_by_sections(call_plan(p, "mkdir")));
  EXPECT_TRUE(decided_by_sections(call_plan(p, "socket")));
  EXPECT_FALSE(decided_by_sections(call_plan(p, "getpid")));
  EXPECT_EQ(default_verdict(p, call_plan(p, "mkdir")), KernelVerdict::Trace);
  EXPECT_EQ(default_verdict(p, call_plan(p, "getpid")), KernelVerdict::Allow);
  EXPECT_EQ(call_plan(p, "mkdir").kernel, KernelVerdict::Trace);
  EXPECT_EQ(call_plan(p, "getpid").kernel, KernelVerdict::Allow);
  EXPECT_TRUE(names_address("connect"));
  EXPECT_FALSE(names_address("socket"));
}

// A rule's scalar tests are decided before its memory tests, as the filter's
// leaf decides them: a call they exclude is not failed because its path (here:
// no memory at all, as for an unreadable pointer) cannot be read. Found by
// tests/fuzz/fuzz_filter_vs_decide.cpp (the filter allowed, decide() denied EFAULT).
TEST(DecideSemantics, ScalarTestsBeforeMemoryTests) {
  for (const char* dflt : {"allow", "kill"}) {
    Plan p = plan_of(std::string("default: ") + dflt +
                     "\nrules:\n"
                     "  - syscalls: [openat]\n"
                     "    args: {path: {prefix: /tmp}, flags: {any: [O_CREAT]}}\n"
                     "    action: {deny: EPERM}\n");
    const long nr = arch::syscall_number(Abi::X86_64, "openat");
    const std::uint64_t rdonly[6] = {static_cast<std::uint64_t>(-100), 0x1000, 0, 0, 0, 0};
    Decision d = decide(p, Abi::X86_64, nr, rdonly);
    EXPECT_EQ(d.source, Decision::Source::Default) << dflt << ": " << d.reason();
    EXPECT_EQ(d.action.kind, std::string(dflt) == "allow" ? Action::Kind::Allow : Action::Kind::Kill) << dflt;
    EXPECT_EQ(leaf_verdict(p, call_plan(p, "openat"), rdonly), default_verdict(p, call_plan(p, "openat")));
    // With O_CREAT the path must be read: unreadable, the call fails with EFAULT.
    const std::uint64_t creat[6] = {static_cast<std::uint64_t>(-100), 0x1000, 0100, 0, 0, 0};
    d = decide(p, Abi::X86_64, nr, creat);
    EXPECT_EQ(d.source, Decision::Source::Rule) << dflt;
    EXPECT_EQ(d.action, (Action{Action::Kind::Deny, EFAULT})) << dflt;
  }
}

// Every call without candidates ends as default_verdict says, in every ABI.
TEST(DecideSemantics, KernelVerdictOfCallsWithoutRulesIsTheDefaultVerdict) {
  for (const char* yaml : {"default: allow\n", "default: kill\n", "default: allow\nfilesystem:\n  read: [/usr/**]\n"}) {
    Plan p = plan_of(std::string(yaml));
    for (const auto& ap : p.abis)
      for (const auto& c : ap.calls) {
        if (c.rules.empty() && c.kernel != KernelVerdict::Errno) {
          EXPECT_EQ(c.kernel, default_verdict(p, c)) << c.name;
        }
      }
  }
}

}  // namespace
}  // namespace sysgate::compile
