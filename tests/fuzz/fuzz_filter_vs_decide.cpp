// Differential: the seccomp filter against compile::decide().
//
// The input bytes become a random but valid policy (FuzzedDataProvider):
// rules over syscalls of the table (names, %groups, "*", {nr: N}), scalar
// argument tests with every operator the compiler supports (named and argN,
// 32- and 64-bit, signed and unsigned, values around the 32-bit boundaries),
// a few path and socket-address tests (which the filter must leave to user
// space), actions allow / log / kill / {deny: E} / {return: N} / rewrite,
// `log: true` and `when`, filesystem and network sections, a default action
// and an `abi` list. It is written as YAML and loaded by the real loader, then
// compiled by the real compiler; the filter is run for random calls (ABI or
// unknown arch, syscall number, six arguments) in the unit tests' BPF
// interpreter (tests/bpf_interpreter.hpp).
//
// What must agree (docs/architecture.md, "Why the filter and the supervisor
// cannot disagree"): the filter decides alone only when the outcome needs no
// user space; everything else it returns as TRACE and the supervisor runs
// decide() over the same plan. So:
//   filter ALLOW            => decide() allows, without a log line, a note,
//                              an edit, a redirect, a schedule or a delay
//                              (whatever the memory and schedules would say:
//                              decide() gets no memory and a fresh schedule)
//   filter ERRNO(ENOSYS)    => decide(): a number no table knows, ENOSYS
//   filter TRACE            => tagged with kTraceTag; and, as the unit tests
//                              require, not a call decide() would allow
//                              silently when nothing about it depends on
//                              memory, a `when` or a rewrite (a needless stop)
//   anything else (KILL, TRAP, LOG, an untagged TRACE, an interpreter error)
//                           => a bug.
// Any disagreement is __builtin_trap() with the policy and the call printed.
#include <fuzzer/FuzzedDataProvider.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "arch/abi.hpp"
#include "arch/syscall_args.hpp"
#include "arch/syscall_table.hpp"
#include "bpf_interpreter.hpp"
#include "compile/bpf_filter.hpp"
#include "compile/plan.hpp"
#include "policy/loader.hpp"
#include "sysgate/diagnostic.hpp"

namespace sc = sysgate::compile;
using sysgate::Abi;
using sysgate::Action;
using sysgate::Decision;

namespace {

constexpr std::uint32_t kRetTrace = SECCOMP_RET_TRACE | sc::kTraceTag;
constexpr std::uint32_t kRetEnosys = SECCOMP_RET_ERRNO | ENOSYS;

// Values around every boundary the filter's comparisons have.
const std::uint64_t kInteresting[] = {0,
                                      1,
                                      2,
                                      3,
                                      4,
                                      0x7f,
                                      0x80,
                                      0xff,
                                      0x7fffffff,
                                      0x80000000,
                                      0x80000001,
                                      0xfffffffe,
                                      0xffffffff,
                                      0x100000000,
                                      0x100000001,
                                      0x1ffffffff,
                                      0x7fffffffffffffff,
                                      0x8000000000000000,
                                      0xffffffff00000000,
                                      0xffffffff7fffffff,
                                      0xffffffff80000000,
                                      0xfffffffffffffffe,
                                      0xffffffffffffffff,
                                      static_cast<std::uint64_t>(-100)};

std::string num(std::int64_t v, bool hex) {
  if (hex && v >= 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
  }
  return std::to_string(v);
}

struct Gen {
  FuzzedDataProvider& fdp;
  std::vector<std::uint64_t> values;  // every value written, for the calls
  std::vector<long> numbers;          // syscall numbers the policy names
  std::vector<std::string> names;

  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[fdp.ConsumeIntegralInRange<std::size_t>(0, v.size() - 1)]; }

  std::int64_t value(bool is32) {
    std::uint64_t u;
    switch (fdp.ConsumeIntegralInRange(0, 3)) {
      case 0: u = kInteresting[fdp.ConsumeIntegralInRange<std::size_t>(0, std::size(kInteresting) - 1)]; break;
      case 1: u = fdp.ConsumeIntegralInRange<std::uint64_t>(0, 70); break;
      case 2: u = static_cast<std::uint64_t>(fdp.ConsumeIntegralInRange<std::int64_t>(-70, -1)); break;
      default: u = fdp.ConsumeIntegral<std::uint64_t>(); break;
    }
    auto v = static_cast<std::int64_t>(u);
    if (is32 && (v > 0xffffffffLL || v < INT32_MIN)) v = static_cast<std::int32_t>(u);  // what the loader accepts
    values.push_back(static_cast<std::uint64_t>(v));
    return v;
  }

