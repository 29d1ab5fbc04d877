// The compiled plan: for every (ABI, syscall number) the candidate rules in
// decision order with their tests normalised to what the kernel compares, and
// whether the kernel can decide alone. The BPF filter and the user-space
// decision are both read off this one structure, so they cannot disagree.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "arch/syscall_table.hpp"
#include "sysgate/decision.hpp"
#include "sysgate/policy.hpp"

namespace sysgate::compile {

enum class Engine : std::uint8_t { Seccomp, Ptrace };

// One argument test as the kernel sees the argument: 32-bit arguments (and all
// arguments of a 32-bit ABI) compare their low half only.
struct CompiledTest {
  int index = 0;
  bool is32 = false;
  bool is_signed = false;
  ArgTest::Op op = ArgTest::Op::Eq;
  std::vector<std::uint64_t> values;  // truncated to 32 bits when is32
  bool holds(std::uint64_t arg) const;
};

struct CompiledRule {
  const Rule* rule = nullptr;
  std::vector<CompiledTest> tests;  // all must hold; empty matches always
};

enum class KernelVerdict : std::uint8_t {
  Allow,   // SECCOMP_RET_ALLOW: never stops
  Trace,   // SECCOMP_RET_TRACE: always stops
  Errno,   // SECCOMP_RET_ERRNO: only for numbers nothing knows
  ByArgs,  // BPF tests the arguments, then allows or traces
};

struct CallPlan {
  long nr = -1;
  std::string name;  // empty for a number no ABI table names
  const arch::SyscallSpec* spec = nullptr;
  std::vector<CompiledRule> rules;  // candidates in order; rules after an unconditional one are dropped
  KernelVerdict kernel = KernelVerdict::Trace;
  int kernel_errno = 0;
};

struct AbiPlan {
  Abi abi{};
  bool allowed = false;         // listed in the policy's `abi`
  long first_nr = 0;            // nr_base of the ABI
  long highest_nr = -1;         // the dense range is first_nr..highest_nr
  std::vector<CallPlan> calls;  // dense, index nr - first_nr
  std::map<long, CallPlan> extra;  // numbers above highest_nr the policy names
  const CallPlan* find(long nr) const;
};

// Rules are referred to by address, so a plan moves but is never copied.
struct Plan {
  Plan() = default;
  Plan(Plan&&) = default;
  Plan& operator=(Plan&&) = default;
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;

  Policy policy;
  Engine engine = Engine::Seccomp;
  std::vector<Rule> builtin_rules;  // sysgate's own, decided before the policy's
  std::vector<AbiPlan> abis;        // every ABI the host can run, allowed or not
  const AbiPlan* abi(Abi a) const;
};

// The tag our filter puts in SECCOMP_RET_DATA, so a TRACE stop from the program's
// own filter can be told apart.
constexpr std::uint16_t kTraceTag = 0x5347;

Plan compile(Policy policy, Engine engine);

// The decision for one call, as the filter plus the supervisor make it.
Decision decide(const Plan& plan, Abi abi, long nr, const std::uint64_t args[6]);

}  // namespace sysgate::compile
