// The decision for one call: the rules in order (built-in ones first), then
// the filesystem and network sections, then the default. The BPF filter
// (bpf_filter.cpp) and `explain` read the same semantics off the plan through
// reaches_default() and default_verdict(), so the three cannot disagree.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <cstdint>
#include <optional>

#include "compile/plan.hpp"
#include "fs/access_table.hpp"

namespace sysgate::compile {

bool decides_when_matched(const Rule& rule) {
  return rule.note == Rule::kNoNote && !rule.when && !rule.action.passes_on();
}

bool reaches_default(const CallPlan& call) {
  if (call.rules.empty()) return true;
  const CompiledRule& last = call.rules.back();
  return !last.tests.empty() || !decides_when_matched(*last.rule);
}

KernelVerdict rule_verdict(const CompiledRule& cr) {
  const Rule& r = *cr.rule;
  if (r.note != Rule::kNoNote || r.when) return KernelVerdict::Trace;
  for (const auto& t : cr.tests)
    if (!t.scalar()) return KernelVerdict::Trace;  // needs the tracee's memory
  return r.action.kind == Action::Kind::Allow && !r.log && r.action.delay_s == 0 ? KernelVerdict::Allow
                                                                                 : KernelVerdict::Trace;
}

namespace {
std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}
}  // namespace

void ScheduleState::undo(const Rule& rule, int tgid) {
  auto it = counts_.find({&rule, rule.when->per_process ? tgid : 0});
  if (it != counts_.end() && it->second > 0) --it->second;
}

bool ScheduleState::fire(const Rule& rule, int tgid, std::uint64_t& count) {
  count = ++counts_[{&rule, rule.when->per_process ? tgid : 0}];
  return rule.when->fires(count, seed_, fnv1a(rule.label()));
}

bool decided_by_sections(const CallPlan& call) { return call.filesystem || call.network; }

KernelVerdict default_verdict(const Plan& plan, const CallPlan& call) {
  if (decided_by_sections(call)) return KernelVerdict::Trace;
  if (call.view_answers) return KernelVerdict::Allow;
  return plan.policy.default_action.kind == Action::Kind::Allow ? KernelVerdict::Allow : KernelVerdict::Trace;
}

namespace {
bool has_scalar_test(const CompiledRule& cr) {
  for (const auto& t : cr.tests)
    if (t.scalar()) return true;
  return false;
}
}  // namespace

bool leaf_reaches_default(const CallPlan& call) {
  for (const auto& cr : call.rules)
    if (!has_scalar_test(cr)) return false;
  return reaches_default(call);
}

KernelVerdict leaf_verdict(const Plan& plan, const CallPlan& call, const std::uint64_t args[6]) {
  for (const auto& cr : call.rules) {
    bool holds = true;
    for (const auto& t : cr.tests) holds = holds && (!t.scalar() || t.holds(args[t.index]));
    if (holds) return rule_verdict(cr);
  }
  return reaches_default(call) ? default_verdict(plan, call) : KernelVerdict::Trace;
}

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

