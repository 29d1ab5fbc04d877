#include "learn/policy_builder.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <set>
#include <stdexcept>

#include "arch/abi.hpp"
#include "arch/syscall_table.hpp"
#include "compile/plan.hpp"
#include "fs/access_table.hpp"
#include "fs/path_pattern.hpp"
#include "learn/pattern_set.hpp"
#include "net/socket_address.hpp"

namespace sysgate::learn {
namespace {

// Calls a filesystem or network section decides when no rule does: a rule
// allowing one would decide it before the section looks at its path or address.
bool section_call(std::string_view name) {
  return fs::find_path_call(name) != nullptr || compile::names_address(name) || name == "socket";
}

bool network_call(std::string_view name) { return name == "socket" || compile::names_address(name); }

// A call named by number in the log ("syscall_500"): its number, else -1.
long unnamed_number(const std::string& name) {
  if (name.rfind("syscall_", 0) != 0 || name.size() == 8) return -1;
  char* end = nullptr;
  long n = std::strtol(name.c_str() + 8, &end, 10);
  return *end == '\0' ? n : -1;
}

bool on_x86_64(std::string_view name) { return arch::syscall_number(Abi::X86_64, name) >= 0; }

std::string count_of(std::uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string use_note(const Use& u) { return count_of(u.count, "call", "calls") + "; first: " + u.first.text(); }

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : sep) + i;
  return s;
}

// The first rule of `base` that names `name` on x86_64.
const Rule* base_rule(const Policy& base, const std::string& name) {
  const arch::SyscallSpec* spec = arch::find_syscall(name);
  long nr = spec != nullptr ? arch::syscall_number(Abi::X86_64, name) : unnamed_number(name);
  for (const auto& r : base.rules)
    for (const auto& s : r.syscalls) {
      bool hit = false;
      switch (s.kind) {
        case SyscallSelector::Kind::Name: hit = s.name == name; break;
        case SyscallSelector::Kind::Group: hit = spec != nullptr && (spec->groups & s.group) != 0; break;
        case SyscallSelector::Kind::All: hit = true; break;
        case SyscallSelector::Kind::Number: hit = nr >= 0 && s.number == nr; break;
      }
      if (hit) return &r;
    }
  return nullptr;
}

// A filesystem section's lists, ready to be asked about many paths: whether
// they allow an access as compile/decide.cpp decides it (deny first; stat
// also on the way to an entry).
struct Lists {
  PatternSet read, write, exec, deny;
  bool allows(fs::Access access, const std::string& path) const {
    if (deny.matches(path)) return false;
    switch (access) {
      case fs::Access::Exec: return exec.matches(path);
      case fs::Access::Write: return write.matches(path);
      case fs::Access::Read: return read.matches(path) || write.matches(path) || exec.matches(path);
      case fs::Access::Stat: return read.reaches(path) || write.reaches(path) || exec.reaches(path);
    }
    return false;
  }
};

std::vector<std::string> patterns_of(const std::vector<PathEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.pattern);
  return out;
}

class Builder {
 public:
  Builder(const Observations& o, const LearnOptions& opt, const FileSystemView& f) : obs_(o), opt_(opt), fs_(f) {
    if (opt_.base_policy != nullptr && opt_.base_policy->filesystem.present) {
      const auto& b = opt_.base_policy->filesystem;
      base_lists_ = Lists{PatternSet(b.read), PatternSet(b.write), PatternSet(b.exec), PatternSet(b.deny)};
    }
  }

  LearnedPolicy run() {
    Policy& p = out_.policy;
    p.name = opt_.name;
    p.abis = {Abi::X86_64};
    p.default_action = {Action::Kind::Deny, EPERM};
    substitutions();
    if (opt_.base) out_.includes.push_back(*opt_.base);
    rules();
    filesystem();
    network();
    out_.notes.above["default"] = {"Every call no rule or section allows is refused, and reported."};
    out_.summary.push_back("default: deny EPERM for every other call");
    if (opt_.base)
      out_.summary.push_back("include " + *opt_.base + ": " + std::to_string(base_calls_) +
                             " calls left to its rules, " + std::to_string(base_paths_) + " paths it already allows");
    warnings();
    header();
    return std::move(out_);
  }

