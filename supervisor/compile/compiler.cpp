#include <linux/seccomp.h>
#include <sched.h>
#include <fcntl.h>
#include <sys/mman.h>

#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string_view>

#include "arch/abi.hpp"
#include "arch/syscall_args.hpp"
#include "compile/plan.hpp"
#include "fs/access_table.hpp"

namespace sysgate::compile {
namespace {

// Whether some decision of this policy reads the tracee's memory (a path, a
// socket address): then the guarantees of copy-on-check must hold.
bool checks_memory(const Policy& policy) {
  if (policy.filesystem.present || policy.network.present) return true;
  for (const auto& r : policy.rules)
    for (const auto& t : r.args)
      if (!t.scalar()) return true;
  return false;
}

// sysgate's own rules, decided before the policy's: no policy can open these holes.
std::vector<Rule> builtin_rules(const Policy& policy, const ScratchLayout& scratch) {
  std::vector<Rule> out;
  out.reserve(64);  // rules are referred to by address while this is built
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
  const Action eperm{Action::Kind::Deny, EPERM};
  // Restarting an interrupted call the policy already allowed (after a stop).
  rule("sysgate:restart", "restart_syscall", {Action::Kind::Allow, 0}).log = false;
  // A child created with CLONE_UNTRACED would run without the supervisor.
  rule("sysgate:no-untraced-clone", "clone", eperm).args.push_back(test("flags", ArgTest::Op::Any, CLONE_UNTRACED));
  // clone3 keeps its flags in memory, where a filter cannot see CLONE_UNTRACED:
  // glibc falls back to clone, whose flags are a register.
  {
    Rule& r = rule("sysgate:clone3-falls-back", "clone3", {Action::Kind::Deny, ENOSYS});
    r.log = false;  // not a denial of the program's: glibc makes the same thread or process with clone
    r.quiet = true;
  }
  // A user-notification listener of the program's own would take precedence over
  // our SECCOMP_RET_TRACE and answer calls in our place.
  rule("sysgate:no-seccomp-listener", "seccomp", eperm)
      .args.push_back(test("flags", ArgTest::Op::Any, SECCOMP_FILTER_FLAG_NEW_LISTENER));
  // Writers of another process's memory: they could change a checked argument
  // between the check and the kernel's read (docs/race-safety.md). A ptrace
  // tracee cannot be traced again, but it could trace a process outside the sandbox.
  rule("sysgate:no-ptrace", "ptrace", eperm);
  rule("sysgate:no-process-vm-writev", "process_vm_writev", eperm);
  for (const char* call : {"open", "openat"}) {
    Rule& r = rule("sysgate:no-proc-mem-writes", call, {Action::Kind::Allow, 0});
    ArgTest t = test("flags", ArgTest::Op::AccMode, O_WRONLY);
    t.values.push_back(O_RDWR);
    r.args.push_back(t);
    r.note = Rule::kCheckOpenedFd;
    r.log = false;
  }
  for (const char* call : {"creat", "openat2"}) {
    Rule& r = rule("sysgate:no-proc-mem-writes", call, {Action::Kind::Allow, 0});
    r.note = Rule::kCheckOpenedFd;
    r.log = false;
  }
  // The scratch region (and nothing else lies that low): the program may not
  // map over it, unmap, protect, advise or move it.
  const auto below_end = [&](const char* arg) { return test(arg, ArgTest::Op::Lt, static_cast<std::int64_t>(scratch.end())); };
  for (const char* call : {"mmap", "mmap2", "shmat"}) {
    const char* arg = std::string_view(call) == "shmat" ? "shmaddr" : "addr";
    Rule& r = rule("sysgate:scratch-region", call, eperm);
    r.args.push_back(test(arg, ArgTest::Op::Ne, 0));
    r.args.push_back(below_end(arg));
  }
  for (const char* call : {"munmap", "mprotect", "pkey_mprotect", "madvise", "remap_file_pages"})
    rule("sysgate:scratch-region", call, eperm).args.push_back(below_end("addr"));
  rule("sysgate:scratch-region", "mremap", eperm).args.push_back(below_end("old_address"));
  {
    Rule& r = rule("sysgate:scratch-region", "mremap", eperm);
    r.args.push_back(test("flags", ArgTest::Op::Any, MREMAP_FIXED));
    r.args.push_back(below_end("new_address"));
  }
  {
    Rule& r = rule("sysgate:scratch-region", "ipc", eperm);
    r.args.push_back(test("call", ArgTest::Op::Eq, 21 /* SHMAT */));
    r.args.push_back(test("ptr", ArgTest::Op::Ne, 0));
    r.args.push_back(below_end("ptr"));
  }
  // Calls that would reach files or sockets past the per-call checks, or fault
  // the scratch region's pages back to the program (userfaultfd).
  if (policy.filesystem.present) {
    rule("sysgate:no-handles", "open_by_handle_at", eperm);
    // openat2 keeps its flags in memory; glibc's open() does not need it.
    rule("sysgate:openat2-falls-back", "openat2", {Action::Kind::Deny, ENOSYS});
  }
  if (checks_memory(policy)) {
    for (const char* call : {"io_uring_setup", "io_uring_enter", "io_uring_register"})
      rule("sysgate:no-io-uring", call, eperm);
    rule("sysgate:no-userfaultfd", "userfaultfd", eperm);
    rule("sysgate:no-userfaultfd", "ioctl", eperm).args.push_back(test("request", ArgTest::Op::Eq, 0xaa00 /* USERFAULTFD_IOC_NEW */));
  }
  // Without a pids cgroup the supervisor counts tasks itself and refuses the
  // call that would create one too many (EAGAIN, as pids.max does).
  if (policy.limits.processes) {
    for (const char* call : {"clone", "fork", "vfork"}) {
      Rule& r = rule("sysgate:count-tasks", call, {Action::Kind::Allow, 0});
      r.note = Rule::kTaskCreation;
      r.log = false;
    }
  }
  // i386 socketcall keeps its arguments in memory: glibc then uses the direct calls.
  if (policy.network.present) rule("sysgate:socketcall-falls-back", "socketcall", {Action::Kind::Deny, ENOSYS});
  return out;
}

// Patterns are matched against resolved paths, so their literal prefixes are
// resolved once, here.
const std::string& canonical(const std::string& pattern) {
  static std::map<std::string, std::string> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, fs::canonical_pattern(pattern)).first;
  return it->second;
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

KernelVerdict kernel_of(const CompiledRule& cr) {
  if (cr.rule->note != Rule::kNoNote) return KernelVerdict::Trace;
  for (const auto& t : cr.tests)
    if (!t.scalar()) return KernelVerdict::Trace;  // needs the tracee's memory
  const Rule& r = *cr.rule;
  return r.action.kind == Action::Kind::Allow && !r.log ? KernelVerdict::Allow : KernelVerdict::Trace;
}

// Calls that name a socket address (a UNIX one is a file too).
bool names_address(const std::string& name) {
  return name == "connect" || name == "bind" || name == "sendto" || name == "sendmsg" || name == "sendmmsg";
}

bool is_network_call(const std::string& name) { return name == "socket" || names_address(name); }

CallPlan plan_call(const Plan& plan, const arch::AbiInfo& info, long nr) {
  CallPlan call;
  call.nr = nr;
  call.name = arch::syscall_name(info.abi, nr);
  call.spec = call.name.empty() ? nullptr : arch::find_syscall(call.name);
  auto consider = [&](const Rule& rule) {
    // Rules after an unconditional one are unreachable (observing rules let decisions go on).
    if (!call.rules.empty() && call.rules.back().tests.empty() && !call.rules.back().rule->note != Rule::kNoNote) return;
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
      for (const auto& text : t.texts) {
        if (t.op == ArgTest::Op::PathEq) ct.paths.emplace_back(fs::PathPattern::Kind::Eq, canonical(text));
        if (t.op == ArgTest::Op::PathPrefix) ct.paths.emplace_back(fs::PathPattern::Kind::Prefix, canonical(text));
        if (t.op == ArgTest::Op::PathGlob) ct.paths.emplace_back(fs::PathPattern::Kind::Glob, canonical(text));
        if (t.op == ArgTest::Op::AddrIn || t.op == ArgTest::Op::AddrNotIn) ct.addrs.emplace_back(text);
      }
      fix_wide_values(ct, t, !info.word64 && !arch::is_32bit(r->kind));
      cr.tests.push_back(std::move(ct));
    }
    call.rules.push_back(std::move(cr));
  };
  for (const auto& r : plan.builtin_rules) consider(r);
  for (const auto& r : plan.policy.rules) consider(r);

