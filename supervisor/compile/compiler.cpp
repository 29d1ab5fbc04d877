// Policy -> Plan: for every ABI and syscall number the candidate rules (the
// built-in ones first) with their tests as the kernel compares them, and what
// the kernel can decide alone. decide.cpp says what a plan means.
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "arch/abi.hpp"
#include "arch/syscall_args.hpp"
#include "compile/builtin_rules.hpp"
#include "compile/plan.hpp"
#include "fs/access_table.hpp"

namespace sysgate::compile {
namespace {

// Patterns are matched against resolved paths, so their literal prefixes are
// resolved once per compile (not per decision, and not cached across compiles:
// the files may have changed).
class PatternPaths {
 public:
  const std::string& operator()(const std::string& pattern) {
    auto it = cache_.find(pattern);
    if (it == cache_.end()) it = cache_.emplace(pattern, fs::canonical_pattern(pattern)).first;
    return it->second;
  }

 private:
  std::map<std::string, std::string> cache_;
};


// Values of a test as the kernel compares them. `abi32`: the argument is a
// word of a 32-bit ABI, where a value outside 32 bits can never occur (the
// loader already refuses such values for int-typed arguments).
void fix_wide_values(CompiledTest& ct, const ArgTest& t, bool abi32) {
  using Op = ArgTest::Op;
  using F = CompiledTest::Fixed;
  auto fits = [](std::int64_t v) { return v >= INT32_MIN && v <= static_cast<std::int64_t>(UINT32_MAX); };
  std::vector<std::uint64_t> kept;
  std::uint64_t mask = 0;
  for (auto v : t.values) {
    auto u = static_cast<std::uint64_t>(v);
    if (abi32 && !fits(v) && t.op != Op::All && t.op != Op::Any && t.op != Op::None) {
      switch (t.op) {
        case Op::Eq: ct.fixed = F::Never; break;
        case Op::Ne: ct.fixed = F::Always; break;
        case Op::Lt:
        case Op::Le: ct.fixed = (ct.is_signed && v < 0) ? F::Never : F::Always; break;
        case Op::Gt:
        case Op::Ge: ct.fixed = (ct.is_signed && v < 0) ? F::Always : F::Never; break;
        default: break;  // In / NotIn: the value is dropped from the set
      }
      continue;
    }
    if (abi32 && (t.op == Op::All || t.op == Op::Any || t.op == Op::None)) {
      mask |= u;
      u &= 0xffffffffu;
      if (u == 0) continue;  // a bit no 32-bit argument has
    }
    kept.push_back(ct.is32 ? (u & 0xffffffffu) : u);
  }
  if (abi32 && kept.empty()) {
    if (t.op == Op::In || t.op == Op::Any || t.op == Op::AccMode) ct.fixed = F::Never;
    if (t.op == Op::NotIn || t.op == Op::None) ct.fixed = F::Always;
    if (t.op == Op::All) ct.fixed = (mask >> 32) != 0 ? F::Never : F::Always;
  } else if (abi32 && t.op == Op::All && (mask >> 32) != 0) {
    ct.fixed = F::Never;  // a bit above 32 must be set: impossible
  }
  ct.values = std::move(kept);
  if (ct.values.empty() && ct.fixed == F::No) ct.values.push_back(0);
}

// Which rules select a call, built once per compile: the built-in rules and
// then the policy's, numbered in that order, indexed by the names their
// selectors give, so that a call's candidates are found with one lookup of
// its name rather than by asking every rule for every number. Group, `*` and
// number selectors are asked one by one (selects()), only of the rules that
// have them.
class RuleSelection {
 public:
  explicit RuleSelection(const Plan& plan) {
    for (const auto* rules : {&plan.builtin_rules, &plan.policy.rules})
      for (const auto& r : *rules) {
        const std::size_t i = rules_.size();
        rules_.push_back(&r);
        for (const auto& sel : r.syscalls) {
          if (sel.kind != SyscallSelector::Kind::Name) {
            if (otherwise_.empty() || otherwise_.back() != i) otherwise_.push_back(i);
          } else {
            auto& named = by_name_[sel.name];
            if (named.empty() || named.back() != i) named.push_back(i);
          }
        }
      }
  }
  const Rule& rule(std::size_t i) const { return *rules_[i]; }
  // The numbers of the rules that select the call, ascending.
  std::vector<std::size_t> candidates(long nr, const std::string& name, const arch::SyscallSpec* spec) const {
    static const std::vector<std::size_t> none;
    auto it = name.empty() ? by_name_.end() : by_name_.find(name);
    const auto& named = it == by_name_.end() ? none : it->second;
    std::vector<std::size_t> out;
    auto n = named.begin();
    for (std::size_t i : otherwise_) {
      for (; n != named.end() && *n < i; ++n) out.push_back(*n);
      if (n != named.end() && *n == i) {
        out.push_back(*n++);
        continue;
      }
      for (const auto& sel : rules_[i]->syscalls)
        if (sel.kind != SyscallSelector::Kind::Name && compile::selects(sel, nr, name, spec)) {
          out.push_back(i);
          break;
        }
    }
    out.insert(out.end(), n, named.end());
    return out;
  }