 private:
  void substitutions() {
    auto add = [&](const std::string& dir, const char* var) {
      if (dir.empty() || dir == "/" || dir[0] != '/') return;
      std::string d = fs::normalize(dir);
      for (const auto& s : out_.substitutions)
        if (s.dir == d) return;  // ${CWD} wins over the others for the same directory
      out_.substitutions.push_back({d, var});
    };
    add(opt_.cwd, "${CWD}");
    add(opt_.home, "${HOME}");
    add(opt_.tmpdir, "${TMPDIR}");
  }

  void header() {
    auto& h = out_.notes.header;
    h.push_back("Learned by `sysgate learn --generalise " + std::string(to_string(opt_.generalise)) + "` from " +
                join(opt_.sources) + ".");
    h.push_back("It allows what the recorded runs did and refuses everything else: review it before use.");
    std::vector<std::string> vars;
    for (const auto& s : out_.substitutions) vars.push_back(s.var + " = " + s.dir);
    if (!vars.empty()) h.push_back("When learned: " + join(vars) + ".");
  }

  void rules() {
    std::set<std::string> made;
    for (const auto& [name, u] : obs_.syscalls) {
      if (section_call(name)) continue;
      if (opt_.base_policy != nullptr)
        if (const Rule* r = base_rule(*opt_.base_policy, name)) {
          ++base_calls_;
          bool refuses = r->args.empty() && !r->when &&
                         (r->action.kind == Action::Kind::Deny || r->action.kind == Action::Kind::Kill);
          if (refuses)
            out_.warnings.push_back(name + ": the base's rule " + r->label() + " refuses it, and the run made it (" +
                                    use_note(u.use) + "): left to the base");
          continue;
        }
      made.insert(name);
    }
    no_wx();
    calls_made(made);
    calls_not_made();
  }

  void no_wx() {
    std::vector<std::string> calls;
    for (const char* c : {"mmap", "mprotect", "pkey_mprotect"})
      if (obs_.syscalls.count(c) != 0) calls.push_back(c);
    if (calls.empty()) return;
    if (obs_.writable_executable.count > 0) {
      out_.warnings.push_back("the run mapped memory both writable and executable (" +
                              use_note(obs_.writable_executable) + "): no rule refuses such mappings");
      return;
    }
    Rule r;
    r.name = kRuleNoWx;
    for (const auto& c : calls) r.syscalls.push_back(name_selector(c));
    ArgTest t;
    t.arg = "prot";
    t.op = ArgTest::Op::All;
    t.values = {PROT_WRITE, PROT_EXEC};
    r.args.push_back(t);
    r.action = {Action::Kind::Deny, EACCES};
    out_.notes.above["rule:" + r.name] = {"The run never mapped memory both writable and executable: refused."};
    out_.summary.push_back("rule " + r.name + ": " + join(calls) + " with PROT_WRITE and PROT_EXEC both set refused");
    out_.policy.rules.push_back(std::move(r));
  }

  static SyscallSelector name_selector(const std::string& name) {
    SyscallSelector s;
    long nr = unnamed_number(name);
    if (nr >= 0 && arch::find_syscall(name) == nullptr) {
      s.kind = SyscallSelector::Kind::Number;
      s.number = nr;
    } else {
      s.kind = SyscallSelector::Kind::Name;
      s.name = name;
    }
    return s;
  }