  // Can the kernel decide alone? Only when every path through the rules ends the same.
  bool reaches_default = call.rules.empty() || !call.rules.back().tests.empty() || call.rules.back().rule->note != Rule::kNoNote;
  std::optional<KernelVerdict> uniform;
  bool mixed = false;
  auto see = [&](KernelVerdict k) {
    if (uniform && *uniform != k) mixed = true;
    uniform = k;
  };
  call.filesystem =
      plan.policy.filesystem.present && (fs::find_path_call(call.name) != nullptr || names_address(call.name));
  call.network = plan.policy.network.present && is_network_call(call.name);
  call.reads_memory = call.filesystem || call.network;
  for (const auto& cr : call.rules)
    for (const auto& t : cr.tests) call.reads_memory = call.reads_memory || !t.scalar();
  // What the filter sees: a rule with memory tests traces as soon as its scalar
  // tests hold, so with no scalar tests nothing after it reaches the kernel's decision.
  bool filter_reaches_default = true;
  for (const auto& cr : call.rules) {
    see(kernel_of(cr));
    bool scalar_only_gate = cr.rule->note == Rule::kNoNote;
    bool any_scalar = false;
    for (const auto& t : cr.tests) any_scalar = any_scalar || t.scalar();
    if (scalar_only_gate && !any_scalar) {
      filter_reaches_default = false;
      break;
    }
  }
  if (reaches_default && filter_reaches_default) {
    const Action& d = plan.policy.default_action;
    see(call.filesystem || call.network ? KernelVerdict::Trace
                                        : (d.kind == Action::Kind::Allow ? KernelVerdict::Allow : KernelVerdict::Trace));
  }
  call.kernel = mixed ? KernelVerdict::ByArgs : *uniform;
  return call;
}

void compile_sections(Plan& plan) {
  const auto& f = plan.policy.filesystem;
  auto globs = [](const std::vector<std::string>& v) {
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

bool CompiledTest::holds(std::uint64_t arg) const {
  if (fixed != Fixed::No) return fixed == Fixed::Always;
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
    default: return false;  // memory tests are decided with the tracee's memory
  }
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
  plan.scratch = scratch_layout();
  plan.builtin_rules = builtin_rules(plan.policy, plan.scratch);
  compile_sections(plan);
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

namespace {

Decision deny(int error, Decision::Source source) { return {{Action::Kind::Deny, error}, true, source, nullptr}; }
constexpr auto kFs = Decision::Source::Filesystem;
constexpr auto kNet = Decision::Source::Network;

bool any_match(const std::vector<fs::PathPattern>& pats, const fs::ResolvedPath& path) {
  for (const auto& p : pats)
    if (p.matches(path.path) || (!path.self_alias.empty() && p.matches(path.self_alias))) return true;
  return false;
}

bool any_below(const std::vector<fs::PathPattern>& pats, const fs::ResolvedPath& path) {
  for (const auto& p : pats)
    if (p.has_below(path.path) || (!path.self_alias.empty() && p.has_below(path.self_alias))) return true;
  return false;
}

// A test on memory: nullopt when the memory cannot be read (the call then
// fails as the kernel would fail it).
std::optional<bool> memory_test_holds(const CompiledTest& t, CallMemory* memory, int& error) {
  if (memory == nullptr) {
    error = EFAULT;
    return std::nullopt;
  }
  if (!t.paths.empty()) {
    const fs::ResolvedPath* p = memory->path(t.index, error);
    if (p == nullptr) return std::nullopt;
    if (!p->is_file) return false;
    return any_match(t.paths, *p);
  }
  const auto* addrs = memory->addresses(error);
  if (addrs == nullptr) return std::nullopt;
  if (addrs->empty()) return t.op == ArgTest::Op::AddrNotIn;
  for (const auto& a : *addrs) {
    bool any = false;
    for (const auto& pat : t.addrs) any = any || pat.matches(a);
    if (t.op == ArgTest::Op::AddrIn && !any) return false;
    if (t.op == ArgTest::Op::AddrNotIn && any) return false;
  }
  return true;
}

// The filesystem section's answer for one resolved path.
bool filesystem_allows(const CompiledFilesystem& f, const fs::ResolvedPath& p, fs::Access access) {
  if (!p.is_file) return access == fs::Access::Stat;  // pipes, sockets, memfds, deleted files
  if (any_match(f.deny, p)) return false;
  if (!f.deny_inodes.empty() && p.exists) {
    // lstat: the path is already resolved as the call resolves it, so a last
    // component that is still a symlink is one the call does not follow.
    struct stat st{};
    if (lstat(p.path.c_str(), &st) == 0)
      for (const auto& [dev, ino] : f.deny_inodes)
        if (st.st_dev == dev && st.st_ino == ino) return false;
  }
  switch (access) {
    case fs::Access::Exec: return any_match(f.exec, p);
    case fs::Access::Write: return any_match(f.write, p);
    case fs::Access::Read: return any_match(f.read, p) || any_match(f.write, p) || any_match(f.exec, p);
    case fs::Access::Stat:
      return any_match(f.read, p) || any_match(f.write, p) || any_match(f.exec, p) || any_below(f.read, p) ||
             any_below(f.write, p) || any_below(f.exec, p);
  }
  return false;
}

std::optional<Decision> filesystem_decision(const Plan& plan, const CallPlan& call, const std::uint64_t args[6],
                                            CallMemory* memory) {
  const fs::PathCall* pc = fs::find_path_call(call.name);
  if (pc == nullptr) return std::nullopt;
  const auto& f = plan.filesystem;
  for (int i = 0; i < pc->count; ++i) {
    const fs::PathArg& a = pc->args[i];
    int error = EFAULT;
    const fs::ResolvedPath* p = memory != nullptr ? memory->path(a.path, error) : nullptr;
    if (p == nullptr) {
      // The kernel would fail this lookup itself: fail it the same way, not a
      // denial. EFAULT (unreadable, or in memory another process can rewrite) is reported.
      Decision d = deny(error, kFs);
      d.log = error == EFAULT;
      return d;
    }
    fs::Access access = fs::access_of(a, args);
    // An already open descriptor (fstat, fchown via AT_EMPTY_PATH): no path is
    // looked up. Executing one (fexecve) is still checked.
    if (p->via_fd && access != fs::Access::Exec) continue;
    if (!filesystem_allows(f, *p, access)) return deny(f.error, kFs);
  }
  return Decision{{Action::Kind::Allow, 0}, false, kFs, nullptr};
}

// UNIX socket paths are files: resolved like any path (relative to the cwd,
// `..`, symlinks) before they are matched. `follow`: connect follows a final
// symlink, bind creates the name.
std::optional<net::SocketAddress> resolved_unix(const net::SocketAddress& a, CallMemory* memory, bool follow,
                                                int& error, const fs::ResolvedPath** out = nullptr) {
  if (a.family != AF_UNIX || a.abstract || a.unnamed) return a;
  const fs::ResolvedPath* p = memory->resolve(a.unix_path, follow, error);
  if (p == nullptr) return std::nullopt;
  if (out != nullptr) *out = p;
  net::SocketAddress r = a;
  r.unix_path = p->path;
  return r;
}

std::optional<Decision> network_decision(const Plan& plan, const CallPlan& call, const std::uint64_t args[6],
                                         CallMemory* memory) {
  const auto& n = plan.network;
  if (call.name == "socket") {
    auto family = static_cast<int>(args[0]);
    auto type = static_cast<int>(args[1]);
    for (const auto& p : n.allow)
      if (p.allows_socket(family, type)) return Decision{{Action::Kind::Allow, 0}, false, kNet, nullptr};
    return deny(EAFNOSUPPORT, kNet);
  }
  int error = EFAULT;
  const auto* addrs = memory != nullptr ? memory->addresses(error) : nullptr;
  if (addrs == nullptr) {
    Decision d = deny(error, kNet);
    d.log = error != ESRCH;  // ESRCH: the task is exiting, its call never runs
    return d;
  }
  for (const auto& raw : *addrs) {
    if (raw.family == AF_UNSPEC && call.name == "connect") continue;  // dissolves an association
    net::SocketAddress a = raw;
    if (a.family == AF_UNSPEC) a.family = AF_INET;  // what IPv4 sendto and bind make of it
    int e = EFAULT;
    auto r = resolved_unix(a, memory, call.name != "bind", e);
    if (!r) {
      Decision d = deny(e, kNet);
      d.log = e == EFAULT;
      return d;
    }
    bool ok = false;
    for (const auto& p : n.allow) ok = ok || p.matches(*r);
    if (!ok) return deny(n.error, kNet);
  }
  return Decision{{Action::Kind::Allow, 0}, false, kNet, nullptr};
}

// A UNIX socket path is a file to the filesystem section: bind() creates it
// (a write), connect() and sending to it need write permission on it, as the
// kernel's own check does.
std::optional<Decision> unix_socket_decision(const Plan& plan, const CallPlan& call, CallMemory* memory) {
  int error = EFAULT;
  const auto* addrs = memory != nullptr ? memory->addresses(error) : nullptr;
  if (addrs == nullptr) {
    Decision d = deny(error, kFs);
    d.log = error != ESRCH;
    return d;
  }
  const bool creates = call.name == "bind";
  for (const auto& a : *addrs) {
    if (a.family != AF_UNIX || a.abstract || a.unnamed) continue;
    int e = EFAULT;
    const fs::ResolvedPath* p = nullptr;
    if (!resolved_unix(a, memory, !creates, e, &p)) {
      Decision d = deny(e, kFs);
      d.log = e == EFAULT;
      return d;
    }
    if (p != nullptr && !filesystem_allows(plan.filesystem, *p, fs::Access::Write)) return deny(plan.filesystem.error, kFs);
  }
  return std::nullopt;
}

}  // namespace

Decision decide(const Plan& plan, Abi abi, long nr, const std::uint64_t args[6], CallMemory* memory) {
  const AbiPlan* ap = plan.abi(abi);
  if (ap == nullptr || !ap->allowed) return {{Action::Kind::Kill, 0}, true, Decision::Source::ForeignAbi, nullptr};
  const CallPlan* call = ap->find(nr);
  if (call == nullptr) return {{Action::Kind::Deny, ENOSYS}, false, Decision::Source::UnknownNumber, nullptr};
  std::uint8_t notes = 0;
  for (const auto& cr : call->rules) {
    bool match = true;
    for (const auto& t : cr.tests) {
      if (!match) break;
      if (t.scalar()) {
        match = t.holds(args[t.index]);
        continue;
      }
      int error = EFAULT;
      auto holds = memory_test_holds(t, memory, error);
      if (!holds) {
        // The kernel would fail the call itself: fail it the same way; only an
        // unreadable (or shared) argument is reported.
        Decision d = deny(error, Decision::Source::Rule);
        d.log = error == EFAULT;
        d.rule = cr.rule;
        return d;
      }
      match = *holds;
    }
    if (match && cr.rule->note != Rule::kNoNote) {
      notes |= cr.rule->note;
      continue;
    }
    if (match) {
      const Rule& r = *cr.rule;
      bool log = r.log || (r.action.kind == Action::Kind::Deny && !r.quiet) || r.action.kind == Action::Kind::Kill;
      Decision d{r.action, log, Decision::Source::Rule, &r};
      d.notes = notes;
      return d;
    }
  }
  auto noted = [notes](Decision d) {
    d.notes = notes;
    return d;
  };
  if (call->filesystem && names_address(call->name))
    if (auto d = unix_socket_decision(plan, *call, memory)) return noted(*d);
  if (call->filesystem)
    if (auto d = filesystem_decision(plan, *call, args, memory)) return noted(*d);
  if (call->network)
    if (auto d = network_decision(plan, *call, args, memory)) return noted(*d);
  const Action& d = plan.policy.default_action;
  bool log = d.kind != Action::Kind::Allow;
  Decision out{d, log, Decision::Source::Default, nullptr};
  out.notes = notes;
  return out;
}

}  // namespace sysgate::compile

namespace sysgate {
std::string Decision::reason() const {
  switch (source) {
    case Source::Rule: return rule != nullptr ? rule->label() : "rule";
    case Source::Default: return "default";
    case Source::UnknownNumber: return "unknown syscall number";
    case Source::ForeignAbi: return "ABI not allowed by the policy";
    case Source::Filesystem: return "filesystem section";
    case Source::Network: return "network section";
    case Source::CopyOnCheck: return "copy-on-check";
  }
  return "?";
}
}  // namespace sysgate