 private:
  std::vector<const Rule*> rules_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_name_;
  std::vector<std::size_t> otherwise_;  // the rules with a group, `*` or number selector
};

bool is_network_call(const std::string& name) { return name == "socket" || names_address(name); }

CallPlan plan_call(const Plan& plan, const RuleSelection& selection, const arch::AbiInfo& info, long nr,
                   PatternPaths& canonical) {
  CallPlan call;
  call.nr = nr;
  call.name = arch::syscall_name(info.abi, nr);
  call.spec = call.name.empty() ? nullptr : arch::find_syscall(call.name);
  for (std::size_t i : selection.candidates(nr, call.name, call.spec)) {
    // Rules after an unconditional one are unreachable (observing rules let decisions go on).
    if (!reaches_default(call)) break;
    const Rule& rule = selection.rule(i);
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
      for (const auto& text : t.texts) {
        if (t.op == ArgTest::Op::PathEq) ct.paths.emplace_back(fs::PathPattern::Kind::Eq, canonical(text));
        if (t.op == ArgTest::Op::PathPrefix) ct.paths.emplace_back(fs::PathPattern::Kind::Prefix, canonical(text));
        if (t.op == ArgTest::Op::PathGlob) ct.paths.emplace_back(fs::PathPattern::Kind::Glob, canonical(text));
        if (t.op == ArgTest::Op::AddrIn || t.op == ArgTest::Op::AddrNotIn) ct.addrs.emplace_back(text);
      }
      fix_wide_values(ct, t, !info.word64 && !arch::is_32bit(r->kind));
      if (rule.action.kind == Action::Kind::Redirect && !ct.paths.empty()) {
        std::string_view target = rule.action.target;
        cr.redirect_index = ct.index;
        cr.redirect_tail = target.ends_with("/**");
        if (cr.redirect_tail) target.remove_suffix(3);
        cr.redirect_from = ct.paths.front().literal_base();
        cr.redirect_to = target.empty() ? std::string("/") : std::string(target);
      }
      cr.tests.push_back(std::move(ct));
    }
    for (const auto& e : rule.action.edits) {
      auto r = arch::resolve_arg(call.spec, e.arg, e.position);
      if (!r) continue;  // the loader refuses such policies
      cr.edits.push_back({r->index, !info.word64 || arch::is_32bit(r->kind), arch::is_signed(r->kind), &e});
    }
    call.rules.push_back(std::move(cr));
  }