  void calls_made(const std::set<std::string>& made) {
    if (made.empty()) return;
    Rule r;
    r.name = kRuleMade;
    r.action = {Action::Kind::Allow, 0};
    const std::string key = "rule:" + r.name + ":";
    // Groups the run used whole, the largest first.
    struct Group {
      const arch::GroupName* group;
      std::vector<std::string> members;
    };
    std::vector<Group> whole;
    for (const auto& g : arch::all_groups()) {
      Group c{&g, {}};
      bool all = true;
      for (const auto& s : arch::all_syscalls())
        if ((s.groups & g.bit) != 0 && on_x86_64(s.name)) {
          c.members.emplace_back(s.name);
          all = all && made.count(std::string(s.name)) != 0;
        }
      if (all && c.members.size() >= 2) whole.push_back(std::move(c));
    }
    std::stable_sort(whole.begin(), whole.end(),
                     [](const Group& a, const Group& b) { return a.members.size() > b.members.size(); });
    std::set<std::string> covered;
    std::vector<std::string> group_names;
    for (const auto& g : whole) {
      if (std::all_of(g.members.begin(), g.members.end(), [&](const std::string& m) { return covered.count(m) != 0; }))
        continue;
      SyscallSelector s;
      s.kind = SyscallSelector::Kind::Group;
      s.name = std::string(g.group->name);
      s.group = g.group->bit;
      Use all;
      for (const auto& m : g.members) {
        covered.insert(m);
        all.merge(obs_.syscalls.at(m).use);
      }
      out_.notes.beside[key + selector_text(s)] =
          "all " + std::to_string(g.members.size()) + " calls of the group, " + use_note(all);
      group_names.push_back(selector_text(s));
      r.syscalls.push_back(s);
    }
    std::size_t names = 0;
    for (const auto& name : made) {
      if (covered.count(name) != 0) continue;
      SyscallSelector s = name_selector(name);
      out_.notes.beside[key + selector_text(s)] = use_note(obs_.syscalls.at(name).use);
      r.syscalls.push_back(s);
      ++names;
    }
    out_.notes.above["rule:" + r.name] = {"The calls the run made that no section decides."};
    std::string line = "rule " + r.name + ": " + count_of(made.size(), "call", "calls") + " allowed";
    if (!group_names.empty()) line += " (" + count_of(names, "name", "names") + " and " + join(group_names) + ")";
    out_.summary.push_back(line);
    out_.policy.rules.push_back(std::move(r));
  }

  void calls_not_made() {
    Rule r;
    r.name = kRuleNotMade;
    r.action = {Action::Kind::Deny, EPERM};
    for (const auto& s : arch::all_syscalls()) {
      std::string name(s.name);
      if (!on_x86_64(name) || !section_call(name) || obs_.syscalls.count(name) != 0) continue;
      if (opt_.base_policy != nullptr && base_rule(*opt_.base_policy, name) != nullptr) continue;
      r.syscalls.push_back(name_selector(name));
    }
    if (r.syscalls.empty()) return;
    out_.notes.above["rule:" + r.name] = {
        "Path and socket calls the run did not make: refused here, before the filesystem and",
        "network sections below would decide them by their paths and addresses."};
    out_.summary.push_back("rule " + r.name + ": " +
                           count_of(r.syscalls.size(), "path or socket call", "path and socket calls") +
                           " the run did not make refused");
    out_.policy.rules.push_back(std::move(r));
  }

  bool base_allows(fs::Access a, const std::string& path) const { return base_lists_ && base_lists_->allows(a, path); }

  std::map<std::string, Use> without_base(const std::map<std::string, Use>& in, fs::Access a) {
    std::map<std::string, Use> out;
    for (const auto& [p, u] : in) {
      if (base_allows(a, p)) {
        ++base_paths_;
        continue;
      }
      out.emplace(p, u);
    }
    return out;
  }

