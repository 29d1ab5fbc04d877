#include <linux/seccomp.h>
#include <sched.h>

#include <cerrno>

#include "arch/abi.hpp"
#include "arch/syscall_args.hpp"
#include "compile/plan.hpp"

namespace sysgate::compile {
namespace {

// sysgate's own rules, decided before the policy's: no policy can open these holes.
std::vector<Rule> builtin_rules(Engine engine) {
  std::vector<Rule> out;
  auto rule = [&](std::string name, std::string call, Action action) -> Rule& {
    Rule r;
    r.name = std::move(name);
    r.syscalls.push_back({SyscallSelector::Kind::Name, std::move(call), 0, -1, {"<sysgate>", 0, 0}});
    r.action = action;
    r.log = true;
    r.builtin = true;
    r.where = {"<sysgate built-in>", 0, 0};
    out.push_back(std::move(r));
    return out.back();
  };
  auto test = [](std::string arg, ArgTest::Op op, std::int64_t v) {
    ArgTest t;
    t.arg = std::move(arg);
    t.op = op;
    t.values = {v};
    return t;
  };
  // A child created with CLONE_UNTRACED would run without the supervisor.
  rule("sysgate:no-untraced-clone", "clone", {Action::Kind::Deny, EPERM})
      .args.push_back(test("flags", ArgTest::Op::Any, CLONE_UNTRACED));
  // A user-notification listener of the program's own would take precedence over
  // our SECCOMP_RET_TRACE and answer calls in our place.
  rule("sysgate:no-seccomp-listener", "seccomp", {Action::Kind::Deny, EPERM})
      .args.push_back(test("flags", ArgTest::Op::Any, SECCOMP_FILTER_FLAG_NEW_LISTENER));
  // Without a filter, clone3's flags (in memory) cannot be checked race-free, so
  // the ptrace engine makes glibc fall back to clone, whose flags are a register.
  if (engine == Engine::Ptrace) rule("sysgate:ptrace-engine-no-clone3", "clone3", {Action::Kind::Deny, ENOSYS});
  return out;
}

bool selects(const SyscallSelector& sel, long nr, const std::string& name, const arch::SyscallSpec* spec) {
  switch (sel.kind) {
    case SyscallSelector::Kind::Name: return !name.empty() && sel.name == name;
    case SyscallSelector::Kind::Group: return spec != nullptr && (spec->groups & sel.group) != 0;
    case SyscallSelector::Kind::All: return true;
    case SyscallSelector::Kind::Number: return sel.number == nr;
  }
  return false;
}

KernelVerdict kernel_of(const Action& a, bool log) {
  return a.kind == Action::Kind::Allow && !log ? KernelVerdict::Allow : KernelVerdict::Trace;
}

CallPlan plan_call(const Plan& plan, const arch::AbiInfo& info, long nr) {
  CallPlan call;
  call.nr = nr;
  call.name = arch::syscall_name(info.abi, nr);
  call.spec = call.name.empty() ? nullptr : arch::find_syscall(call.name);
  auto consider = [&](const Rule& rule) {
    if (!call.rules.empty() && call.rules.back().tests.empty()) return;  // unreachable
    bool hit = false;
    for (const auto& sel : rule.syscalls) hit = hit || selects(sel, nr, call.name, call.spec);
    if (!hit) return;
    CompiledRule cr;
    cr.rule = &rule;
    for (const auto& t : rule.args) {
      auto r = arch::resolve_arg(call.spec, t.arg, t.position);
      if (!r) continue;  // the loader refuses such policies; built-ins name real arguments
      CompiledTest ct;
      ct.index = r->index;
      ct.is32 = !info.word64 || arch::is_32bit(r->kind);
      ct.is_signed = arch::is_signed(r->kind);
      ct.op = t.op;
      for (auto v : t.values) {
        auto u = static_cast<std::uint64_t>(v);
        ct.values.push_back(ct.is32 ? (u & 0xffffffffu) : u);
      }
      cr.tests.push_back(std::move(ct));
    }
    call.rules.push_back(std::move(cr));
  };
  for (const auto& r : plan.builtin_rules) consider(r);
  for (const auto& r : plan.policy.rules) consider(r);

  // Can the kernel decide alone? Only when every path through the rules ends the same.
  bool reaches_default = call.rules.empty() || !call.rules.back().tests.empty();
  std::optional<KernelVerdict> uniform;
  bool mixed = false;
  auto see = [&](KernelVerdict k) {
    if (uniform && *uniform != k) mixed = true;
    uniform = k;
  };
  for (const auto& cr : call.rules) see(kernel_of(cr.rule->action, cr.rule->log));
  if (reaches_default)
    see(kernel_of(plan.policy.default_action, plan.policy.default_action.kind == Action::Kind::Log));
  call.kernel = mixed ? KernelVerdict::ByArgs : *uniform;
  return call;
}

}  // namespace

bool CompiledTest::holds(std::uint64_t arg) const {
  std::uint64_t a = is32 ? (arg & 0xffffffffu) : arg;
  auto less = [&](std::uint64_t x, std::uint64_t y) {
    if (!is_signed) return x < y;
    if (is32) return static_cast<std::int32_t>(x) < static_cast<std::int32_t>(y);
    return static_cast<std::int64_t>(x) < static_cast<std::int64_t>(y);
  };
  std::uint64_t mask = 0;
  for (auto v : values) mask |= v;
  switch (op) {
    case ArgTest::Op::Eq: return a == values[0];
    case ArgTest::Op::Ne: return a != values[0];
    case ArgTest::Op::Lt: return less(a, values[0]);
    case ArgTest::Op::Le: return !less(values[0], a);
    case ArgTest::Op::Gt: return less(values[0], a);
    case ArgTest::Op::Ge: return !less(a, values[0]);
    case ArgTest::Op::In:
      for (auto v : values)
        if (a == v) return true;
      return false;
    case ArgTest::Op::NotIn:
      for (auto v : values)
        if (a == v) return false;
      return true;
    case ArgTest::Op::All: return (a & mask) == mask;
    case ArgTest::Op::Any: return (a & mask) != 0;
    case ArgTest::Op::None: return (a & mask) == 0;
    case ArgTest::Op::AccMode:
      for (auto v : values)
        if ((a & 3u) == v) return true;
      return false;
  }
  return false;
}

const CallPlan* AbiPlan::find(long nr) const {
  if (nr >= first_nr && nr <= highest_nr) return &calls[static_cast<std::size_t>(nr - first_nr)];
  auto it = extra.find(nr);
  return it == extra.end() ? nullptr : &it->second;
}

const AbiPlan* Plan::abi(Abi a) const {
  for (const auto& p : abis)
    if (p.abi == a) return &p;
  return nullptr;
}

Plan compile(Policy policy, Engine engine) {
  Plan plan;
  plan.policy = std::move(policy);
  plan.engine = engine;
  plan.builtin_rules = builtin_rules(engine);
  for (Abi abi : arch::all_abis()) {
    const auto& info = arch::abi_info(abi);
    AbiPlan ap;
    ap.abi = abi;
    for (Abi a : plan.policy.abis) ap.allowed = ap.allowed || a == abi;
    ap.first_nr = info.nr_base;
    ap.highest_nr = info.highest_nr;
    for (long nr = ap.first_nr; nr <= ap.highest_nr; ++nr) ap.calls.push_back(plan_call(plan, info, nr));
    for (const auto* rules : {&plan.builtin_rules, &plan.policy.rules})
      for (const auto& r : *rules)
        for (const auto& sel : r.syscalls)
          if (sel.kind == SyscallSelector::Kind::Number && sel.number > ap.highest_nr &&
              !ap.extra.contains(sel.number))
            ap.extra.emplace(sel.number, plan_call(plan, info, sel.number));
    plan.abis.push_back(std::move(ap));
  }
  return plan;
}

Decision decide(const Plan& plan, Abi abi, long nr, const std::uint64_t args[6]) {
  const AbiPlan* ap = plan.abi(abi);
  if (ap == nullptr || !ap->allowed) return {{Action::Kind::Kill, 0}, true, Decision::Source::ForeignAbi, nullptr};
  const CallPlan* call = ap->find(nr);
  if (call == nullptr) return {{Action::Kind::Deny, ENOSYS}, false, Decision::Source::UnknownNumber, nullptr};
  for (const auto& cr : call->rules) {
    bool match = true;
    for (const auto& t : cr.tests) match = match && t.holds(args[t.index]);
    if (match) {
      const Rule& r = *cr.rule;
      bool log = r.log || r.action.kind == Action::Kind::Deny || r.action.kind == Action::Kind::Kill;
      return {r.action, log, Decision::Source::Rule, &r};
    }
  }
  const Action& d = plan.policy.default_action;
  bool log = d.kind != Action::Kind::Allow;
  return {d, log, Decision::Source::Default, nullptr};
}

}  // namespace sysgate::compile

namespace sysgate {
std::string Decision::reason() const {
  switch (source) {
    case Source::Rule: return rule != nullptr ? rule->label() : "rule";
    case Source::Default: return "default";
    case Source::UnknownNumber: return "unknown syscall number";
    case Source::ForeignAbi: return "ABI not allowed by the policy";
  }
  return "?";
}
}  // namespace sysgate