  std::string bit(bool is32) {
    int b = fdp.ConsumeIntegralInRange(0, is32 ? 31 : 63);
    std::uint64_t v = 1ull << b;
    values.push_back(v);
    return num(static_cast<std::int64_t>(v), true);
  }

  // The syscalls of one rule, and the table entries its argument names must hold for.
  std::string selectors(std::vector<const sysgate::arch::SyscallSpec*>& specs) {
    static const std::vector<std::string> groups = {"%file", "%network", "%process", "%signal", "%ipc", "%memory",
                                                    "%creds", "%clock", "%desc", "%stat", "%pure"};
    const auto table = sysgate::arch::all_syscalls();
    std::string out = "[";
    int n = fdp.ConsumeIntegralInRange(1, 3);
    for (int i = 0; i < n; ++i) {
      if (i) out += ", ";
      switch (fdp.ConsumeIntegralInRange(0, 9)) {
        case 0: {
          const std::string g = pick(groups);
          out += "\"" + g + "\"";
          std::uint32_t bit = 0;
          for (const auto& gn : sysgate::arch::all_groups())
            if (gn.name == g.substr(1)) bit = gn.bit;
          for (const auto& s : table)
            if ((s.groups & bit) != 0) specs.push_back(&s);
          break;
        }
        case 1:
          out += "\"*\"";
          for (const auto& s : table) specs.push_back(&s);
          break;
        case 2: {
          long nr = fdp.ConsumeBool() ? fdp.ConsumeIntegralInRange<long>(0, 520)
                                      : fdp.ConsumeIntegralInRange<long>(0, 0x7fffffff);
          if (fdp.ConsumeBool()) nr |= 0x40000000;  // an x32 number
          nr &= 0x7fffffff;
          numbers.push_back(nr);
          out += "{nr: " + std::to_string(nr) + "}";
          specs.push_back(nullptr);
          break;
        }
        default: {
          const auto& s = table[fdp.ConsumeIntegralInRange<std::size_t>(0, table.size() - 1)];
          out += std::string(s.name);
          names.emplace_back(s.name);
          specs.push_back(&s);
        }
      }
    }
    return out + "]";
  }