  void filesystem() {
    GeneraliseOptions g;
    g.mode = opt_.generalise;
    g.depth = std::max(1, opt_.depth);
    for (const auto& s : out_.substitutions) g.roots.push_back(s.dir);
    // Shared with other programs even when the run's directory is one of them.
    for (const auto* d : {&opt_.home, &opt_.tmpdir})
      if (!d->empty() && (*d)[0] == '/') g.shared_dirs.push_back(fs::normalize(*d));
    std::map<std::string, Use> exec = obs_.by_access(fs::Access::Exec);
    std::map<std::string, Use> write = obs_.by_access(fs::Access::Write);
    // A script's interpreter is executed too (Landlock checks it).
    if (fs_.interpreter)
      for (const auto& [p, u] : obs_.by_access(fs::Access::Exec))
        if (std::string i = fs_.interpreter(p); !i.empty()) exec[i].merge(u);
    // A UNIX socket's path is a file the socket calls write (see the network section).
    for (const auto& [a, u] : obs_.addresses) {
      if (a.rfind("unix:/", 0) != 0) continue;
      std::string p = fs_.resolve_parent ? fs_.resolve_parent(a.substr(5)) : a.substr(5);
      unix_paths_[a] = p;
      write[p].merge(u);
    }
    for (const auto& [p, u] : write) g.written.insert(p);
    exec = without_base(exec, fs::Access::Exec);
    write = without_base(write, fs::Access::Write);
    auto exec_entries = generalise(exec, g, fs_);
    auto write_entries = generalise(write, g, fs_);
    // What the write and exec entries cover needs no read entry.
    Lists learned{{}, PatternSet(patterns_of(write_entries)), PatternSet(patterns_of(exec_entries)), {}};
    std::map<std::string, Use> read;
    for (const auto& [p, u] : without_base(obs_.by_access(fs::Access::Read), fs::Access::Read))
      if (!learned.write.matches(p) && !learned.exec.matches(p)) read.emplace(p, u);
    auto read_entries = generalise(read, g, fs_);
    // A stat needs an entry only where no entry reaches (a file, or a directory on the way).
    std::size_t stat_only = 0;
    learned.read = PatternSet(patterns_of(read_entries));
    for (const auto& [p, u] : obs_.by_access(fs::Access::Stat)) {
      if (learned.allows(fs::Access::Stat, p)) continue;
      if (base_allows(fs::Access::Stat, p)) {
        ++base_paths_;
        continue;
      }
      read[p].merge(u);
      ++stat_only;
    }
    if (stat_only > 0) read_entries = generalise(read, g, fs_);
    FilesystemSection& f = out_.policy.filesystem;
    f.present = true;
    list("read", read_entries, f.read, stat_only);
    list("write", write_entries, f.write, 0);
    list("exec", exec_entries, f.exec, 0);
    out_.notes.above["filesystem"] = {
        "Paths by the access each call made; a glob stands for the files it is commented with."};
  }

  void list(const char* key, const std::vector<PathEntry>& entries, std::vector<std::string>& into,
            std::size_t stat_only) {
    std::uint64_t paths = 0;
    std::size_t globs = 0;
    if (entries.empty()) return;
    for (const auto& e : entries) {
      into.push_back(e.pattern);
      paths += e.paths;
      std::string note;
      if (e.kind == PathEntry::Kind::Exact) {
        note = use_note(e.use);
      } else {
        note = count_of(e.paths, "path", "paths") + ", " + use_note(e.use);
        ++globs;
      }
      out_.notes.beside[std::string(key) + ":" + e.pattern] = note;
    }
    std::string line = std::string("filesystem ") + key + ": " + count_of(entries.size(), "entry", "entries");
    if (globs > 0) line += " (" + count_of(globs, "glob", "globs") + ")";
    line += " for " + count_of(paths, "path", "paths");
    if (stat_only > 0) line += " (" + std::to_string(stat_only) + " only looked at)";
    out_.summary.push_back(line);
  }

