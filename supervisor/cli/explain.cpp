#include "cli/explain.hpp"

#include <cstdio>
#include <map>
#include <sstream>

#include "arch/abi.hpp"
#include "arch/constants.hpp"
#include "arch/syscall_args.hpp"
#include "arch/syscall_table.hpp"
#include "compile/bpf_filter.hpp"
#include "fs/landlock.hpp"
#include "fs/masked_paths.hpp"
#include "fs/view.hpp"
#include "fs/user_namespace.hpp"
#include "limits/enforcer.hpp"
#include "trace/yama.hpp"

namespace sysgate::cli {
namespace {

std::string action_text(const Action& a) {
  std::string s = to_string(a.kind);
  if (a.kind == Action::Kind::Deny) s.append(" ").append(arch::errno_name(a.error));
  if (a.kind == Action::Kind::Return) {
    s.append(" ");
    if (a.value < 0 && a.value > -4096)
      s.append("-").append(arch::errno_name(static_cast<int>(-a.value)));
    else
      s.append(std::to_string(a.value));
  }
  if (a.kind == Action::Kind::Redirect) s.append(" to ").append(a.target);
  if (a.kind == Action::Kind::Rewrite) {
    static const char* const kOps[] = {"=", "|=", "&=~", "max", "min"};
    for (std::size_t i = 0; i < a.edits.size(); ++i) {
      const ArgEdit& e = a.edits[i];
      char v[64];
      std::snprintf(v, sizeof v, e.op == ArgEdit::Op::Or || e.op == ArgEdit::Op::Clear ? " %s 0x%llx" : " %s %llu",
                    kOps[static_cast<int>(e.op)], static_cast<unsigned long long>(e.value));
      s.append(i == 0 ? " " : ", ").append(e.arg).append(v);
    }
  }
  if (a.passes_on()) s.append(", then the next rule decides");
  if (a.delay_s > 0) {
    char v[48];
    std::snprintf(v, sizeof v, " after a delay of %.3g s", a.delay_s);
    s.append(v);
  }
  return s;
}

std::string when_text(const Schedule& w) {
  char buf[160];
  if (w.from == w.until)
    std::snprintf(buf, sizeof buf, "when match %llu", static_cast<unsigned long long>(w.from));
  else if (w.until == UINT64_MAX)
    std::snprintf(buf, sizeof buf, "when matches %llu on, every %llu", static_cast<unsigned long long>(w.from),
                  static_cast<unsigned long long>(w.every));
  else
    std::snprintf(buf, sizeof buf, "when matches %llu to %llu, every %llu", static_cast<unsigned long long>(w.from),
                  static_cast<unsigned long long>(w.until), static_cast<unsigned long long>(w.every));
  std::string s = buf;
  if (w.probability) {
    std::snprintf(buf, sizeof buf, ", with probability %g", *w.probability);
    s.append(buf);
  }
  if (w.seed) {
    std::snprintf(buf, sizeof buf, " (seed %llu)", static_cast<unsigned long long>(*w.seed));
    s.append(buf);
  }
  s.append(w.per_process ? " of each process" : " of the tree");
  return s;
}

std::string rule_ref(const Rule& r) {
  std::string s;
  if (r.name.empty())
    s = "rule";
  else
    s.append("\"").append(r.name).append("\"");
  if (r.where.line > 0) s.append(" ").append(r.where.str());
  return s;
}

// A value of a test as the call's argument is named ("O_CREAT", "TIOCSTI",
// "AF_INET"), else as written.
std::string value_text(std::string_view call, const ArgTest& t, std::int64_t v) {
  using Op = ArgTest::Op;
  bool bits = t.op == Op::All || t.op == Op::Any || t.op == Op::None;
  bool order = t.op == Op::Lt || t.op == Op::Le || t.op == Op::Gt || t.op == Op::Ge;
  if (!call.empty() && !order && t.position < 0) {
    auto u = static_cast<std::uint64_t>(v);
    if (const auto* spec = arch::find_syscall(call))
      if (auto r = arch::resolve_arg(spec, t.arg, -1); r && arch::is_32bit(r->kind)) u &= 0xffffffffu;
    if (auto named = arch::describe_arg(call, t.arg, u, nullptr, bits)) return *named;
  }
  return std::to_string(v);
}

// `call`: the call the test is read for (names its values), or empty.
std::string test_text(const ArgTest& t, std::string_view call = {}) {
  std::string s = t.arg + " " + to_string(t.op) + " ";
  if (!t.texts.empty()) {
    for (std::size_t i = 0; i < t.texts.size(); ++i) s += (i ? ", " : "") + t.texts[i];
    return s + " (traced: read from memory)";
  }
  if (t.values.size() == 1 && t.op != ArgTest::Op::In && t.op != ArgTest::Op::NotIn)
    return s + value_text(call, t, t.values[0]);
  s += "[";
  for (std::size_t i = 0; i < t.values.size(); ++i) s += (i ? ", " : "") + value_text(call, t, t.values[i]);
  return s + "]";
}

std::string rule_outcome(const Rule& r) {
  // A built-in rule that only marks the call for a look in its exit stop.
  if (r.note == Rule::kCheckOpenedFd) return "the descriptor it opens is checked, then the next rule decides";
  if (r.note == Rule::kTaskCreation) return "the new task is followed, then the next rule decides";
  std::string s = action_text(r.action);
  if (r.log && r.action.kind != Action::Kind::Log) s += " +log";
  if (r.when) s += " (" + when_text(*r.when) + ")";
  return s;
}

// Who decides a call no rule decides when a section does.
std::string sections_text(const compile::Plan& plan, const compile::CallPlan& c) {
  if (c.filesystem && c.network) return "filesystem and network sections";
  if (c.network) return "network section";
  if (compile::names_address(c.name))  // only a UNIX socket's path is the filesystem section's
    return "filesystem section (UNIX socket paths), otherwise " + action_text(plan.policy.default_action) +
           " (default)";
  return "filesystem section";
}

constexpr const char* kViewAnswers = "filesystem view: the kernel answers it";

// The end of a call no rule decides: a section, or the default.
std::string fallback_text(const compile::Plan& plan, const compile::CallPlan& c) {
  if (compile::decided_by_sections(c)) return "traced: " + sections_text(plan, c);
  if (c.view_answers) return "allow  (" + std::string(kViewAnswers) + ")";
  const Action& d = plan.policy.default_action;
  return action_text(d) + (compile::default_verdict(plan, c) == compile::KernelVerdict::Trace ? " (traced)" : "") +
         "  (default)";
}

void describe_call(std::ostringstream& out, const compile::Plan& plan, const compile::CallPlan& c) {
  char head[96];
  std::snprintf(head, sizeof head, "  %5ld %-24s ", c.nr, c.name.empty() ? "-" : c.name.c_str());
  out << head;
  bool ptrace = plan.engine == compile::Engine::Ptrace;
  switch (c.kernel) {
    case compile::KernelVerdict::Allow: out << (ptrace ? "allow" : "kernel: allow"); break;
    case compile::KernelVerdict::Errno: out << "kernel: errno " << arch::errno_name(c.kernel_errno); break;
    case compile::KernelVerdict::Trace: out << "traced:"; break;
    case compile::KernelVerdict::ByArgs: out << (ptrace ? "by arguments:" : "kernel tests arguments:"); break;
  }
  if (c.kernel == compile::KernelVerdict::Allow) {
    if (!c.rules.empty())
      out << "  (" << rule_ref(*c.rules.front().rule) << ")";
    else if (c.view_answers)
      out << "  (" << kViewAnswers << ")";
    else
      out << "  (default)";
    out << "\n";
    return;
  }
  if (c.kernel == compile::KernelVerdict::Trace && c.rules.size() == 1 && c.rules[0].tests.empty() &&
      c.rules[0].rule->note == Rule::kNoNote) {
    out << " " << rule_outcome(*c.rules[0].rule) << "  (" << rule_ref(*c.rules[0].rule) << ")\n";
    return;
  }
  if (c.kernel == compile::KernelVerdict::Trace && c.rules.empty()) {
    if (compile::decided_by_sections(c))
      out << " " << sections_text(plan, c) << "\n";
    else
      out << " " << action_text(plan.policy.default_action) << "  (default)\n";
    return;
  }
  out << "\n";
  for (const auto& cr : c.rules) {
    std::string cond;
    for (const auto& t : cr.rule->args) cond += (cond.empty() ? "" : " and ") + test_text(t, c.name);
    const bool traced = compile::rule_verdict(cr) == compile::KernelVerdict::Trace && cr.rule->note == Rule::kNoNote;
    const bool passes_on = cr.rule->note != Rule::kNoNote || cr.rule->action.passes_on();
    out << "          " << (!cond.empty() ? "if " + cond : passes_on ? "always" : "otherwise") << " -> "
        << rule_outcome(*cr.rule)
        << (traced ? " (traced)" : "") << "  (" << rule_ref(*cr.rule) << ")\n";
  }
  if (compile::reaches_default(c)) {
    // After an unconditional rule that passes the call on: "then".
    const bool then = !c.rules.empty() && c.rules.back().tests.empty();
    out << "          " << (then ? "then" : "otherwise") << " -> " << fallback_text(plan, c) << "\n";
  }
}

}  // namespace

std::string explain(const compile::Plan& plan, bool with_bpf) {
  std::ostringstream out;
  const Policy& p = plan.policy;
  out << "policy: " << (p.name.empty() ? "(unnamed)" : p.name) << "\n";
  out << "sources:";
  for (const auto& s : p.sources) out << " " << s;
  out << "\n";
  out << "engine: " << (plan.engine == compile::Engine::Seccomp ? "seccomp (BPF decides what it can; the rest stops once)"
                                                                  : "ptrace (every call stops at entry and exit)")
      << "\n";
  if (plan.engine == compile::Engine::Ptrace)
    out << "        (sysgate attach always uses it: a seccomp filter cannot be installed into a running process from "
           "outside)\n";
  out << "default: " << action_text(p.default_action) << (p.default_where.line > 0 ? "  (" + p.default_where.str() + ")" : "")
      << "\n";
  for (const auto& ap : plan.abis) {
    const auto& info = arch::abi_info(ap.abi);
    out << "\nABI " << info.name << ": ";
    if (!ap.allowed) {
      out << "not in the policy's abi list: any call is reported and the sandbox killed (VIOLATION)\n";
      continue;
    }
    if (ap.abi == Abi::X32) out << "(this kernel may lack x32; its calls then fail with ENOSYS natively) ";
    long kernel = 0, traced = 0, args = 0;
    for (const auto& c : ap.calls) {
      kernel += c.kernel == compile::KernelVerdict::Allow;
      traced += c.kernel == compile::KernelVerdict::Trace;
      args += c.kernel == compile::KernelVerdict::ByArgs;
    }
    out << kernel << " allowed in the kernel, " << args << " tested on arguments, " << traced << " traced\n";
    for (const auto& c : ap.calls) describe_call(out, plan, c);
    for (const auto& [nr, c] : ap.extra) describe_call(out, plan, c);
    out << "  numbers above " << ap.highest_nr << " not named above: kernel: errno ENOSYS (unknown to libseccomp "
        << "2.5.4; name one with {nr: N})\n";
  }
  if (p.filesystem.present) {
    out << "\nfilesystem section (path calls no rule decided; errno " << arch::errno_name(p.filesystem.error) << "):\n";
    auto list = [&](const char* name, const std::vector<fs::PathPattern>& pats) {
      out << "  " << name << ":";
      for (const auto& pat : pats) out << " " << pat.text();
      out << "\n";
    };
    list("read", plan.filesystem.read);
    list("write", plan.filesystem.write);
    list("exec", plan.filesystem.exec);
    list("deny", plan.filesystem.deny);
    auto ll = fs::plan_landlock(p.filesystem, "");
    if (ll.abi == 0) {
      out << "  Landlock backstop: unavailable on this kernel (run needs --allow-weaker=landlock)\n";
    } else {
      out << "  Landlock backstop (ABI " << ll.abi
          << "), kernel-enforced superset (rights LANDLOCK_ACCESS_FS_*):\n";
      for (const auto& r : ll.rules)
        out << "    " << r.path << " access " << arch::landlock_fs_rights(r.access) << "\n";
      for (const auto& n : ll.notes) out << "    not covered: " << n << "\n";
    }
    if (p.filesystem.view) {
      try {
        auto view = fs::plan_view(p.filesystem, "");
        out << "  view (the program's root shows only this; stat-like calls "
            << (plan.filesystem.view_answers_stat ? "answered there by the kernel, not traced" : "still traced")
            << "):\n";
        if (!view.present) out << "    the real root\n";
        for (const auto& b : view.binds) out << "    bound " << b.path << (b.directory ? "/" : "") << "\n";
        for (const auto& l : view.links) out << "    link " << l.path << " -> " << l.target << "\n";
        for (const auto& d : view.dirs) out << "    on the way " << d.path << "\n";
        for (const auto& n : view.notes) out << "    note: " << n << "\n";
      } catch (const std::runtime_error& e) {
        out << "  view: run refused: " << e.what() << "\n";
      }
    }
    auto masks = fs::plan_masks(p.filesystem);
    if (!masks.empty() || !masks.notes.empty()) {
      std::string how;
      if (fs::can_mask())
        how = "in a private mount namespace (this user has CAP_SYS_ADMIN)";
      else if (std::string why = fs::user_namespace_obstacle(); why.empty())
        how = "in a private mount namespace inside a user namespace of this user's own (no CAP_SYS_ADMIN)";
      else
        how = "NOT here: " + why + "; run needs --allow-weaker=masks";
      out << "  masked " << how << ":\n";
      for (const auto& m : masks.masks) out << "    " << m.path << (m.directory ? "/" : "") << "\n";
      for (const auto& n : masks.notes) out << "    not covered: " << n << "\n";
    }
  }
  out << "\non this host, for this user:\n";
  if (std::string why = trace::ptrace_obstacle(); !why.empty()) out << "  run refused: " << why << "\n";
  out << "  signals to processes outside the sandbox: "
      << (fs::landlock_abi() >= 6 ? "refused by Landlock's signal scope"
                                  : "NOT scoped (Landlock ABI 6 missing; run needs --allow-weaker=signals)")
      << "\n";
  limits::LimitEnforcer limits(p.limits, true);
  for (const auto& l : limits.applied())
    out << "  limit " << l.name << ": " << limits::to_string(l.mechanism) << "\n";
  if (limits.applied().empty()) out << "  limits: none set\n";
  if (p.network.present) {
    out << "\nnetwork section (socket calls no rule decided; errno " << arch::errno_name(p.network.error) << "):\n  allow:";
    for (const auto& a : p.network.allow) out << " " << a;
    out << "\n";
  }
  if (!plan.builtin_rules.empty()) {
    out << "\nsysgate built-in rules (before the policy's):\n";
    for (const auto& r : plan.builtin_rules) {
      out << "  " << r.name << ": " << r.syscalls[0].name;
      for (const auto& t : r.args) out << " if " << test_text(t, r.syscalls[0].name);
      out << " -> " << rule_outcome(r) << "\n";
    }
  }
  if (with_bpf && plan.engine == compile::Engine::Seccomp) {
    auto prog = compile::build_filter(plan);
    out << "\nBPF filter (" << prog.size() << " instructions):\n" << compile::disassemble(prog);
  } else if (with_bpf) {
    out << "\nBPF filter: none (the ptrace engine loads no filter)\n";
  }
  return out.str();
}

std::vector<std::string> warnings(const compile::Plan& plan) {
  std::vector<std::string> out;
  static const char* const kVdso[] = {"clock_gettime", "gettimeofday", "time", "getcpu"};
  for (const auto& r : plan.policy.rules) {
    if (r.action.kind == Action::Kind::Allow && !r.log) continue;
    for (const auto& sel : r.syscalls)
      for (const char* v : kVdso)
        if (sel.kind == SyscallSelector::Kind::Name && sel.name == v)
          out.push_back(sel.where.str() + ": warning: " + v +
                        " is usually answered by the vDSO without entering the kernel; this rule will rarely see it");
  }
  // A rule of one file before a deny or kill of another (an included file's):
  // own rules come first, so the deny does not apply where the rule matches.
  std::map<std::pair<const Rule*, const Rule*>, std::vector<std::string>> shadows;
  const auto& rules = plan.policy.rules;
  auto picks = [](const Rule& r, const compile::CallPlan& c) {
    for (const auto& sel : r.syscalls)
      if (compile::selects(sel, c.nr, c.name, c.spec)) return true;
    return false;
  };
  auto refuses = [](const Rule& r) { return r.action.kind == Action::Kind::Deny || r.action.kind == Action::Kind::Kill; };
  if (const compile::AbiPlan* ap = plan.abi(plan.policy.abis.front()))
    for (const auto& call : ap->calls)
      for (std::size_t i = 0; i < rules.size(); ++i) {
        const Rule& r = rules[i];
        if (r.builtin || refuses(r) || r.action.passes_on() || !picks(r, call)) continue;
        for (std::size_t j = i + 1; j < rules.size(); ++j) {
          const Rule& d = rules[j];
          if (!d.builtin && d.where.file != r.where.file && refuses(d) && picks(d, call))
            shadows[{&r, &d}].push_back(call.name);
        }
      }
  for (const auto& [pair, calls] : shadows) {
    const auto& [r, d] = pair;
    std::string names;
    for (std::size_t i = 0; i < calls.size() && i < 8; ++i) names += (i == 0 ? "" : ", ") + calls[i];
    if (calls.size() > 8) names += ", ...";
    const bool always = r->args.empty() && !r->when;
    auto label = [](const Rule* x) { return x->name.empty() ? std::string("a rule") : "rule \"" + x->name + "\""; };
    out.push_back(r->where.str() + ": warning: " + label(r) + " (" + action_text(r->action) + ") comes before " +
                  label(d) + " at " + d->where.str() + " (" + action_text(d->action) + ") for " + names +
                  (always ? ": that deny never applies" : ": that deny does not apply where this rule's tests hold"));
  }
  for (Abi a : plan.policy.abis)
    if (a == Abi::X32)
      out.push_back(plan.policy.sources.front() +
                    ": note: x32 is listed; on a kernel without x32 support its calls fail with ENOSYS anyway");
  return out;
}

}  // namespace sysgate::cli
