// compile::compile() plans and compile::decide(): first match wins, kernel
// verdicts, foreign ABIs, unknown numbers, built-in rules, argument widths.
#include <gtest/gtest.h>
#include <linux/seccomp.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>

#include <cerrno>
#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>

#include "arch/abi.hpp"
#include "compile/plan.hpp"
#include "policy/loader.hpp"

namespace sysgate::compile {
namespace {

using Kind = Action::Kind;
using Src = Decision::Source;

Policy load(const std::string& yaml) { return policy::load_text("version: 1\n" + yaml, "p.yaml", {"/box"}); }
Plan plan_of(const std::string& yaml, Engine engine = Engine::Seccomp) { return compile(load(yaml), engine); }

long nr_of(const std::string& name, Abi abi = Abi::X86_64) {
  int n = arch::syscall_number(abi, name);
  if (n < 0) ADD_FAILURE() << "no " << name << " on " << to_string(abi);
  return n;
}

Decision call(const Plan& plan, const std::string& name, std::initializer_list<std::uint64_t> a = {},
              Abi abi = Abi::X86_64) {
  std::uint64_t args[6] = {};
  int i = 0;
  for (auto v : a) args[i++] = v;
  return decide(plan, abi, nr_of(name, abi), args);
}

Decision call_nr(const Plan& plan, long nr, Abi abi = Abi::X86_64) {
  std::uint64_t args[6] = {};
  return decide(plan, abi, nr, args);
}

const CallPlan& call_plan(const Plan& plan, const std::string& name, Abi abi = Abi::X86_64) {
  const CallPlan* c = plan.abi(abi)->find(nr_of(name, abi));
  if (c == nullptr) throw std::runtime_error("no plan for " + name);
  return *c;
}

// The policy rule a decision came from, by its name.
std::string rule_name(const Decision& d) { return d.rule != nullptr ? d.rule->name : "<none>"; }

// --- first match wins ------------------------------------------------------------

TEST(CompilerOrder, DenyBeforeAllowOnTheSameCall) {
  Plan p = plan_of(
      "default: allow\n"
      "rules:\n"
      "  - {name: deny-stdout, syscalls: [write], args: {fd: {eq: 1}}, action: {deny: EPERM}}\n"
      "  - {name: allow-write, syscalls: [write], action: allow}\n");
  Decision d1 = call(p, "write", {1, 0, 10});
  EXPECT_EQ(d1.action, (Action{Kind::Deny, EPERM}));
  EXPECT_EQ(d1.source, Src::Rule);
  EXPECT_EQ(rule_name(d1), "deny-stdout");
  EXPECT_TRUE(d1.log);  // denials are reported
  Decision d2 = call(p, "write", {2, 0, 10});
  EXPECT_EQ(d2.action.kind, Kind::Allow);
  EXPECT_EQ(rule_name(d2), "allow-write");
  EXPECT_FALSE(d2.log);
  EXPECT_EQ(call_plan(p, "write").rules.size(), 2u);
  EXPECT_EQ(call_plan(p, "write").kernel, KernelVerdict::ByArgs);
}

TEST(CompilerOrder, AllowBeforeDenyOnTheSameCall) {
  Plan p = plan_of(
      "default: allow\n"
      "rules:\n"
      "  - {name: allow-stdout, syscalls: [write], args: {fd: {eq: 1}}, action: allow}\n"
      "  - {name: deny-write, syscalls: [write], action: {deny: EACCES}}\n");
  EXPECT_EQ(call(p, "write", {1}).action.kind, Kind::Allow);
  EXPECT_EQ(rule_name(call(p, "write", {1})), "allow-stdout");
  Decision d = call(p, "write", {2});
  EXPECT_EQ(d.action, (Action{Kind::Deny, EACCES}));
  EXPECT_EQ(rule_name(d), "deny-write");
  EXPECT_EQ(call_plan(p, "write").kernel, KernelVerdict::ByArgs);
}

// libseccomp lets a rule without argument tests override earlier rules with
// tests on the same call; the compiler must keep the written order.
TEST(CompilerOrder, RuleWithoutTestsAfterOneWithTests) {
  Plan p = plan_of(
      "default: allow\n"
      "rules:\n"
      "  - {name: stdio, syscalls: [write], args: {fd: {in: [1, 2]}}, action: allow}\n"
      "  - {name: no-other-writes, syscalls: [write], action: kill}\n");
  EXPECT_EQ(call(p, "write", {1}).action.kind, Kind::Allow);
  EXPECT_EQ(call(p, "write", {2}).action.kind, Kind::Allow);
  Decision d = call(p, "write", {3});
  EXPECT_EQ(d.action.kind, Kind::Kill);
  EXPECT_EQ(rule_name(d), "no-other-writes");
  EXPECT_TRUE(d.log);
  // And several conditional rules, each on another argument, in order.
  Plan q = plan_of(
      "default: kill\n"
      "rules:\n"
      "  - {name: a, syscalls: [write], args: {fd: {eq: 1}}, action: {deny: EPERM}}\n"
      "  - {name: b, syscalls: [write], args: {count: {gt: 100}}, action: {deny: EFBIG}}\n"
      "  - {name: c, syscalls: [write], args: {fd: {eq: 2}}, action: log}\n"
      "  - {name: d, syscalls: [write], action: allow}\n");
  EXPECT_EQ(rule_name(call(q, "write", {1, 0, 1000})), "a");
  EXPECT_EQ(rule_name(call(q, "write", {2, 0, 1000})), "b");
  EXPECT_EQ(rule_name(call(q, "write", {2, 0, 100})), "c");
  EXPECT_EQ(call(q, "write", {2, 0, 100}).action.kind, Kind::Log);
  EXPECT_TRUE(call(q, "write", {2, 0, 100}).log);
  EXPECT_EQ(rule_name(call(q, "write", {3, 0, 100})), "d");
  EXPECT_FALSE(call(q, "write", {3, 0, 100}).log);
  EXPECT_EQ(call(q, "read", {3}).action.kind, Kind::Kill);
  EXPECT_EQ(call(q, "read", {3}).source, Src::Default);
}

TEST(CompilerOrder, UnconditionalRuleMakesLaterRulesUnreachable) {
  Plan p = plan_of(
      "default: allow\n"
      "rules:\n"
      "  - {name: deny-all-writes, syscalls: [write], action: {deny: EPERM}}\n"
      "  - {name: never, syscalls: [write], args: {fd: {eq: 1}}, action: allow}\n"
      "  - {name: never-either, syscalls: [\"%desc\"], action: kill}\n");
  const CallPlan& w = call_plan(p, "write");
  ASSERT_EQ(w.rules.size(), 1u);
  EXPECT_EQ(w.rules[0].rule->name, "deny-all-writes");
  EXPECT_EQ(w.kernel, KernelVerdict::Trace);
  EXPECT_EQ(rule_name(call(p, "write", {1})), "deny-all-writes");
  // read is in %desc: it gets the third rule.
  EXPECT_EQ(rule_name(call(p, "read", {0})), "never-either");
  ASSERT_EQ(call_plan(p, "read").rules.size(), 1u);
  // Names, groups and "*" select in the same order.
  Plan q = plan_of(
      "default: kill\n"
      "rules:\n"
      "  - {name: star, syscalls: [\"*\"], args: {arg5: {eq: 7}}, action: allow}\n"
      "  - {name: file, syscalls: [\"%file\"], action: {deny: EACCES}}\n"
      "  - {name: openat, syscalls: [openat], action: allow}\n");
  EXPECT_EQ(rule_name(call(q, "openat", {0, 0, 0, 0, 0, 7})), "star");
  EXPECT_EQ(rule_name(call(q, "openat", {7, 0, 0, 0, 0, 8})), "file");
  EXPECT_EQ(call_plan(q, "openat").rules.size(), 3u);  // sysgate's note on opens for writing, star, file
  EXPECT_EQ(call(q, "getpid").action.kind, Kind::Kill);
  EXPECT_EQ(rule_name(call(q, "getpid", {0, 0, 0, 0, 0, 7})), "star");
  // A rule that selects a call both by name and by group is a candidate once,
  // in its place among rules selecting by name only and by group only.
  Plan m = plan_of(
      "default: kill\n"
      "rules:\n"
      "  - {name: mixed, syscalls: [openat, \"%file\", \"%process\"], args: {arg5: {eq: 1}}, action: allow}\n"
      "  - {name: named, syscalls: [openat], args: {arg5: {eq: 2}}, action: allow}\n"
      "  - {name: group, syscalls: [\"%file\"], args: {arg5: {eq: 3}}, action: allow}\n"
      "  - {name: last, syscalls: [openat, getpid], action: {deny: EPERM}}\n");
  EXPECT_EQ(call_plan(m, "openat").rules.size(), 5u);  // sysgate's note on opens for writing, then the four
  EXPECT_EQ(rule_name(call(m, "openat", {0, 0, 0, 0, 0, 1})), "mixed");
  EXPECT_EQ(rule_name(call(m, "openat", {0, 0, 0, 0, 0, 2})), "named");
  EXPECT_EQ(rule_name(call(m, "openat", {0, 0, 0, 0, 0, 3})), "group");
  EXPECT_EQ(rule_name(call(m, "openat", {0, 0, 0, 0, 0, 4})), "last");
  EXPECT_EQ(call_plan(m, "getpid").rules.size(), 1u);
  EXPECT_EQ(rule_name(call(m, "getpid", {0, 0, 0, 0, 0, 1})), "last");
  ASSERT_EQ(call_plan(m, "wait4").rules.size(), 1u);  // %process only
  EXPECT_EQ(rule_name(call(m, "wait4", {0, 0, 0, 0, 0, 1})), "mixed");
  EXPECT_EQ(call(m, "wait4", {0, 0, 0, 0, 0, 2}).action.kind, Kind::Kill);
}

// --- kernel verdicts -----------------------------------------------------------------

TEST(CompilerKernel, AllowAll) {
  Plan p = plan_of("default: allow\n");
  EXPECT_EQ(call_plan(p, "write").kernel, KernelVerdict::Allow);
  // Opens for writing stop (a /proc/PID/mem opened so is refused at its exit).
  EXPECT_EQ(call_plan(p, "openat").kernel, KernelVerdict::ByArgs);
  EXPECT_EQ(call_plan(p, "read").kernel, KernelVerdict::Allow);
  Decision d = call(p, "getpid");
  EXPECT_EQ(d.action.kind, Kind::Allow);
  EXPECT_FALSE(d.log);
  EXPECT_EQ(d.source, Src::Default);
  EXPECT_EQ(d.reason(), "default");
  // Built-in rules make their calls depend on arguments.
  EXPECT_EQ(call_plan(p, "clone").kernel, KernelVerdict::ByArgs);
  EXPECT_EQ(call_plan(p, "seccomp").kernel, KernelVerdict::ByArgs);
  EXPECT_EQ(call_plan(p, "clone3").kernel, KernelVerdict::Trace);
}

TEST(CompilerKernel, DeniesLogsAndKillsAreTraced) {
  Plan p = plan_of(
      "default: allow\n"
      "rules:\n"
      "  - {syscalls: [getpid], action: {deny: EPERM}}\n"
      "  - {syscalls: [getppid], action: log}\n"
      "  - {syscalls: [getuid], action: kill}\n"
      "  - {syscalls: [getgid], action: allow, log: true}\n"
      "  - {syscalls: [geteuid], action: allow}\n"
      "  - {syscalls: [write], args: {fd: {eq: 1}}, action: allow}\n");
  EXPECT_EQ(call_plan(p, "getpid").kernel, KernelVerdict::Trace);
  EXPECT_EQ(call_plan(p, "getppid").kernel, KernelVerdict::Trace);
  EXPECT_EQ(call_plan(p, "getuid").kernel, KernelVerdict::Trace);
  EXPECT_EQ(call_plan(p, "getgid").kernel, KernelVerdict::Trace);
  EXPECT_EQ(call_plan(p, "geteuid").kernel, KernelVerdict::Allow);
  // A conditional allow under an allow default is the same either way.
  EXPECT_EQ(call_plan(p, "write").kernel, KernelVerdict::Allow);

  Decision d = call(p, "getpid");
  EXPECT_EQ(d.action, (Action{Kind::Deny, EPERM}));
  EXPECT_TRUE(d.log);
  Decision l = call(p, "getppid");
  EXPECT_EQ(l.action.kind, Kind::Log);
  EXPECT_TRUE(l.log);
  Decision k = call(p, "getuid");
  EXPECT_EQ(k.action.kind, Kind::Kill);
  EXPECT_TRUE(k.log);
  Decision g = call(p, "getgid");
  EXPECT_EQ(g.action.kind, Kind::Allow);
  EXPECT_TRUE(g.log);
  EXPECT_EQ(g.reason(), "rule at p.yaml:7:5");
}

TEST(CompilerKernel, DefaultKill) {
  Plan p = plan_of(
      "default: kill\n"
      "rules:\n"
      "  - {syscalls: [getpid], action: allow}\n"
      "  - {syscalls: [write], args: {fd: {eq: 1}}, action: allow}\n");
  EXPECT_EQ(call_plan(p, "getpid").kernel, KernelVerdict::Allow);
  EXPECT_EQ(call_plan(p, "write").kernel, KernelVerdict::ByArgs);
  EXPECT_EQ(call_plan(p, "read").kernel, KernelVerdict::Trace);
  Decision d = call(p, "read");
  EXPECT_EQ(d.action.kind, Kind::Kill);
  EXPECT_TRUE(d.log);
  EXPECT_EQ(d.source, Src::Default);
  EXPECT_EQ(call(p, "write", {2}).action.kind, Kind::Kill);
  EXPECT_EQ(call(p, "write", {1}).action.kind, Kind::Allow);
  // Numbers in the gaps of the table (x86_64 335..423) reach the default too.
  EXPECT_EQ(call_nr(p, 400).action.kind, Kind::Kill);
  EXPECT_EQ(call_nr(p, 400).source, Src::Default);
}

TEST(CompilerKernel, DefaultDenyAndLog) {
  Plan p = plan_of("default: {deny: EACCES}\n");
  Decision d = call(p, "getpid");
  EXPECT_EQ(d.action, (Action{Kind::Deny, EACCES}));
  EXPECT_TRUE(d.log);
  EXPECT_EQ(call_plan(p, "getpid").kernel, KernelVerdict::Trace);
  Plan q = plan_of("default: log\n");
  EXPECT_EQ(call(q, "getpid").action.kind, Kind::Log);
  EXPECT_TRUE(call(q, "getpid").log);
  EXPECT_EQ(call_plan(q, "getpid").kernel, KernelVerdict::Trace);
}

// --- ABIs and numbers ----------------------------------------------------------------

TEST(CompilerAbi, ForeignAbiIsKilled) {
  Plan p = plan_of("default: allow\n");
  ASSERT_NE(p.abi(Abi::I386), nullptr);
  ASSERT_NE(p.abi(Abi::X32), nullptr);
  EXPECT_TRUE(p.abi(Abi::X86_64)->allowed);
  EXPECT_FALSE(p.abi(Abi::I386)->allowed);
  EXPECT_FALSE(p.abi(Abi::X32)->allowed);
  Decision d = call(p, "getpid", {}, Abi::I386);
  EXPECT_EQ(d.action.kind, Kind::Kill);
  EXPECT_EQ(d.source, Src::ForeignAbi);
  EXPECT_TRUE(d.log);
  EXPECT_EQ(d.reason(), "ABI not allowed by the policy");
  EXPECT_EQ(call_nr(p, 0x40000000 + 39, Abi::X32).source, Src::ForeignAbi);
  EXPECT_EQ(call_nr(p, 100000, Abi::I386).source, Src::ForeignAbi);  // even unknown numbers

  Plan q = plan_of("abi: [i386]\ndefault: allow\n");
  EXPECT_EQ(call(q, "getpid").source, Src::ForeignAbi);
  EXPECT_EQ(call(q, "getpid", {}, Abi::I386).action.kind, Kind::Allow);
  EXPECT_EQ(call(q, "socketcall", {}, Abi::I386).action.kind, Kind::Allow);
}

TEST(CompilerAbi, UnknownNumbersGetEnosys) {
  const long highest = arch::abi_info(Abi::X86_64).highest_nr;
  const long named = highest + 7;
  Plan p = plan_of("default: kill\nrules:\n  - {name: by-number, syscalls: [{nr: " + std::to_string(named) +
                   "}], action: allow}\n");
  Decision d = call_nr(p, highest + 1);
  EXPECT_EQ(d.action, (Action{Kind::Deny, ENOSYS}));
  EXPECT_EQ(d.source, Src::UnknownNumber);
  EXPECT_FALSE(d.log);
  EXPECT_EQ(call_nr(p, -1).source, Src::UnknownNumber);
  EXPECT_EQ(call_nr(p, 0x3fffffff).source, Src::UnknownNumber);
  // Named by number: the policy decides.
  Decision n = call_nr(p, named);
  EXPECT_EQ(n.action.kind, Kind::Allow);
  EXPECT_EQ(n.source, Src::Rule);
  EXPECT_EQ(rule_name(n), "by-number");
  EXPECT_EQ(call_nr(p, named - 1).source, Src::UnknownNumber);
  EXPECT_EQ(call_nr(p, named + 1).source, Src::UnknownNumber);
  ASSERT_EQ(p.abi(Abi::X86_64)->extra.count(named), 1u);
  EXPECT_EQ(p.abi(Abi::X86_64)->extra.at(named).kernel, KernelVerdict::Allow);
  // The highest known number is a call like any other.
  EXPECT_EQ(call_nr(p, highest).source, Src::Default);
  // A kill rule by number under an allow default.
  Plan k = plan_of("default: allow\nrules:\n  - {syscalls: [{nr: " + std::to_string(named) + "}], action: kill}\n");
  EXPECT_EQ(call_nr(k, named).action.kind, Kind::Kill);
  EXPECT_EQ(call_nr(k, named + 1).action, (Action{Kind::Deny, ENOSYS}));
  // A known call named by number is that call.
  Plan g = plan_of("default: allow\nrules:\n  - {syscalls: [{nr: 39}], action: {deny: EPERM}}\n");
  EXPECT_EQ(call(g, "getpid").action, (Action{Kind::Deny, EPERM}));
  EXPECT_EQ(call(g, "getppid").action.kind, Kind::Allow);
}

TEST(CompilerAbi, I386AndX32Allowed) {
  Plan p = plan_of(
      "abi: [x86_64, i386, x32]\n"
      "default: allow\n"
      "rules:\n"
      "  - {name: no-open, syscalls: [openat], action: {deny: EACCES}}\n");
  EXPECT_EQ(rule_name(call(p, "openat", {}, Abi::I386)), "no-open");
  EXPECT_EQ(rule_name(call(p, "openat", {}, Abi::X32)), "no-open");
  EXPECT_EQ(call_nr(p, 295, Abi::I386).action.kind, Kind::Deny);  // openat on i386
  EXPECT_EQ(call_nr(p, 257, Abi::I386).action.kind, Kind::Allow);  // 257 is remap_file_pages on i386, not openat
  EXPECT_NE(rule_name(call_nr(p, 257, Abi::I386)), "no-open");
  const long hi386 = arch::abi_info(Abi::I386).highest_nr;
  EXPECT_EQ(call_nr(p, hi386 + 1, Abi::I386).source, Src::UnknownNumber);
  const long hix32 = arch::abi_info(Abi::X32).highest_nr;
  EXPECT_EQ(call_nr(p, hix32 + 1, Abi::X32).source, Src::UnknownNumber);
  EXPECT_EQ(p.abi(Abi::X32)->first_nr, 0x40000000);
}

// --- built-in rules --------------------------------------------------------------------

TEST(CompilerBuiltin, UntracedCloneIsRefusedEvenUnderAllowAll) {
  Plan p = plan_of(
      "default: allow\n"
      "rules:\n"
      "  - {name: my-clone, syscalls: [clone], action: allow}\n");
  Decision d = call(p, "clone", {CLONE_UNTRACED | SIGCHLD});
  EXPECT_EQ(d.action, (Action{Kind::Deny, EPERM}));
  EXPECT_EQ(d.source, Src::Rule);
  ASSERT_NE(d.rule, nullptr);
  EXPECT_TRUE(d.rule->builtin);
  EXPECT_EQ(d.rule->name, "sysgate:no-untraced-clone");
  EXPECT_TRUE(d.log);
  Decision ok = call(p, "clone", {CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD});
  EXPECT_EQ(ok.action.kind, Kind::Allow);
  EXPECT_EQ(rule_name(ok), "my-clone");
  // i386 too.
  Plan q = plan_of("abi: [x86_64, i386]\ndefault: allow\n");
  EXPECT_EQ(call(q, "clone", {CLONE_UNTRACED}, Abi::I386).action, (Action{Kind::Deny, EPERM}));
  EXPECT_EQ(call(q, "clone", {SIGCHLD}, Abi::I386).action.kind, Kind::Allow);
}

TEST(CompilerBuiltin, SeccompListenerIsRefused) {
  Plan p = plan_of("default: allow\n");
  Decision d = call(p, "seccomp", {SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, 0});
  EXPECT_EQ(d.action, (Action{Kind::Deny, EPERM}));
  EXPECT_EQ(d.rule->name, "sysgate:no-seccomp-listener");
  EXPECT_EQ(call(p, "seccomp", {SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, 0}).action.kind, Kind::Allow);
  EXPECT_EQ(call(p, "seccomp", {SECCOMP_SET_MODE_FILTER, 0, 0}).action.kind, Kind::Allow);
  EXPECT_EQ(
      call(p, "seccomp", {SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC, 0})
          .action.kind,
      Kind::Deny);
}

// clone3's flags are in memory, where no filter sees CLONE_UNTRACED: both
// engines make glibc fall back to clone, whatever the policy says.
TEST(CompilerBuiltin, Clone3FallsBackInBothEngines) {
  for (Engine e : {Engine::Seccomp, Engine::Ptrace}) {
    Plan p = plan_of("default: allow\n", e);
    Decision d = call(p, "clone3");
    EXPECT_EQ(d.action, (Action{Kind::Deny, ENOSYS}));
    EXPECT_TRUE(d.rule->builtin);
    EXPECT_FALSE(d.log);  // a fallback, not a denial of the program's
    EXPECT_EQ(call_plan(p, "clone3").kernel, KernelVerdict::Trace);
    Plan explicit_allow = plan_of("default: kill\nrules:\n  - {syscalls: [clone3], action: allow}\n", e);
    EXPECT_EQ(call(explicit_allow, "clone3").action, (Action{Kind::Deny, ENOSYS}));
  }
}

// Writers of another process's memory are refused in every policy.
TEST(CompilerBuiltin, MemoryWritersAreRefused) {
  Plan p = plan_of("default: allow\nrules:\n  - {syscalls: [ptrace, process_vm_writev], action: allow}\n");
  EXPECT_EQ(call(p, "ptrace", {PTRACE_TRACEME}).action, (Action{Kind::Deny, EPERM}));
  EXPECT_EQ(call(p, "process_vm_writev", {1}).action, (Action{Kind::Deny, EPERM}));
  EXPECT_EQ(rule_name(call(p, "ptrace", {PTRACE_ATTACH})), "sysgate:no-ptrace");
  // Opens for writing carry a note: the descriptor is looked at in the exit stop.
  Decision w = call(p, "openat", {static_cast<std::uint64_t>(AT_FDCWD), 0, O_RDWR});
  EXPECT_EQ(w.action.kind, Kind::Allow);
  EXPECT_EQ(w.notes & Rule::kCheckOpenedFd, Rule::kCheckOpenedFd);
  EXPECT_EQ(call(p, "openat", {static_cast<std::uint64_t>(AT_FDCWD), 0, O_WRONLY | O_CREAT}).notes & Rule::kCheckOpenedFd,
            Rule::kCheckOpenedFd);
  EXPECT_EQ(call(p, "open", {0, O_WRONLY}).notes & Rule::kCheckOpenedFd, Rule::kCheckOpenedFd);
  EXPECT_EQ(call(p, "creat", {0, 0600}).notes & Rule::kCheckOpenedFd, Rule::kCheckOpenedFd);
  EXPECT_EQ(call(p, "openat", {static_cast<std::uint64_t>(AT_FDCWD), 0, O_RDONLY}).notes, 0);
  EXPECT_EQ(call(p, "open", {0, O_RDONLY | O_CLOEXEC}).notes, 0);
}

// The scratch region cannot be mapped over, unmapped, protected, advised or moved.
TEST(CompilerBuiltin, ScratchRegionIsGuarded) {
  Plan p = plan_of("default: allow\nfilesystem: {read: [\"/**\"]}\n");
  const std::uint64_t base = p.scratch.base, end = p.scratch.end();
  ASSERT_GE(base, 0x10000u);
  ASSERT_LE(end, 0x400000u);  // below where non-PIE executables load
  const Action eperm{Kind::Deny, EPERM};
  EXPECT_EQ(call(p, "mmap", {base, 4096, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS}).action, eperm);
  EXPECT_EQ(call(p, "mmap", {base, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS}).action, eperm);  // a hint
  EXPECT_EQ(call(p, "mmap", {0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS}).action.kind, Kind::Allow);
  EXPECT_EQ(call(p, "mmap", {end, 4096, PROT_READ, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS}).action.kind, Kind::Allow);
  EXPECT_EQ(call(p, "munmap", {base + 4096, 4096}).action, eperm);
  EXPECT_EQ(call(p, "munmap", {0, 1ull << 40}).action, eperm);
  EXPECT_EQ(call(p, "munmap", {0x7f0000000000, 4096}).action.kind, Kind::Allow);
  EXPECT_EQ(call(p, "mprotect", {base, 4096, PROT_READ | PROT_WRITE}).action, eperm);
  EXPECT_EQ(call(p, "pkey_mprotect", {base, 4096, PROT_READ | PROT_WRITE, 0}).action, eperm);
  EXPECT_EQ(call(p, "madvise", {base, 4096, MADV_DONTNEED}).action, eperm);
  EXPECT_EQ(call(p, "mremap", {base, 4096, 8192, MREMAP_MAYMOVE, 0}).action, eperm);
  EXPECT_EQ(call(p, "mremap", {0x7f0000000000, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, base}).action, eperm);
  EXPECT_EQ(call(p, "mremap", {0x7f0000000000, 4096, 8192, MREMAP_MAYMOVE, 0}).action.kind, Kind::Allow);
  EXPECT_EQ(call(p, "shmat", {1, base, 0}).action, eperm);
  EXPECT_EQ(call(p, "shmat", {1, 0, 0}).action.kind, Kind::Allow);
  // The filter decides the ordinary cases in the kernel.
  EXPECT_EQ(call_plan(p, "munmap").kernel, KernelVerdict::ByArgs);
  // With memory checks, nothing may fault the region's pages back to the program.
  EXPECT_EQ(call(p, "userfaultfd", {0}).action, eperm);
  EXPECT_EQ(call(p, "ioctl", {3, 0xaa00, 0}).action, eperm);
  EXPECT_EQ(call(p, "io_uring_setup", {8, 0}).action, eperm);
}

// --- argument widths and signs ---------------------------------------------------------------

// The kernel truncates an int argument to 32 bits: fd 0x100000005 is fd 5.
TEST(CompilerArgs, Int32ArgumentsCompareTheLowHalf) {
  Plan p = plan_of(
      "default: allow\n"
      "rules:\n"
      "  - {name: fd5, syscalls: [write], args: {fd: {eq: 5}}, action: {deny: EBADF}}\n"
      "  - {name: count5, syscalls: [read], args: {count: {eq: 5}}, action: {deny: EINVAL}}\n");
  const CallPlan& w = call_plan(p, "write");
  ASSERT_EQ(w.rules.size(), 1u);
  ASSERT_EQ(w.rules[0].tests.size(), 1u);
  EXPECT_TRUE(w.rules[0].tests[0].is32);
  EXPECT_TRUE(w.rules[0].tests[0].is_signed);
  EXPECT_EQ(w.rules[0].tests[0].index, 0);
  EXPECT_EQ(rule_name(call(p, "write", {5})), "fd5");
  EXPECT_EQ(rule_name(call(p, "write", {0x100000005ull})), "fd5");
  EXPECT_EQ(rule_name(call(p, "write", {0xffffffff00000005ull})), "fd5");
  EXPECT_EQ(call(p, "write", {6}).source, Src::Default);
  EXPECT_EQ(call(p, "write", {0x500000000ull}).source, Src::Default);
  // An unsigned long argument is compared whole.
  const CallPlan& r = call_plan(p, "read");
  EXPECT_FALSE(r.rules[0].tests[0].is32);
  EXPECT_EQ(r.rules[0].tests[0].index, 2);
  EXPECT_EQ(rule_name(call(p, "read", {0, 0, 5})), "count5");
  EXPECT_EQ(call(p, "read", {0, 0, 0x100000005ull}).source, Src::Default);
}

TEST(CompilerArgs, NegativeValuesOn32BitArgumentsAreTruncated) {
  Plan p = plan_of("default: allow\nrules:\n  - {syscalls: [close], args: {fd: {eq: -1}}, action: {deny: EBADF}}\n");
  const CompiledTest& t = call_plan(p, "close").rules[0].tests[0];
  ASSERT_EQ(t.values.size(), 1u);
  EXPECT_EQ(t.values[0], 0xffffffffull);
  EXPECT_EQ(call(p, "close", {0xffffffffull}).action.kind, Kind::Deny);
  EXPECT_EQ(call(p, "close", {~0ull}).action.kind, Kind::Deny);
  EXPECT_EQ(call(p, "close", {0xfffffffeull}).action.kind, Kind::Allow);
}

TEST(CompilerArgs, SignedComparisonsOnIntArguments) {
  Plan p = plan_of(
      "abi: [x86_64, i386]\n"
      "default: allow\n"
      "rules:\n"
      "  - {name: negative-fd, syscalls: [read], args: {fd: {lt: 0}}, action: {deny: EBADF}}\n"
      "  - {name: big-fd, syscalls: [write], args: {fd: {ge: 1000}}, action: {deny: EBADF}}\n"
      "  - {name: negative-offset, syscalls: [lseek], args: {offset: {lt: 0}}, action: {deny: EINVAL}}\n"
      "  - {name: high-mode, syscalls: [openat], args: {mode: {gt: 0x7fffffff}}, action: {deny: EINVAL}}\n");
  // int fd: -1 in any width is negative.
  EXPECT_EQ(rule_name(call(p, "read", {~0ull})), "negative-fd");
  EXPECT_EQ(rule_name(call(p, "read", {0xffffffffull})), "negative-fd");
  EXPECT_EQ(rule_name(call(p, "read", {0x80000000ull})), "negative-fd");
  EXPECT_EQ(call(p, "read", {0}).source, Src::Default);
  EXPECT_EQ(call(p, "read", {0x7fffffffull}).source, Src::Default);
  EXPECT_EQ(call(p, "read", {0x100000000ull}).source, Src::Default);  // fd 0
  EXPECT_EQ(call(p, "write", {0xffffffffull}).source, Src::Default);   // -1 < 1000
  EXPECT_EQ(rule_name(call(p, "write", {1000})), "big-fd");
  EXPECT_EQ(call(p, "write", {999}).source, Src::Default);
  // long offset: signed 64-bit.
  EXPECT_EQ(rule_name(call(p, "lseek", {3, ~0ull})), "negative-offset");
  EXPECT_EQ(rule_name(call(p, "lseek", {3, 0x8000000000000000ull})), "negative-offset");
  EXPECT_EQ(call(p, "lseek", {3, 0xffffffffull}).source, Src::Default);  // 4 GiB - 1, positive
  EXPECT_EQ(call(p, "lseek", {3, 0}).source, Src::Default);
  // unsigned int mode: unsigned.
  EXPECT_EQ(rule_name(call(p, "openat", {0, 0, 0, 0x80000000ull})), "high-mode");
  EXPECT_EQ(call(p, "openat", {0, 0, 0, 0x7fffffffull}).source, Src::Default);

  // On i386 every argument is 32 bits: a long offset of 0xffffffff is -1.
  const CallPlan& l386 = call_plan(p, "lseek", Abi::I386);
  ASSERT_EQ(l386.rules.size(), 1u);
  EXPECT_TRUE(l386.rules[0].tests[0].is32);
  EXPECT_TRUE(l386.rules[0].tests[0].is_signed);
  EXPECT_EQ(rule_name(call(p, "lseek", {3, 0xffffffffull}, Abi::I386)), "negative-offset");
  EXPECT_EQ(call(p, "lseek", {3, 0x7fffffffull}, Abi::I386).source, Src::Default);
  EXPECT_EQ(rule_name(call(p, "read", {0xffffffffull}, Abi::I386)), "negative-fd");
  const CallPlan& r386 = call_plan(p, "read", Abi::I386);
  EXPECT_TRUE(r386.rules[0].tests[0].is32);
}

TEST(CompilerArgs, EveryOperator) {
  Plan p = plan_of(
      "default: allow\n"
      "rules:\n"
      "  - {name: ne, syscalls: [dup], args: {oldfd: {ne: 3}}, action: {deny: EPERM}}\n"
      "  - {name: le, syscalls: [dup2], args: {newfd: {le: 10}}, action: {deny: EPERM}}\n"
      "  - {name: gt, syscalls: [close], args: {fd: {gt: 10}}, action: {deny: EPERM}}\n"
      "  - {name: in, syscalls: [fsync], args: {fd: {in: [4, 6, 8]}}, action: {deny: EPERM}}\n"
      "  - {name: not_in, syscalls: [fdatasync], args: {fd: {not_in: [4, 6]}}, action: {deny: EPERM}}\n"
      "  - {name: all, syscalls: [mmap], args: {prot: {all: [PROT_WRITE, PROT_EXEC]}}, action: {deny: EPERM}}\n"
      "  - {name: any, syscalls: [mprotect], args: {prot: {any: [PROT_WRITE, PROT_EXEC]}}, action: {deny: EPERM}}\n"
      "  - {name: none, syscalls: [openat], args: {flags: {none: [O_CLOEXEC]}}, action: {deny: EPERM}}\n"
      "  - {name: accmode, syscalls: [open], args: {flags: {accmode: [O_WRONLY, O_RDWR]}}, action: {deny: EROFS}}\n");
  auto hit = [&](const std::string& name, std::initializer_list<std::uint64_t> a) {
    return call(p, name, a).action.kind == Kind::Deny;
  };
  EXPECT_TRUE(hit("dup", {4}));
  EXPECT_FALSE(hit("dup", {3}));
  EXPECT_FALSE(hit("dup", {0x100000003ull}));  // still fd 3
  EXPECT_TRUE(hit("dup2", {0, 10}));
  EXPECT_FALSE(hit("dup2", {0, 11}));
  EXPECT_TRUE(hit("dup2", {0, 0xffffffffull}));  // -1 <= 10
  EXPECT_TRUE(hit("close", {11}));
  EXPECT_FALSE(hit("close", {10}));
  EXPECT_TRUE(hit("fsync", {6}));
  EXPECT_FALSE(hit("fsync", {5}));
  EXPECT_TRUE(hit("fdatasync", {5}));
  EXPECT_FALSE(hit("fdatasync", {4}));
  EXPECT_TRUE(hit("mmap", {0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC}));
  EXPECT_FALSE(hit("mmap", {0, 4096, PROT_READ | PROT_WRITE}));
  EXPECT_TRUE(hit("mprotect", {0x7f0000000000, 4096, PROT_EXEC}));
  EXPECT_FALSE(hit("mprotect", {0x7f0000000000, 4096, PROT_READ}));
  EXPECT_TRUE(hit("openat", {0, 0, O_RDONLY}));
  EXPECT_FALSE(hit("openat", {0, 0, O_RDONLY | O_CLOEXEC}));
  EXPECT_TRUE(hit("open", {0, O_WRONLY | O_CREAT}));
  EXPECT_TRUE(hit("open", {0, O_RDWR}));
  EXPECT_FALSE(hit("open", {0, O_RDONLY | O_CREAT}));
  EXPECT_FALSE(hit("open", {0, O_ACCMODE}));  // 3 is not a valid access mode, and not in the list
}

// BUG: on i386 every argument is 32 bits, and the compiler truncates the rule's
// value to 32 bits too, so a 64-bit value (legal for a `long` argument, which
// the loader checks against the x86_64 width only) turns into another value:
// `offset: {eq: 0x100000000}` matches offset 0 on i386, and `ne 0x100000000`
// fails to match it. No i386 call can carry 0x100000000, so `eq` should never
// match there and `ne` always. compiler.cpp plan_call(): for a 32-bit ABI, a
// value that fits neither uint32 nor int32 must not be truncated (treat eq/in
// members as impossible, ne/not_in as always true, orderings by comparing the
// sign-extended argument with the full value), or the loader must reject such a
// value when the policy allows i386.
TEST(CompilerArgs, I386DoesNotTruncateAWideValueIntoAnother) {
  Plan p = plan_of(
      "abi: [x86_64, i386]\n"
      "default: allow\n"
      "rules:\n"
      "  - {name: four-gib, syscalls: [lseek], args: {offset: {eq: 0x100000000}}, action: kill}\n");
  EXPECT_EQ(rule_name(call(p, "lseek", {3, 0x100000000ull})), "four-gib");
  EXPECT_EQ(call(p, "lseek", {3, 0}).source, Src::Default);
  EXPECT_EQ(call(p, "lseek", {3, 0}, Abi::I386).source, Src::Default) << "offset 0 killed on i386";
}

TEST(CompilerArgs, PositionalArgumentsOfCallsNamedByNumber) {
  const long named = arch::abi_info(Abi::X86_64).highest_nr + 3;
  Plan p = plan_of("default: allow\nrules:\n  - {syscalls: [{nr: " + std::to_string(named) +
                   "}], args: {arg1: {eq: 0x100000007}}, action: {deny: EPERM}}\n");
  const CallPlan& c = p.abi(Abi::X86_64)->extra.at(named);
  ASSERT_EQ(c.rules.size(), 1u);
  EXPECT_FALSE(c.rules[0].tests[0].is32);  // unknown calls take whole words
  std::uint64_t a[6] = {0, 0x100000007ull, 0, 0, 0, 0};
  EXPECT_EQ(decide(p, Abi::X86_64, named, a).action.kind, Kind::Deny);
  a[1] = 7;
  EXPECT_EQ(decide(p, Abi::X86_64, named, a).action.kind, Kind::Allow);
  EXPECT_EQ(c.kernel, KernelVerdict::ByArgs);
}

TEST(CompilerPlan, DensePerAbiTables) {
  Plan p = plan_of("abi: [x86_64, i386, x32]\ndefault: allow\n");
  for (Abi a : arch::all_abis()) {
    const AbiPlan* ap = p.abi(a);
    ASSERT_NE(ap, nullptr);
    const auto& info = arch::abi_info(a);
    EXPECT_EQ(ap->first_nr, static_cast<long>(info.nr_base));
    EXPECT_EQ(ap->highest_nr, info.highest_nr);
    ASSERT_EQ(ap->calls.size(), static_cast<std::size_t>(ap->highest_nr - ap->first_nr + 1));
    for (long nr = ap->first_nr; nr <= ap->highest_nr; ++nr) {
      const CallPlan* c = ap->find(nr);
      ASSERT_NE(c, nullptr);
      EXPECT_EQ(c->nr, nr);
      EXPECT_EQ(c->name, arch::syscall_name(a, nr));
    }
    EXPECT_EQ(ap->find(ap->first_nr - 1), nullptr);
    EXPECT_EQ(ap->find(ap->highest_nr + 1), nullptr);
  }
  EXPECT_EQ(p.policy.rules.size(), 0u);
  auto names = [](const Plan& plan) {
    std::set<std::string> out;
    for (const auto& r : plan.builtin_rules) {
      EXPECT_TRUE(r.builtin) << r.name;
      out.insert(r.name);
    }
    return out;
  };
  auto seccomp = names(p);
  EXPECT_EQ(seccomp.count("sysgate:no-untraced-clone"), 1u);
  EXPECT_EQ(seccomp.count("sysgate:no-seccomp-listener"), 1u);
  EXPECT_EQ(seccomp.count("sysgate:clone3-falls-back"), 1u);
  EXPECT_EQ(seccomp.count("sysgate:no-ptrace"), 1u);
  EXPECT_EQ(seccomp.count("sysgate:no-userfaultfd"), 0u);  // no memory checks in this policy
  auto ptrace = names(plan_of("default: allow\n", Engine::Ptrace));
  EXPECT_EQ(ptrace, seccomp);
}

// `view: true`: the kernel answers stat-like calls in the view, every other
// path call stops; not in audit mode, with a private /tmp or an access report.
TEST(CompilerSections, ViewAnswersStatLikeCallsInTheKernel) {
  const std::string fs = "default: allow\nfilesystem: {view: true, read: [\"/usr/**\"]}\n";
  Plan p = plan_of(fs);
  EXPECT_TRUE(p.filesystem.view_answers_stat);
  for (const char* name : {"stat", "lstat", "newfstatat", "statx", "readlink", "readlinkat", "statfs", "chdir"})
    EXPECT_EQ(call_plan(p, name).kernel, KernelVerdict::Allow) << name;
  for (const char* name : {"openat", "open", "access", "faccessat2", "execve", "getxattr", "unlink", "mkdir"})
    EXPECT_EQ(call_plan(p, name).kernel, KernelVerdict::Trace) << name;
  EXPECT_EQ(call_plan(plan_of(fs, Engine::Ptrace), "newfstatat").kernel, KernelVerdict::Allow);
  Plan without = plan_of("default: allow\nfilesystem: {read: [\"/usr/**\"]}\n");
  EXPECT_EQ(call_plan(without, "newfstatat").kernel, KernelVerdict::Trace);
  Plan audit = plan_of("mode: audit\n" + fs);
  EXPECT_EQ(call_plan(audit, "newfstatat").kernel, KernelVerdict::Trace);
  Policy every = load(fs);
  every.filesystem.every_call_stops = true;
  EXPECT_EQ(call_plan(compile(std::move(every), Engine::Seccomp), "readlink").kernel, KernelVerdict::Trace);
  Policy tmp = load(fs);
  tmp.tmp_redirects.emplace_back("/tmp", "/run/x/tmp");
  EXPECT_FALSE(compile(std::move(tmp), Engine::Seccomp).filesystem.view_answers_stat);
}

// The section decides what no rule does, and the view is its answer to a
// stat-like call: allowed whatever the default, while a rule naming the call
// still comes first.
TEST(CompilerSections, ViewAnswersStatLikeCallsWhateverTheDefault) {
  for (const char* deflt : {"kill", "{deny: EACCES}"}) {
    const std::string fs = std::string("default: ") + deflt +
                           "\nrules: [{syscalls: [lstat], action: {deny: EPERM}}]\n"
                           "filesystem: {view: true, read: [\"/usr/**\"]}\n";
    for (Engine engine : {Engine::Seccomp, Engine::Ptrace}) {
      Plan p = plan_of(fs, engine);
      for (const char* name : {"stat", "newfstatat", "statx", "readlink", "chdir"}) {
        EXPECT_EQ(call_plan(p, name).kernel, KernelVerdict::Allow) << deflt << " " << name;
        Decision d = call(p, name);
        EXPECT_EQ(d.action.kind, Action::Kind::Allow) << deflt << " " << name;
        EXPECT_FALSE(d.log) << name;
      }
      Decision named = call(p, "lstat");  // a rule comes first
      EXPECT_EQ(named.action.kind, Action::Kind::Deny);
      EXPECT_EQ(named.action.error, EPERM);
      EXPECT_EQ(call_plan(p, "openat").kernel, KernelVerdict::Trace);
      EXPECT_NE(call_plan(p, "getppid").kernel, KernelVerdict::Allow) << deflt;
    }
  }
}

}  // namespace
}  // namespace sysgate::compile