  // Can the kernel decide alone? Only when every path through the rules ends the same.
  std::optional<KernelVerdict> uniform;
  bool mixed = false;
  auto see = [&](KernelVerdict k) {
    if (uniform && *uniform != k) mixed = true;
    uniform = k;
  };
  const bool path_call = plan.policy.filesystem.present && fs::find_path_call(call.name) != nullptr;
  // In a view the kernel answers a stat-like call as the section would: the
  // section's verdict is "allow", in the filter, whatever the default is.
  call.view_answers = path_call && plan.filesystem.view_answers_stat && fs::only_looks(call.name);
  call.filesystem =
      plan.policy.filesystem.present && (path_call || names_address(call.name)) && !call.view_answers;
  call.network = plan.policy.network.present && is_network_call(call.name);
  call.reads_memory = call.filesystem || call.network;
  for (const auto& cr : call.rules)
    for (const auto& t : cr.tests) call.reads_memory = call.reads_memory || !t.scalar();
  // Every verdict the filter's leaf can return (leaf_verdict): the rules' up
  // to the first without scalar tests, then the default's.
  for (const auto& cr : call.rules) {
    see(rule_verdict(cr));
    bool any_scalar = false;
    for (const auto& t : cr.tests) any_scalar = any_scalar || t.scalar();
    if (!any_scalar) break;
  }
  if (leaf_reaches_default(call)) see(default_verdict(plan, call));
  call.kernel = mixed ? KernelVerdict::ByArgs : *uniform;
  return call;
}

void compile_sections(Plan& plan, PatternPaths& canonical) {
  const auto& f = plan.policy.filesystem;
  auto globs = [&](const std::vector<std::string>& v) {
    std::vector<fs::PathPattern> out;
    for (const auto& s : v) out.emplace_back(fs::PathPattern::Kind::Glob, canonical(s));
    return out;
  };
  plan.filesystem.present = f.present;
  plan.filesystem.read = globs(f.read);
  plan.filesystem.write = globs(f.write);
  plan.filesystem.exec = globs(f.exec);
  plan.filesystem.deny = globs(f.deny);
  plan.filesystem.error = f.error;
  plan.filesystem.view_answers_stat =
      f.present && f.view && !plan.policy.audit && plan.policy.tmp_redirects.empty() && !f.every_call_stops;
  // A hard link reaches a denied file under another name: denied files that
  // exist now are also known by (device, inode).
  for (const auto& d : f.deny) {
    if (d.find('*') != std::string::npos) continue;
    struct stat st{};
    if (stat(canonical(d).c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) plan.filesystem.deny_inodes.emplace_back(st.st_dev, st.st_ino);
  }
  plan.network.present = plan.policy.network.present;
  for (const auto& a : plan.policy.network.allow) plan.network.allow.emplace_back(a);
  plan.network.error = plan.policy.network.error;
}

}  // namespace

bool names_address(std::string_view syscall) {
  return syscall == "connect" || syscall == "bind" || syscall == "sendto" || syscall == "sendmsg" ||
         syscall == "sendmmsg";
}

ScratchLayout scratch_layout() {
  ScratchLayout l;
  // Above the lowest address a program may map (vm.mmap_min_addr), 64 KiB aligned.
  if (std::FILE* f = std::fopen("/proc/sys/vm/mmap_min_addr", "re")) {
    unsigned long min = 0;
    if (std::fscanf(f, "%lu", &min) == 1 && min > l.base) l.base = (min + 0xffff) & ~0xfffful;
    std::fclose(f);
  }
  return l;
}

const CallPlan* AbiPlan::find(long nr) const {
  // An ABI the policy does not list has no calls planned.
  if (nr >= first_nr && nr <= highest_nr) return calls.empty() ? nullptr : &calls[static_cast<std::size_t>(nr - first_nr)];
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
  plan.scratch = scratch_layout();
  plan.builtin_rules = builtin_rules(plan.policy, plan.scratch);
  PatternPaths canonical;
  compile_sections(plan, canonical);
  const RuleSelection selection(plan);
  for (Abi abi : arch::all_abis()) {
    const auto& info = arch::abi_info(abi);
    AbiPlan ap;
    ap.abi = abi;
    for (Abi a : plan.policy.abis) ap.allowed = ap.allowed || a == abi;
    ap.first_nr = info.nr_base;
    ap.highest_nr = info.highest_nr;
    if (!ap.allowed) {
      // Every call of an ABI the policy does not list traces and kills: no per-call plan.
      plan.abis.push_back(std::move(ap));
      continue;
    }
    ap.calls.reserve(static_cast<std::size_t>(ap.highest_nr - ap.first_nr + 1));
    for (long nr = ap.first_nr; nr <= ap.highest_nr; ++nr)
      ap.calls.push_back(plan_call(plan, selection, info, nr, canonical));
    for (const auto* rules : {&plan.builtin_rules, &plan.policy.rules})
      for (const auto& r : *rules)
        for (const auto& sel : r.syscalls)
          if (sel.kind == SyscallSelector::Kind::Number && sel.number > ap.highest_nr &&
              !ap.extra.contains(sel.number))
            ap.extra.emplace(sel.number, plan_call(plan, selection, info, sel.number, canonical));
    plan.abis.push_back(std::move(ap));
  }
  return plan;
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

}  // namespace sysgate::compile