namespace {

Decision deny(int error, Decision::Source source) { return {{Action::Kind::Deny, error}, true, source, nullptr}; }
constexpr auto kFs = Decision::Source::Filesystem;
constexpr auto kNet = Decision::Source::Network;

bool any_match(const std::vector<fs::PathPattern>& pats, const fs::ResolvedPath& path) {
  const auto parts = fs::components(path.path);
  const auto alias = fs::components(path.self_alias);
  for (const auto& p : pats)
    if (p.matches(parts) || (!path.self_alias.empty() && p.matches(alias))) return true;
  return false;
}

// A test on memory: nullopt when the memory cannot be read (the call then
// fails as the kernel would fail it). `named`: a redirect's test, which reads
// the path as named also below a directory that does not exist.
std::optional<bool> memory_test_holds(const CompiledTest& t, CallMemory* memory, int& error, bool named) {
  if (memory == nullptr) {
    error = EFAULT;
    return std::nullopt;
  }
  if (!t.paths.empty()) {
    const fs::ResolvedPath* p = named ? memory->named_path(t.index, error) : memory->path(t.index, error);
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

// The filesystem section's answer for one resolved path, and which entry gave it.
struct FsAnswer {
  bool allowed = false;
  const char* list = nullptr;  // "read", "write", "exec", "deny"; null: no entry matched
  int index = -1;              // in that list
  bool by_inode = false;       // a denied file reached by another name (a hard link)
};

int first_match(const std::vector<fs::PathPattern>& pats, const fs::ResolvedPath& p, bool below = false) {
  if (pats.empty()) return -1;
  // Split once for all the list's patterns.
  const auto parts = fs::components(p.path);
  const auto alias = fs::components(p.self_alias);
  for (std::size_t i = 0; i < pats.size(); ++i) {
    const auto& pat = pats[i];
    bool m = below ? (pat.has_below(p.path) || (!p.self_alias.empty() && pat.has_below(p.self_alias)))
                   : (pat.matches(parts) || (!p.self_alias.empty() && pat.matches(alias)));
    if (m) return static_cast<int>(i);
  }
  return -1;
}

FsAnswer filesystem_allows(const CompiledFilesystem& f, const fs::ResolvedPath& p, fs::Access access) {
  if (!p.is_file) {
    // Reopening one's own pipe through /proc/self/fd (`echo x >/dev/stderr`
    // into a pipe) names no file; a deleted file or a memfd only allows stat,
    // so a descriptor cannot be reopened with more rights or executed.
    const bool pipe = p.path.starts_with("pipe:[") || p.path.starts_with("socket:[");
    return {access == fs::Access::Stat || (pipe && access != fs::Access::Exec)};
  }
  if (int i = first_match(f.deny, p); i >= 0) return {false, "deny", i};
  if (!f.deny_inodes.empty() && p.exists) {
    // lstat: the path is already resolved as the call resolves it, so a last
    // component that is still a symlink is one the call does not follow.
    struct stat st{};
    if (lstat(p.path.c_str(), &st) == 0)
      for (const auto& [dev, ino] : f.deny_inodes)
        if (st.st_dev == dev && st.st_ino == ino) return {false, "deny", -1, true};
  }
  auto in = [&](const char* name, const std::vector<fs::PathPattern>& pats, bool below = false) -> std::optional<FsAnswer> {
    if (int i = first_match(pats, p, below); i >= 0) return FsAnswer{true, name, i};
    return std::nullopt;
  };
  std::optional<FsAnswer> a;
  switch (access) {
    case fs::Access::Exec: a = in("exec", f.exec); break;
    case fs::Access::Write: a = in("write", f.write); break;
    case fs::Access::Read:
      if (!(a = in("read", f.read)) && !(a = in("write", f.write))) a = in("exec", f.exec);
      break;
    case fs::Access::Stat:
      if (!(a = in("read", f.read)) && !(a = in("write", f.write)) && !(a = in("exec", f.exec)) &&
          !(a = in("read", f.read, true)) && !(a = in("write", f.write, true)))
        a = in("exec", f.exec, true);
      break;
  }
  return a.value_or(FsAnswer{});
}

// "deny entry \"/etc/shadow\" at p.yaml:9:11" for the entry of a list.
std::string entry_text(const FilesystemSection& f, const char* list, int index) {
  if (list == nullptr) return "not a file (pipe, socket, memfd, deleted file)";
  const std::vector<std::string>* texts = std::string_view(list) == "read"    ? &f.read
                                          : std::string_view(list) == "write" ? &f.write
                                          : std::string_view(list) == "exec"  ? &f.exec
                                                                              : &f.deny;
  if (index < 0 || static_cast<std::size_t>(index) >= texts->size()) return std::string(list) + " entry";
  const std::string& text = (*texts)[static_cast<std::size_t>(index)];
  std::string s = std::string(list) + " entry \"" + text + "\"";
  auto it = f.where_of.find(std::string(list) + ":" + text);
  if (it != f.where_of.end()) s += " at " + it->second.str();
  return s;
}

// A YAML double-quoted scalar of `s`.
std::string yaml_quoted(const std::string& s) {
  std::string q = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      q += '\\';
      q += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      q += buf;
    } else {
      q += static_cast<char>(c);
    }
  }
  return q + "\"";
}

// The entry that would allow `access` to exactly `path`.
std::string suggest_entry(fs::Access access, const std::string& path) {
  const char* list = access == fs::Access::Exec ? "exec" : access == fs::Access::Write ? "write" : "read";
  return std::string("filesystem: {") + list + ": [" + yaml_quoted(path) + "]}";
}

// "no write entry matches (nearest: ...)": the entries of the list whose
// fixed part shares the most leading components with the path.
std::string no_entry_text(const FilesystemSection& f, const CompiledFilesystem& cf, fs::Access access,
                          const std::string& path) {
  const char* list = access == fs::Access::Exec ? "exec" : access == fs::Access::Write ? "write" : "read";
  const auto& pats = access == fs::Access::Exec ? cf.exec : access == fs::Access::Write ? cf.write : cf.read;
  std::string s = std::string("no ") + list + " entry matches";
  auto shared = [&](const std::string& base) {
    auto a = fs::components(base), b = fs::components(path);
    std::size_t n = 0;
    while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
    return n;
  };
  std::size_t best = 0;
  std::vector<int> nearest;
  for (std::size_t i = 0; i < pats.size(); ++i) {
    std::size_t n = shared(pats[i].literal_base());
    if (n > best) {
      best = n;
      nearest = {static_cast<int>(i)};
    } else if (n == best && n > 0 && nearest.size() < 2) {
      nearest.push_back(static_cast<int>(i));
    }
  }
  for (std::size_t k = 0; k < nearest.size(); ++k) s += (k == 0 ? " (nearest: " : "; ") + entry_text(f, list, nearest[k]);
  if (!nearest.empty()) s += ")";
  return s;
}

std::optional<Decision> filesystem_decision(const Plan& plan, const CallPlan& call, const std::uint64_t args[6],
                                            CallMemory* memory) {
  const fs::PathCall* pc = fs::find_path_call(call.name);
  if (pc == nullptr) return std::nullopt;
  const auto& f = plan.filesystem;
  std::string allowed_by;
  for (int i = 0; i < pc->count; ++i) {
    const fs::PathArg& a = pc->args[i];
    int error = EFAULT;
    const fs::ResolvedPath* p = memory != nullptr ? memory->path(a.path, error) : nullptr;
    if (p == nullptr) {
      // The kernel would fail this lookup itself: fail it the same way, not a
      // denial. EFAULT (unreadable, or in memory another process can rewrite) is reported.
      Decision d = deny(error, kFs);
      d.log = error == EFAULT;
      d.native = !d.log;
      d.probe = error == ENOENT;
      return d;
    }
    fs::Access access = fs::access_of(a, args);
    // An already open descriptor (fstat, fchown via AT_EMPTY_PATH): no path is
    // looked up. Executing one (fexecve) is still checked.
    if (p->via_fd && access != fs::Access::Exec) continue;
    FsAnswer answer = filesystem_allows(f, *p, access);
    if (answer.allowed) {
      allowed_by = entry_text(plan.policy.filesystem, answer.list, answer.index);
      continue;
    }
    Decision d = deny(f.error, kFs);
    if (answer.list != nullptr) {
      d.entry = answer.by_inode ? "a deny entry (the same file by another name)"
                                : entry_text(plan.policy.filesystem, answer.list, answer.index);
    } else if (p->is_file && !p->exists && !fs::creates_name(call.name, i, a, args)) {
      // Not there, and not named by a deny entry: what the program would see
      // without the sandbox; recorded as a probe, not a denial.
      d = deny(ENOENT, kFs);
      d.log = false;
      d.probe = true;
      d.entry = no_entry_text(plan.policy.filesystem, f, access, p->path) + "; the path does not exist";
    } else {
      d.entry = no_entry_text(plan.policy.filesystem, f, access, p->path);
      d.suggest = suggest_entry(access, p->path);
    }
    return d;
  }
  Decision d{{Action::Kind::Allow, 0}, false, kFs, nullptr};
  d.entry = allowed_by;
  return d;
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
    d.native = !d.log;
    return d;
  }
  std::string allowed_by;
  for (const auto& raw : *addrs) {
    if (raw.family == AF_UNSPEC && call.name == "connect") continue;  // dissolves an association
    net::SocketAddress a = raw;
    if (a.family == AF_UNSPEC) a.family = AF_INET;  // what IPv4 sendto and bind make of it
    int e = EFAULT;
    auto r = resolved_unix(a, memory, call.name != "bind", e);
    if (!r) {
      Decision d = deny(e, kNet);
      d.log = e == EFAULT;
      d.native = !d.log;
      return d;
    }
    int matched = -1;
    for (std::size_t i = 0; i < n.allow.size() && matched < 0; ++i)
      if (n.allow[i].matches(*r)) matched = static_cast<int>(i);
    if (matched < 0) {
      Decision d = deny(n.error, kNet);
      d.entry = "no allow entry matches " + r->str();
      if (r->family == AF_INET || r->family == AF_INET6 || (r->family == AF_UNIX && !r->unnamed))
        d.suggest = "network: {allow: [" + yaml_quoted(r->str()) + "]}";
      return d;
    }
    const std::string& text = plan.policy.network.allow[static_cast<std::size_t>(matched)];
    auto it = plan.policy.network.where_of.find(text);
    allowed_by = "allow entry \"" + text + "\"" + (it != plan.policy.network.where_of.end() ? " at " + it->second.str() : "");
  }
  Decision d{{Action::Kind::Allow, 0}, false, kNet, nullptr};
  d.entry = allowed_by;
  return d;
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
    d.native = !d.log;
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
      d.native = !d.log;
      return d;
    }
    if (p != nullptr && !filesystem_allows(plan.filesystem, *p, fs::Access::Write).allowed) {
      Decision d = deny(plan.filesystem.error, kFs);
      d.entry = no_entry_text(plan.policy.filesystem, plan.filesystem, fs::Access::Write, p->path);
      d.suggest = suggest_entry(fs::Access::Write, p->path);
      return d;
    }
  }
  return std::nullopt;
}

}  // namespace