  void network() {
    bool used = false;
    for (const auto& [name, u] : obs_.syscalls) used = used || network_call(name);
    if (!used) return;
    std::map<std::string, Use> allow;
    auto add = [&](const std::string& pattern, const Use& u) {
      try {
        net::AddressPattern check(pattern);
      } catch (const std::invalid_argument& e) {
        out_.warnings.push_back("network: '" + pattern + "' cannot be allowed: " + e.what());
        return;
      }
      allow[pattern].merge(u);
    };
    for (const auto& [a, u] : obs_.addresses) {
      if (a == "unix:(unnamed)") {
        add("unix", u);  // an autobind: only `unix` allows it
      } else if (a.rfind("unix:@", 0) == 0) {
        add(a, u);
      } else if (a.rfind("unix:/", 0) == 0) {
        add("unix:" + unix_paths_.at(a), u);
      } else if (a.rfind("unix:", 0) == 0) {
        out_.warnings.push_back("network: the UNIX socket path '" + a.substr(5) + "' is relative (" + use_note(u) +
                                "): allowed as any UNIX address");
        add("unix", u);
      } else {
        add(a, u);
      }
    }
    // Each socket family used needs a pattern of that family.
    auto has = [&](auto pred) {
      return std::any_of(allow.begin(), allow.end(), [&](const auto& kv) { return pred(kv.first); });
    };
    auto is_unix = [](const std::string& p) { return p.rfind("unix", 0) == 0; };
    auto is_v6 = [](const std::string& p) { return !p.empty() && p[0] == '['; };
    auto is_v4 = [](const std::string& p) { return !p.empty() && std::isdigit(static_cast<unsigned char>(p[0])); };
    for (const auto& [family, u] : obs_.families) {
      if (family == "AF_UNIX" || family == "AF_LOCAL") {
        if (!has(is_unix)) placeholder("unix:@sysgate-learn-no-address", "AF_UNIX", u, allow);
      } else if (family == "AF_INET") {
        if (!has(is_v4) && obs_.raw_sockets.count == 0) placeholder("255.255.255.255:0", "AF_INET", u, allow);
      } else if (family == "AF_INET6") {
        if (!has(is_v6) && obs_.raw_sockets.count == 0) placeholder("[ff0f::]:0", "AF_INET6", u, allow);
      } else if (family == "AF_NETLINK") {
        allow["netlink"].merge(u);
      } else {
        out_.warnings.push_back("socket(" + family + ") was made (" + use_note(u) +
                                "): no network pattern allows that family");
      }
    }
    if (obs_.raw_sockets.count > 0) allow["raw"].merge(obs_.raw_sockets);
    NetworkSection& n = out_.policy.network;
    n.present = true;
    for (const auto& [pattern, u] : allow) {
      n.allow.push_back(pattern);
      if (out_.notes.beside.count("allow:" + pattern) == 0) out_.notes.beside["allow:" + pattern] = use_note(u);
    }
    if (n.allow.empty()) n.allow.push_back("none");
    out_.notes.above["network"] = {
        "Addresses the run connected to, bound or sent to, and the socket families it used."};
    std::string line = "network allow: " + count_of(allow.size(), "entry", "entries") + " for " +
                       count_of(obs_.addresses.size(), "address", "addresses");
    if (obs_.unaddressed_sends.count > 0)
      line += " (sendmsg/sendmmsg destinations are not in the log: only sends on connected sockets are learned)";
    out_.summary.push_back(line);
  }

  void placeholder(const std::string& pattern, const std::string& family, const Use& u,
                   std::map<std::string, Use>& allow) {
    allow[pattern].merge(u);
    out_.notes.beside["allow:" + pattern] =
        "socket(" + family + ") with no address: " + "allows the family and no address the run could use; " +
        use_note(u);
  }

  void warnings() {
    auto& w = out_.warnings;
    for (const auto& [name, su] : obs_.syscalls) {
      if (su.paths.empty() && su.unresolved > 0 && su.unresolved == su.use.count) {
        w.push_back(name + ": only seen failing: every call (" + std::to_string(su.use.count) +
                    ") named a path that does not resolve, which the filesystem section fails the same way");
        continue;
      }
      if (su.paths.empty() || !fs_.exists) continue;
      bool all_missing = std::all_of(su.paths.begin(), su.paths.end(), [&](const std::string& p) {
        bool written = obs_.by_access(fs::Access::Write).count(p) != 0;
        return p.find('*') == std::string::npos && !written && !fs_.exists(p);
      });
      if (all_missing)
        w.push_back(name + ": only seen failing: every path it named does not exist (" +
                    count_of(su.paths.size(), "path", "paths") + ", e.g. " + *su.paths.begin() +
                    "); allowed, so that it fails as it did");
    }
    for (const auto& [what, u] : obs_.refused)
      w.push_back("refused while recorded, not allowed: " + what + ", " + use_note(u));
    for (const auto& [what, u] : obs_.foreign)
      w.push_back("a call of another ABI (" + what + ", " + use_note(u) + "): the policy allows only x86_64");
    if (obs_.bad_lines > 0)
      w.push_back(count_of(obs_.bad_lines, "line", "lines") + " of the logs were not call objects: skipped");
  }

  const Observations& obs_;
  const LearnOptions& opt_;
  const FileSystemView& fs_;
  LearnedPolicy out_;
  std::map<std::string, std::string> unix_paths_;  // "unix:/x" -> the socket's resolved path
  std::optional<Lists> base_lists_;
  std::size_t base_calls_ = 0, base_paths_ = 0;
};

}  // namespace

LearnedPolicy build_policy(const Observations& observations, const LearnOptions& options, const FileSystemView& fs) {
  return Builder(observations, options, fs).run();
}

}  // namespace sysgate::learn