  // An argument test valid for every call in `specs`, or "" when none fits.
  std::string arg_test(const std::vector<const sysgate::arch::SyscallSpec*>& specs) {
    // Named (from the first described call) or positional.
    std::string arg;
    int position = -1;
    const sysgate::arch::SyscallSpec* first = nullptr;
    for (const auto* s : specs)
      if (s != nullptr && first == nullptr) first = s;
    if (first != nullptr && first->nargs > 0 && fdp.ConsumeBool()) {
      arg = std::string(first->args[fdp.ConsumeIntegralInRange<int>(0, first->nargs - 1)].name);
    } else {
      position = fdp.ConsumeIntegralInRange(0, 5);
      arg = "arg" + std::to_string(position);
    }
    int paths = 0, addrs = 0, strings = 0, others = 0;
    bool is32 = false;
    for (const auto* s : specs) {
      auto r = sysgate::arch::resolve_arg(s, arg, position);
      if (!r) return "";
      if (r->kind == sysgate::arch::ArgKind::Path) ++paths;
      else if (r->kind == sysgate::arch::ArgKind::SockAddr) ++addrs;
      else if (r->kind == sysgate::arch::ArgKind::String) ++strings;
      else ++others;
      is32 = is32 || sysgate::arch::is_32bit(r->kind);
    }
    if (strings > 0 || (paths > 0) + (addrs > 0) + (others > 0) > 1) return "";
    if (paths > 0) {
      static const std::vector<std::string> pats = {"/tmp", "/etc/passwd", "/usr/**", "/nonexistent/x", "/"};
      static const std::vector<std::string> ops = {"eq", "prefix", "glob"};
      return arg + ": {" + pick(ops) + ": \"" + pick(pats) + "\"}";
    }
    if (addrs > 0) {
      static const std::vector<std::string> pats = {"loopback", "unix", "127.0.0.1:80", "[::1]:*", "10.0.0.0/8:1-9"};
      return arg + ": {" + std::string(fdp.ConsumeBool() ? "in" : "not_in") + ": [\"" + pick(pats) + "\"]}";
    }
    static const char* const ops[] = {"eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "all", "any", "none", "accmode"};
    const std::string op = ops[fdp.ConsumeIntegralInRange<std::size_t>(0, std::size(ops) - 1)];
    std::string body;
    if (op == "in" || op == "not_in") {
      int n = fdp.ConsumeIntegralInRange(1, 4);
      for (int i = 0; i < n; ++i) body += (i ? ", " : "") + num(value(is32), fdp.ConsumeBool());
      body = "[" + body + "]";
    } else if (op == "all" || op == "any" || op == "none") {
      int n = fdp.ConsumeIntegralInRange(1, 3);
      for (int i = 0; i < n; ++i) body += (i ? ", " : "") + bit(is32);
      body = "[" + body + "]";
    } else if (op == "accmode") {
      static const char* const modes[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "3"};
      int n = fdp.ConsumeIntegralInRange(1, 2);
      for (int i = 0; i < n; ++i) {
        int m = fdp.ConsumeIntegralInRange(0, 3);
        body += (i ? ", " : "") + std::string(modes[m]);
        values.push_back(static_cast<std::uint64_t>(m));
      }
      body = "[" + body + "]";
    } else {
      body = num(value(is32), fdp.ConsumeBool());
    }
    return arg + ": {" + op + ": " + body + "}";
  }

  std::string action(const std::vector<const sysgate::arch::SyscallSpec*>& specs, bool& ok) {
    static const char* const errnos[] = {"EPERM", "EACCES", "ENOSYS", "EINVAL", "1", "4095"};
    switch (fdp.ConsumeIntegralInRange(0, 9)) {
      case 0:
      case 1:
      case 2: return "allow";
      case 3: return "log";
      case 4: return "kill";
      case 5:
      case 6: return std::string("{deny: ") + errnos[fdp.ConsumeIntegralInRange(0, 5)] + "}";
      case 7: return "{return: " + std::to_string(fdp.ConsumeIntegralInRange<std::int64_t>(-4095, 100)) + "}";
      case 8: {
        // rewrite a scalar argument every call has (positional: unsigned words for numbered calls).
        int position = fdp.ConsumeIntegralInRange(0, 5);
        std::string arg = "arg" + std::to_string(position);
        bool is32 = false;
        for (const auto* s : specs) {
          auto r = sysgate::arch::resolve_arg(s, arg, position);
          if (!r || sysgate::arch::is_pointer(r->kind)) {
            ok = false;
            return "allow";
          }
          is32 = is32 || sysgate::arch::is_32bit(r->kind);
        }
        static const char* const eops[] = {"set", "clear", "max", "min"};
        const char* eop = eops[fdp.ConsumeIntegralInRange(0, 3)];
        std::string v = std::string(eop) == "set" || std::string(eop) == "clear" ? "[" + bit(is32) + "]"
                                                                                  : num(value(is32), true);
        if (fdp.ConsumeBool()) return "{rewrite: {" + arg + ": " + num(value(is32), true) + "}}";
        return "{rewrite: {" + arg + ": {" + eop + ": " + v + "}}}";
      }
      default: return "{deny: EPERM, delay: 1ms}";
    }
  }

  std::string policy() {
    static const char* const abis[] = {"[x86_64]", "[x86_64, i386]", "[x86_64, x32]", "[x86_64, i386, x32]", "[i386]",
                                       "[x32]"};
    static const char* const defaults[] = {"allow", "kill", "log", "{deny: EACCES}", "{deny: EPERM}"};
    std::string y = "version: 1\n";
    y += std::string("abi: ") + abis[fdp.ConsumeIntegralInRange(0, 5)] + "\n";
    y += std::string("default: ") + defaults[fdp.ConsumeIntegralInRange(0, 4)] + "\n";
    if (fdp.ConsumeIntegralInRange(0, 5) == 0) y += "filesystem: {read: [\"/usr/**\"], write: [\"/tmp/**\"]}\n";
    if (fdp.ConsumeIntegralInRange(0, 5) == 0) y += "network: {allow: [loopback]}\n";
    const int rules = fdp.ConsumeIntegralInRange(0, 12);
    if (rules > 0) y += "rules:\n";
    for (int i = 0; i < rules; ++i) {
      std::vector<const sysgate::arch::SyscallSpec*> specs;
      std::string sel = selectors(specs);
      std::string args;
      const int tests = fdp.ConsumeIntegralInRange(0, 3);
      std::set<std::string> used;
      for (int k = 0; k < tests; ++k) {
        std::string t = arg_test(specs);
        if (t.empty()) continue;
        std::string key = t.substr(0, t.find(':'));
        if (!used.insert(key).second) continue;  // one mapping key per argument
        args += (args.empty() ? "" : ", ") + t;
      }
      bool ok = true;
      std::string act = action(specs, ok);
      y += "  - {syscalls: " + sel;
      if (!args.empty()) y += ", args: {" + args + "}";
      y += ", action: " + act;
      if (fdp.ConsumeIntegralInRange(0, 7) == 0) y += ", log: true";
      if (fdp.ConsumeIntegralInRange(0, 9) == 0) y += ", when: {nth: " + std::to_string(fdp.ConsumeIntegralInRange(1, 3)) + "}";
      y += "}\n";
    }
    return y;
  }
};

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

[[noreturn]] void disagree(const std::string& yaml, std::uint32_t arch, std::uint32_t nr, const std::uint64_t a[6],
                           std::uint32_t ret, const std::string& what) {
  std::fprintf(stderr, "fuzz_filter_vs_decide: %s\n  call: arch %s nr %s args {%s, %s, %s, %s, %s, %s}\n  filter: %s\n"
               "  policy:\n%s\n",
               what.c_str(), hex(arch).c_str(), hex(nr).c_str(), hex(a[0]).c_str(), hex(a[1]).c_str(), hex(a[2]).c_str(),
               hex(a[3]).c_str(), hex(a[4]).c_str(), hex(a[5]).c_str(), hex(ret).c_str(), yaml.c_str());
  __builtin_trap();
}

std::string describe(const Decision& d) {
  return std::string(sysgate::to_string(d.action.kind)) + " errno " + std::to_string(d.action.error) + " (" + d.reason() +
         (d.log ? ", logged" : "") + ")";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  Gen gen{fdp, {}, {}, {}};
  const std::string yaml = gen.policy();
  sysgate::Policy policy;
  try {
    policy = sysgate::policy::load_text(yaml, "fuzz.yaml", sysgate::policy::LoadOptions{"/box"});
  } catch (const sysgate::InputError& e) {
    // The generator writes policies the loader should take; a refusal is a
    // generator gap, not a finding: print it when asked (SYSGATE_FUZZ_VERBOSE).
    if (std::getenv("SYSGATE_FUZZ_VERBOSE") != nullptr)
      std::fprintf(stderr, "refused:\n%s%s\n", yaml.c_str(), e.diagnostics().front().str().c_str());
    return -1;  // not added to the corpus
  }
  const sc::Plan plan = sc::compile(std::move(policy), sc::Engine::Seccomp);
  std::vector<sock_filter> prog;
  try {
    prog = sc::build_filter(plan);
  } catch (const std::runtime_error& e) {
    if (std::strstr(e.what(), "longer than the kernel allows") != nullptr) return 0;
    throw;
  }
  if (std::string problem = sysgate::testing::check_bpf(prog); !problem.empty()) {
    std::fprintf(stderr, "fuzz_filter_vs_decide: invalid filter: %s\n%s\n", problem.c_str(), yaml.c_str());
    __builtin_trap();
  }

  // The numbers the policy names (in every ABI), and their neighbours.
  std::vector<std::int64_t> numbers;
  for (const auto& n : gen.names)
    for (Abi abi : sysgate::arch::all_abis())
      if (int nr = sysgate::arch::syscall_number(abi, n); nr >= 0) numbers.push_back(nr);
  for (long n : gen.numbers) numbers.push_back(n);
  const auto abis = sysgate::arch::all_abis();

  const int calls = fdp.ConsumeIntegralInRange(1, 48);
  for (int c = 0; c < calls && fdp.remaining_bytes() > 0; ++c) {
    // The architecture: one of ours (x86_64 carries x32 by __X32_SYSCALL_BIT), or another.
    std::uint32_t arch;
    const int which = fdp.ConsumeIntegralInRange(0, 15);
    if (which == 0) arch = fdp.ConsumeBool() ? AUDIT_ARCH_AARCH64 : fdp.ConsumeIntegral<std::uint32_t>();
    else arch = sysgate::arch::abi_info(abis[static_cast<std::size_t>(which) % abis.size()]).audit_arch;
    std::uint32_t nr;
    switch (fdp.ConsumeIntegralInRange(0, 5)) {
      case 0:
      case 1:
        nr = numbers.empty() ? fdp.ConsumeIntegralInRange<std::uint32_t>(0, 460)
                             : static_cast<std::uint32_t>(numbers[fdp.ConsumeIntegralInRange<std::size_t>(0, numbers.size() - 1)]);
        nr += static_cast<std::uint32_t>(fdp.ConsumeIntegralInRange(-1, 1));
        break;
      case 2: nr = fdp.ConsumeIntegralInRange<std::uint32_t>(0, 460) | (fdp.ConsumeBool() ? 0x40000000u : 0); break;
      case 3: nr = fdp.ConsumeIntegral<std::uint32_t>(); break;
      default: {
        const auto table = sysgate::arch::all_syscalls();
        const auto& s = table[fdp.ConsumeIntegralInRange<std::size_t>(0, table.size() - 1)];
        int n = sysgate::arch::syscall_number(abis[fdp.ConsumeIntegralInRange<std::size_t>(0, abis.size() - 1)], s.name);
        nr = n >= 0 ? static_cast<std::uint32_t>(n) : 0;
      }
    }
    std::uint64_t args[6];
    for (auto& a : args) {
      switch (fdp.ConsumeIntegralInRange(0, 4)) {
        case 0:
        case 1:
          if (!gen.values.empty()) {
            std::uint64_t v = gen.values[fdp.ConsumeIntegralInRange<std::size_t>(0, gen.values.size() - 1)];
            switch (fdp.ConsumeIntegralInRange(0, 5)) {
              case 0: v += 1; break;
              case 1: v -= 1; break;
              case 2: v &= 0xffffffffu; break;
              case 3: v |= 0xffffffff00000000ull; break;
              case 4: v ^= 1ull << fdp.ConsumeIntegralInRange(0, 63); break;
              default: break;
            }
            a = v;
            break;
          }
          [[fallthrough]];
        case 2: a = kInteresting[fdp.ConsumeIntegralInRange<std::size_t>(0, std::size(kInteresting) - 1)]; break;
        case 3: a = fdp.ConsumeIntegralInRange<std::uint64_t>(0, 64); break;
        default: a = fdp.ConsumeIntegral<std::uint64_t>(); break;
      }
    }

    std::uint32_t ret = 0;
    try {
      ret = sysgate::testing::run_bpf(prog, sysgate::testing::make_data(arch, static_cast<std::int32_t>(nr), args)).ret;
    } catch (const std::exception& e) {
      disagree(yaml, arch, nr, args, 0, std::string("the interpreter refused the filter: ") + e.what());
    }
    const std::uint32_t action = ret & SECCOMP_RET_ACTION_FULL;
    const auto abi = sysgate::arch::abi_of_call(arch, nr);
    if (!abi) {
      if (ret != kRetTrace) disagree(yaml, arch, nr, args, ret, "a call of an unknown architecture is not traced");
      continue;
    }
    const sc::AbiPlan* ap = plan.abi(*abi);
    const sc::CallPlan* cp = ap != nullptr ? ap->find(static_cast<long>(nr)) : nullptr;
    sc::ScheduleState schedules(42);
    const Decision d = sc::decide(plan, *abi, static_cast<long>(nr), args, nullptr, &schedules, 1);

    if (action == SECCOMP_RET_ALLOW) {
      if (d.action.kind != Action::Kind::Allow || d.log || d.notes != 0 || !d.edits.empty() || !d.redirects.empty() ||
          !d.fired.empty() || d.delay_s != 0)
        disagree(yaml, arch, nr, args, ret, "the filter allows alone; decide(): " + describe(d));
    } else if (action == SECCOMP_RET_ERRNO) {
      if (ret != kRetEnosys || d.source != Decision::Source::UnknownNumber || d.action.kind != Action::Kind::Deny ||
          d.action.error != ENOSYS)
        disagree(yaml, arch, nr, args, ret, "the filter fails the call with an errno; decide(): " + describe(d));
    } else if (action == SECCOMP_RET_TRACE) {
      if (ret != kRetTrace) disagree(yaml, arch, nr, args, ret, "a TRACE without sysgate's tag");
      if (d.source == Decision::Source::UnknownNumber)
        disagree(yaml, arch, nr, args, ret, "an unknown number is traced, not failed with ENOSYS in the kernel");
      // A needless stop: nothing about the call depends on memory or a schedule, and decide() allows it silently.
      bool scheduled = false;
      if (cp != nullptr)
        for (const auto& cr : cp->rules)  // a `when`, or an edit that may leave the value as it was
          scheduled = scheduled || cr.rule->when.has_value() || cr.rule->action.passes_on();
      const sysgate::Decision plain = sc::decide(plan, *abi, static_cast<long>(nr), args);
      if (cp != nullptr && !cp->reads_memory && !scheduled && plain.action.kind == Action::Kind::Allow && !plain.log &&
          plain.notes == 0 && plain.edits.empty() && plain.delay_s == 0)
        disagree(yaml, arch, nr, args, ret, "the filter traces a call decide() allows silently: " + describe(plain));
    } else {
      disagree(yaml, arch, nr, args, ret, "the filter returns an action it must never return");
    }
  }
  return 0;
}