namespace {

// A redirect's new path for `path` (a resolved path its test matched); empty
// when the redirect does not apply: the walk did not reach the file or
// directory by its name (it started at a descriptor or a /proc magic link
// inside it, as a mount would not be crossed either), or the path is already
// where the redirect leads.
std::string redirected(const CompiledRule& cr, const fs::ResolvedPath& path) {
  const std::string& from = path.path;
  if (path.via_fd || path.walk_start == from) return {};
  if (!cr.redirect_tail) return cr.redirect_to;
  if (fs::PathPattern(fs::PathPattern::Kind::Prefix, cr.redirect_from).matches(path.walk_start)) return {};
  if (fs::PathPattern(fs::PathPattern::Kind::Prefix, cr.redirect_to).matches(from)) return {};
  std::string tail = cr.redirect_from == "/" ? from : from.substr(std::min(from.size(), cr.redirect_from.size()));
  if (cr.redirect_to == "/") return tail.empty() ? "/" : tail;
  return cr.redirect_to + tail;
}

}  // namespace

Decision decide(const Plan& plan, Abi abi, long nr, const std::uint64_t args_in[6], CallMemory* memory,
                ScheduleState* schedules, int tgid) {
  const AbiPlan* ap = plan.abi(abi);
  if (ap == nullptr || !ap->allowed) return {{Action::Kind::Kill, 0}, true, Decision::Source::ForeignAbi, nullptr};
  const CallPlan* call = ap->find(nr);
  if (call == nullptr) return {{Action::Kind::Deny, ENOSYS}, false, Decision::Source::UnknownNumber, nullptr};
  // What Rewrite and Redirect rules change on the way is carried into the
  // decision, whoever makes it; later tests see the new values.
  std::uint64_t args[6];
  for (int i = 0; i < 6; ++i) args[i] = args_in[i];
  Decision changes;
  auto with_changes = [&changes](Decision d) {
    d.notes = changes.notes;
    d.edits = std::move(changes.edits);
    d.redirects = std::move(changes.redirects);
    d.fired = std::move(changes.fired);
    d.delay_s = std::max(d.delay_s, changes.delay_s);
    return d;
  };
  for (const auto& cr : call->rules) {
    // The scalar tests first, as the filter's leaf does (leaf_verdict): a rule
    // they exclude reads no memory, so an unreadable argument cannot decide a
    // call the rule does not match.
    bool match = true;
    for (const auto& t : cr.tests)
      if (match && t.scalar()) match = t.holds(args[t.index]);
    for (const auto& t : cr.tests) {
      if (!match) break;
      if (t.scalar()) continue;
      int error = EFAULT;
      auto holds = memory_test_holds(t, memory, error, cr.rule->action.kind == Action::Kind::Redirect);
      if (!holds) {
        // The kernel would fail the call itself: fail it the same way; only an
        // unreadable (or shared) argument is reported.
        Decision d = deny(error, Decision::Source::Rule);
        d.log = error == EFAULT;
        d.native = !d.log;
        d.rule = cr.rule;
        return with_changes(d);
      }
      match = *holds;
    }
    if (!match) continue;
    const Rule& r = *cr.rule;
    if (r.note != Rule::kNoNote) {
      changes.notes |= r.note;
      continue;
    }
    if (r.when) {
      std::uint64_t count = 0;
      if (schedules == nullptr || !schedules->fire(r, tgid, count)) continue;  // not firing: no match
      changes.fired.emplace_back(&r, count);
    }
    if (r.action.kind == Action::Kind::Rewrite) {
      for (const auto& e : cr.edits) {
        std::uint64_t now = e.edit->apply(args[e.index], e.is32, e.is_signed);
        if (now == args[e.index]) continue;
        auto same = [&](const Decision::ArgChange& c) { return c.index == e.index; };
        auto it = std::find_if(changes.edits.begin(), changes.edits.end(), same);
        if (it == changes.edits.end()) changes.edits.push_back({e.index, args[e.index], now});
        else it->to = now;
        args[e.index] = now;
      }
      changes.delay_s = std::max(changes.delay_s, r.action.delay_s);
      continue;
    }
    if (r.action.kind == Action::Kind::Redirect) {
      int error = EFAULT;
      const fs::ResolvedPath* from = memory != nullptr ? memory->named_path(cr.redirect_index, error) : nullptr;
      std::string to = from != nullptr ? redirected(cr, *from) : std::string();
      if (from == nullptr || to.empty()) continue;
      std::string was = from->path;
      if (memory->redirect(cr.redirect_index, to, error) == nullptr) {
        // The new path cannot be looked up as the call would (a missing
        // directory): the call fails as it would on that path.
        Decision d = deny(error, Decision::Source::Rule);
        d.log = false;
        d.rule = &r;
        changes.redirects.push_back({cr.redirect_index, was, to});
        return with_changes(d);
      }
      changes.redirects.push_back({cr.redirect_index, was, to});
      changes.delay_s = std::max(changes.delay_s, r.action.delay_s);
      continue;
    }
    bool log = r.log || (r.action.kind == Action::Kind::Deny && !r.quiet) || r.action.kind == Action::Kind::Kill;
    Decision d{r.action, log, Decision::Source::Rule, &r};
    d.delay_s = r.action.delay_s;
    return with_changes(d);
  }
  if (call->filesystem && names_address(call->name))
    if (auto d = unix_socket_decision(plan, *call, memory)) return with_changes(*d);
  if (call->filesystem)
    if (auto d = filesystem_decision(plan, *call, args, memory)) return with_changes(*d);
  if (call->network)
    if (auto d = network_decision(plan, *call, args, memory)) return with_changes(*d);
  if (call->view_answers) {
    // Stopped only where every call stops (the ptrace engine): the view answers it.
    Decision d{{Action::Kind::Allow, 0}, false, kFs, nullptr};
    d.entry = "the view answers stat-like calls";
    return with_changes(d);
  }
  const Action& d = plan.policy.default_action;
  bool log = d.kind != Action::Kind::Allow;
  Decision out{d, log, Decision::Source::Default, nullptr};
  if (log) out.suggest = "rules: [{syscalls: [" + call->name + "], action: allow}]";
  return with_changes(std::move(out));
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
