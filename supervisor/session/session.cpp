#include "session/session.hpp"

#include <grp.h>
#include <linux/capability.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "compile/bpf_filter.hpp"
#include "fs/landlock.hpp"
#include "fs/masked_paths.hpp"
#include "fs/view.hpp"
#include "fs/path_pattern.hpp"
#include "fs/user_namespace.hpp"
#include "policy/canonical.hpp"
#include "policy/capabilities.hpp"
#include "report/run_report.hpp"
#include "session/policy_source.hpp"
#include "session/resident.hpp"
#include "sysgate/diagnostic.hpp"
#include "trace/attach.hpp"
#include "trace/monitor.hpp"
#include "trace/program_path.hpp"
#include "trace/yama.hpp"

extern char** environ;

namespace sysgate::session {
namespace {

constexpr int kExit = Session::kExitSysgateError;

SessionError setup_error(const std::string& message, int status = kExit) {
  return {Verdict::SetupError, status, message};
}

std::vector<std::string> program_env(bool clear, const std::vector<std::string>& sets) {
  std::vector<std::string> env;
  if (!clear)
    for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  for (const auto& kv : sets) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw setup_error("--env: expected NAME=VALUE, got '" + kv + "'");
    std::string name = kv.substr(0, eq + 1);
    std::erase_if(env, [&](const std::string& e) { return e.compare(0, name.size(), name) == 0; });
    env.push_back(kv);
  }
  return env;
}

std::optional<std::string> env_value(const std::vector<std::string>& env, const std::string& name) {
  for (const auto& e : env)
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=')
      return e.substr(name.size() + 1);
  return std::nullopt;
}

// Every limit the config sets overrides the policy's.
void override_limits(Limits& policy, const Limits& given) {
  auto take = [](auto& to, const auto& from) {
    if (from) to = from;
  };
  take(policy.cpu_time_s, given.cpu_time_s);
  take(policy.wall_time_s, given.wall_time_s);
  take(policy.memory, given.memory);
  take(policy.processes, given.processes);
  take(policy.output, given.output);
  take(policy.file_size, given.file_size);
  take(policy.open_files, given.open_files);
  take(policy.stack, given.stack);
  take(policy.on_process_limit, given.on_process_limit);
}

// Capabilities with which the program could undo sysgate's own guarantees
// (trace or signal anyone, unmask, load code into the kernel, raise its
// rlimits, change uid to reach others' processes, open files by handle or
// through /proc/PID/map_files).
constexpr std::uint64_t kWeakeningCaps =
    1ull << CAP_SYS_PTRACE | 1ull << CAP_SYS_ADMIN | 1ull << CAP_KILL | 1ull << CAP_SETPCAP | 1ull << CAP_SYS_MODULE |
    1ull << CAP_SYS_RAWIO | 1ull << CAP_DAC_READ_SEARCH | 1ull << CAP_BPF | 1ull << CAP_PERFMON |
    1ull << CAP_SYS_RESOURCE | 1ull << CAP_MAC_ADMIN | 1ull << CAP_MAC_OVERRIDE | 1ull << CAP_SETUID |
    1ull << CAP_SETGID | 1ull << CAP_SYS_BOOT | 1ull << CAP_CHECKPOINT_RESTORE | 1ull << CAP_SYS_CHROOT;

// A user or group given by number.
std::optional<unsigned long> id_number(const std::string& text) {
  char* end = nullptr;
  errno = 0;
  unsigned long n = std::strtoul(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || n > 0xfffffffeul) return std::nullopt;
  return n;
}

// --user and --group: the user's own group and supplementary groups unless
// --group names the group (then no supplementary groups), as su and sudo do.
void set_credentials(trace::LaunchSpec& spec, const RunConfig& c) {
  if (!c.user && !c.group) return;
  if (c.user) {
    const passwd* pw = getpwnam(c.user->c_str());
    if (pw != nullptr) {
      spec.uid = pw->pw_uid;
      spec.gid = pw->pw_gid;
      int n = 64;
      std::vector<gid_t> groups(static_cast<std::size_t>(n));
      if (getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &n) < 0) {
        groups.resize(static_cast<std::size_t>(n));
        getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &n);
      }
      groups.resize(static_cast<std::size_t>(std::max(n, 0)));
      spec.groups = groups;
    } else {
      auto n = id_number(*c.user);
      if (!n) throw setup_error("--user: no user '" + *c.user + "'");
      spec.uid = static_cast<uid_t>(*n);
      spec.gid = static_cast<gid_t>(*n);  // a bare uid: the group of the same number
    }
  }
  if (c.group) {
    if (const group* gr = getgrnam(c.group->c_str())) {
      spec.gid = gr->gr_gid;
    } else {
      auto n = id_number(*c.group);
      if (!n) throw setup_error("--group: no group '" + *c.group + "'");
      spec.gid = static_cast<gid_t>(*n);
    }
    spec.groups.clear();
  }
  if (spec.groups.empty() && spec.gid) spec.groups.push_back(*spec.gid);
  if (geteuid() != 0) {
    // Without root the program can only be who the caller is already.
    if (spec.uid.value_or(getuid()) != getuid() || spec.gid.value_or(getgid()) != getgid())
      throw setup_error("--user/--group: only root can run the program as another user or group");
    spec.uid.reset();
    spec.gid.reset();
    spec.groups.clear();
  }
}

bool same_path(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (std::filesystem::exists(a, ec) && std::filesystem::exists(b, ec)) return std::filesystem::equivalent(a, b, ec);
  return std::filesystem::weakly_canonical(a, ec) == std::filesystem::weakly_canonical(b, ec);
}

}  // namespace

Session::Session(RunConfig config) : config_(std::move(config)) {}
Session::~Session() = default;

const Limits& Session::limits() const {
  static const Limits none;
  if (plan_) return plan_->policy.limits;
  if (policy_) return policy_->limits;
  return none;
}

void Session::prepare_rundir(const RunConfig& c) {
  Policy& p = *policy_;
  p.private_tmp = p.private_tmp || c.private_tmp;
  if (!p.private_tmp && policy::canonical_text(p).find(rundir_.path()) == std::string::npos) {
    rundir_.discard();
    return;
  }
  try {
    rundir_.make();
    rundir_.prepare_tmp(spec_.uid.value_or(getuid()), spec_.gid.value_or(getgid()));
  } catch (const std::runtime_error& e) {
    throw setup_error(e.what());
  }
  if (c.keep_rundir) rundir_.keep();
  if (!p.private_tmp) return;
  const std::string to = rundir_.path() + "/tmp";
  std::vector<std::string> dirs{"/tmp"};
  // $TMPDIR too, where the program's environment puts it elsewhere.
  std::string tmpdir = env_value(spec_.env, "TMPDIR").value_or("");
  if (!tmpdir.empty() && tmpdir[0] == '/') {
    std::string norm = fs::normalize(tmpdir);
    if (norm != "/" && norm != "/tmp" && norm.rfind("/tmp/", 0) != 0) dirs.push_back(norm);
  }
  for (const auto& d : dirs) p.tmp_redirects.emplace_back(d, to);
  // The filesystem section grants the run's /tmp what it grants /tmp (and
  // denies there what it denies there).
  if (p.filesystem.present)
    for (auto* list : {&p.filesystem.read, &p.filesystem.write, &p.filesystem.exec, &p.filesystem.deny}) {
      std::vector<std::string> added;
      for (const auto& pattern : *list)
        for (const auto& d : dirs)
          if (pattern == d || pattern.rfind(d + "/", 0) == 0) added.push_back(to + pattern.substr(d.size()));
      list->insert(list->end(), added.begin(), added.end());
    }
}

void Session::prepare_attach() {
  const RunConfig& c = config_;
  for (pid_t pid : c.attach)
    if (std::string why = trace::attach_obstacle(pid); !why.empty())
      throw SessionError(Verdict::SetupError, kExitCannotAttach, "cannot attach: " + why);
  // ${CWD} is the (first) process's working directory.
  std::string cwd = c.caller_cwd;
  char real[PATH_MAX];
  std::string link = "/proc/" + std::to_string(c.attach.front()) + "/cwd";
  if (realpath(link.c_str(), real) != nullptr) cwd = real;
  try {
    policy_ = load_policy(c.policy, cwd);
  } catch (const PolicyNotFound& e) {
    throw setup_error(e.what());
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics()) policy_diagnostics_.push_back(d.str());
    throw setup_error("invalid policy");
  }
  override_limits(policy_->limits, c.limits);
  if (c.audit) policy_->audit = *c.audit;
  // What only a program started by sysgate can be given is refused, not dropped.
  const Policy& p = *policy_;
  if (p.private_tmp) throw setup_error("the policy's 'tmp: private' cannot be given to a running process");
  if (p.filesystem.view)
    throw setup_error("the policy's filesystem 'view: true' cannot be given to a running process (its mount namespace "
                      "is its own)");
  if (p.user) throw setup_error("the policy's 'user: " + *p.user + "' cannot be given to a running process");
  const Limits& l = p.limits;
  if (l.output)
    throw setup_error("the output limit cannot be applied to a running process: it counts what sysgate relays, and "
                      "an attached process writes to its own standard output");
  policy_->limits.soft_rlimits = true;
  if (c.cgroup_parent) {
    if (!c.use_cgroups) throw setup_error("--cgroup and --no-cgroups contradict each other");
    if (std::string why = limits::delegated_parent_problem(*c.cgroup_parent); !why.empty())
      throw setup_error("--cgroup: " + why);
  }
  for (const auto& r : p.rules) uses_seed_ = uses_seed_ || (r.when && r.when->probability);
  if (c.seed) {
    seed_ = *c.seed;
  } else if (uses_seed_) {
    if (getrandom(&seed_, sizeof seed_, 0) != sizeof seed_) seed_ = static_cast<std::uint64_t>(time(nullptr));
    seed_ &= (1ull << 53) - 1;
  }
  plan_.emplace(compile::compile(std::move(*policy_), compile::Engine::Ptrace));
  policy_.reset();
  try {
    log_ = std::make_unique<report::EventLog>(c.quiet ? nullptr : stderr, c.log_path.value_or(""),
                                              c.log_max.value_or(report::EventLog::kDefaultJsonMax));
    // A run cgroup only for the limits that need one: the processes are
    // moved into it after the seize and back at the detach.
    const Limits& limits = plan_->policy.limits;
    const bool cgroups = c.use_cgroups && (limits.cpu_time_s || limits.memory || limits.processes);
    enforcer_ = std::make_unique<limits::LimitEnforcer>(limits, cgroups, c.cgroup_parent.value_or(""));
    guarantees_.cgroups = enforcer_->cgroups_used();
  } catch (const std::runtime_error& e) {
    throw setup_error(e.what());
  }
}

void Session::prepare() {
  const RunConfig& c = config_;
  if (!c.attach.empty()) {
    prepare_attach();
    return;
  }
  if (c.program.empty()) throw setup_error("no PROGRAM given");

  // The working directory: PROGRAM and ${CWD} are looked up from it.
  std::string cwd = c.caller_cwd;
  if (c.cwd) {
    char real[PATH_MAX];
    errno = 0;
    if (realpath(c.cwd->c_str(), real) == nullptr || !std::filesystem::is_directory(real))
      throw setup_error("--cwd " + *c.cwd + ": " + (errno != 0 ? std::strerror(errno) : "not a directory"));
    spec_.cwd = real;
    cwd = real;
  }

  // ${RUNDIR} is named before the policy is read; the directory is made only
  // when the policy uses it (prepare_rundir).
  try {
    rundir_ = RunDirectory::reserve();
  } catch (const std::runtime_error& e) {
    throw setup_error(e.what());
  }
  try {
    policy_ = load_policy(c.policy, cwd, rundir_.path(), c.resident != nullptr ? &c.resident->documents : nullptr);
  } catch (const PolicyNotFound& e) {
    throw setup_error(e.what());
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics()) policy_diagnostics_.push_back(d.str());
    throw setup_error("invalid policy");
  }
  override_limits(policy_->limits, c.limits);
  if (c.audit) policy_->audit = *c.audit;
  if (c.declared_path) {
    try {
      manifest_ = access::load_manifest(*c.declared_path, cwd);
    } catch (const InputError& e) {
      for (const auto& d : e.diagnostics()) policy_diagnostics_.push_back(d.str());
      throw setup_error("--declared " + *c.declared_path + ": invalid manifest");
    }
  }
  if (c.access_report_path || c.declared_path) {
    // Every file and socket call must stop to be seen: without sections of
    // its own, the policy gets ones that allow everything.
    accesses_ = std::make_unique<access::AccessRecord>();
    policy_->filesystem.every_call_stops = true;
    if (!policy_->filesystem.present) {
      policy_->filesystem.present = true;
      policy_->filesystem.read = policy_->filesystem.write = policy_->filesystem.exec = {"/**"};
    }
    if (!policy_->network.present) {
      policy_->network.present = true;
      policy_->network.allow = {"unix", "0.0.0.0/0:*", "[::/0]:*", "netlink", "raw"};
    }
  }

  spec_.env = program_env(c.clear_env, c.env);
  auto found = trace::find_program(c.program[0], spec_.cwd, env_value(spec_.env, "PATH"));
  if (found.path.empty() || found.error != 0) {
    bool missing = found.error == ENOENT;
    throw setup_error(c.program[0] + ": " + (missing ? "command not found" : std::strerror(found.error)),
                      missing ? 127 : 126);
  }
  spec_.path = found.path;
  spec_.argv = c.program;
  if (!c.user && !c.group && policy_->user && geteuid() == 0) {
    // The policy's `user:` when root runs it and no option names one.
    if (getpwnam(policy_->user->c_str()) == nullptr && !id_number(*policy_->user))
      throw setup_error("the policy's user: no user '" + *policy_->user + "' on this host; pass --user");
    RunConfig as = c;
    as.user = policy_->user;
    set_credentials(spec_, as);
  } else {
    set_credentials(spec_, c);
  }
  prepare_rundir(c);

  try {
    stdio_ = std::make_unique<ProgramStdio>(c.stdio);
  } catch (const StdioError& e) {
    throw setup_error(e.what());
  }
  for (const auto& [option, path] : {std::pair{"--report", c.report_path}, std::pair{"--log", c.log_path}})
    if (path && *path != "-" && stdio_->writes_to(*path))
      throw setup_error(std::string(option) + " " + *path + ": the program's output goes to the same file");
  if (c.report_path && c.log_path && *c.report_path != "-" && same_path(*c.report_path, *c.log_path))
    throw setup_error("--report and --log name the same file");

  // "Never silently weaker": a guarantee this host cannot give is refused
  // unless the user names it.
  for (const auto& w : c.allow_weaker)
    if (w != "landlock" && w != "signals" && w != "masks" && w != "capabilities")
      throw setup_error("--allow-weaker: unknown guarantee '" + w + "' (known: landlock, signals, masks, capabilities)");
  auto weaker = [&](const char* w) { return std::find(c.allow_weaker.begin(), c.allow_weaker.end(), w) != c.allow_weaker.end(); };
  spec_.keep_caps = c.keep_caps.value_or(policy_->keep_caps);
  if (std::uint64_t risky = spec_.keep_caps & kWeakeningCaps; risky != 0 && !weaker("capabilities"))
    throw setup_error("keeping " + policy::capabilities_text(risky) +
                      " would let the program undo the sandbox's own guarantees; pass --allow-weaker=capabilities "
                      "to run anyway");
  if (std::string why = trace::ptrace_obstacle(); !why.empty()) throw setup_error("cannot trace the program: " + why);
  if (!fs::scope_signals(spec_.landlock) && !weaker("signals"))
    throw setup_error(
        "this kernel cannot scope signals (Landlock ABI 6): the program could signal processes outside the sandbox; "
        "pass --allow-weaker=signals to run anyway");
  // Audit mode enforces nothing of the policy: no Landlock rules, no masks
  // (signals stay scoped: that is sysgate's own guarantee).
  if (policy_->filesystem.present && !policy_->audit) {
    spec_.landlock = fs::plan_landlock(policy_->filesystem, found.path);
    if (spec_.landlock.abi == 0 && !weaker("landlock"))
      throw setup_error(
          "this kernel has no Landlock: the filesystem section would be enforced by the supervisor alone, open to "
          "races; pass --allow-weaker=landlock to run anyway");
    if (policy_->filesystem.view) {
      try {
        spec_.view = fs::plan_view(policy_->filesystem, found.path);
      } catch (const std::runtime_error& e) {
        throw setup_error(e.what());
      }
      std::string here = fs::real_path(cwd);  // a batch job's base directory may name a symlink
      if (here.empty()) here = cwd;
      if (!fs::in_view(spec_.view, here))
        throw setup_error("the working directory " + here +
                          " is not in the filesystem view (view: true shows only what the entries name); run from "
                          "inside an entry's tree or add it");
    }
    spec_.masks = fs::plan_masks(policy_->filesystem);
    if ((!spec_.masks.empty() || spec_.view.present) && !fs::can_mask()) {
      // Without CAP_SYS_ADMIN: in a user namespace of the caller's own.
      std::string obstacle = fs::user_namespace_obstacle();
      if (obstacle.empty()) {
        spec_.masks.in_user_namespace = true;
      } else {
        if (spec_.view.present)
          throw setup_error("the filesystem view (view: true) is built in a private mount namespace, which needs "
                            "CAP_SYS_ADMIN or a user namespace, and " + obstacle);
        if (!weaker("masks"))
          throw setup_error("deny entries are masked in a private mount namespace, which needs CAP_SYS_ADMIN or a user "
                            "namespace, and " + obstacle + ": without masks a rename or symlink swap racing the "
                            "supervisor's check could reach them; pass --allow-weaker=masks to run anyway");
        spec_.masks = {};
      }
    }
    // The child changes directory after masking, by path, so that a working
    // directory inside a masked tree is refused rather than kept beneath it.
    if ((!spec_.masks.empty() || spec_.view.present) && spec_.cwd.empty()) spec_.cwd = cwd;
  }
  const bool landlock_section = spec_.landlock.handled != 0;
  // sysgate's own guarantee, in every mode: no /proc/PID/mem opened for writing.
  fs::guard_proc_writes(spec_.landlock);

  guarantees_.privileged = fs::can_mask();
  if (spec_.landlock.handled != 0 || spec_.landlock.scoped != 0) {
    guarantees_.landlock_abi = spec_.landlock.abi;
    guarantees_.landlock_filesystem = landlock_section;
    guarantees_.signals_scoped = spec_.landlock.scoped != 0;
  }
  guarantees_.masks = spec_.masks.masks.size();
  guarantees_.masks_in_user_namespace = spec_.masks.in_user_namespace;
  guarantees_.view = spec_.view.present;
  guarantees_.view_trees = spec_.view.binds.size();

  for (const auto& r : policy_->rules) uses_seed_ = uses_seed_ || (r.when && r.when->probability);
  if (c.seed) {
    seed_ = *c.seed;
  } else if (uses_seed_) {
    if (getrandom(&seed_, sizeof seed_, 0) != sizeof seed_) seed_ = static_cast<std::uint64_t>(time(nullptr));
    seed_ &= (1ull << 53) - 1;  // exact in every JSON reader
  }

  plan_.emplace(compile::compile(std::move(*policy_), c.engine));
  guarantees_.view_answers_stat = plan_->filesystem.view_answers_stat;
  policy_.reset();
  if (c.engine == compile::Engine::Seccomp) {
    try {
      filter_ = compile::build_filter(*plan_);
    } catch (const std::runtime_error& e) {
      throw setup_error(std::string("the policy's filter: ") + e.what());
    }
  }
  try {
    log_ = std::make_unique<report::EventLog>(c.quiet ? nullptr : stderr, c.log_path.value_or(""),
                                              c.log_max.value_or(report::EventLog::kDefaultJsonMax));
  } catch (const std::runtime_error& e) {
    throw setup_error(e.what());
  }
  const Limits& limits = plan_->policy.limits;
  if (c.cgroup_parent) {
    if (!c.use_cgroups) throw setup_error("--cgroup and --no-cgroups contradict each other");
    if (std::string why = limits::delegated_parent_problem(*c.cgroup_parent); !why.empty())
      throw setup_error("--cgroup: " + why);
  }
  try {
    const limits::CgroupHome* home = c.resident != nullptr && c.resident->cgroups && !c.cgroup_parent
                                         ? &*c.resident->cgroups
                                         : nullptr;
    enforcer_ = std::make_unique<limits::LimitEnforcer>(limits, c.use_cgroups, c.cgroup_parent.value_or(""), home);
  } catch (const std::runtime_error& e) {
    throw setup_error(e.what());
  }
  guarantees_.cgroups = enforcer_->cgroups_used();
  if (limits.output) {
    relay_ = std::make_unique<limits::OutputRelay>(stdio_->out() >= 0 ? stdio_->out() : 1,
                                                   stdio_->err() >= 0 ? stdio_->err() : 2, limits.output);
    spec_.stdio[1] = relay_->child_stdout();
    spec_.stdio[2] = relay_->child_stderr();
  } else {
    spec_.stdio[1] = stdio_->out();
    spec_.stdio[2] = stdio_->err();
  }
  spec_.stdio[0] = stdio_->in();
}

RunResult Session::run(trace::SupervisorProcess&, const std::function<void(pid_t, std::size_t)>& attached) {
  if (!config_.attach.empty()) {
    trace::Monitor monitor(*plan_, {}, *log_, seed_);
    monitor.log_results(config_.log_results);
    RunResult result;
    try {
      result = monitor.attach(config_.attach, *enforcer_, config_.detach_after_s, attached);
    } catch (const trace::AttachError& e) {
      return failed({Verdict::SetupError, kExitCannotAttach, std::string("cannot attach: ") + e.what()});
    } catch (const std::exception& e) {
      return failed({Verdict::InternalError, kExit, std::string("internal error: ") + e.what()});
    }
    log_->flush();
    result.attached = config_.attach;
    return result;
  }
  Credentials who{spec_.uid.value_or(getuid()), spec_.gid.value_or(getgid()), spec_.groups, spec_.keep_caps};
  if (!spec_.uid && !spec_.gid) {
    int n = getgroups(0, nullptr);
    who.groups.resize(static_cast<std::size_t>(std::max(n, 0)));
    if (n > 0) who.groups.resize(static_cast<std::size_t>(std::max(getgroups(n, who.groups.data()), 0)));
  }
  trace::Monitor monitor(*plan_, std::move(filter_), *log_, seed_);
  monitor.record_accesses(accesses_.get());
  monitor.log_results(config_.log_results);
  RunResult result;
  try {
    result = monitor.run(std::move(spec_), *enforcer_, relay_.get());
  } catch (const std::system_error& e) {
    return failed({Verdict::SetupError, kExit, e.what()});  // starting the program failed
  } catch (const std::exception& e) {
    return failed({Verdict::InternalError, kExit, std::string("internal error: ") + e.what()});
  }
  relay_.reset();
  log_->flush();
  stdio_.reset();
  result.credentials = who;
  if (uses_seed_) result.seed = seed_;
  const bool ran_through = result.verdict == Verdict::Ok || result.verdict == Verdict::NonzeroExit;
  if (config_.fail_on_denial && log_->denial_count() > 0 && ran_through) result.verdict = Verdict::Denied;
  if (manifest_) {
    auto u = access::undeclared(*manifest_, *accesses_);
    result.undeclared = std::move(u.lines);
    if (u.fails && ran_through) result.verdict = Verdict::UndeclaredAccess;
  }
  result.rundir = rundir_.path();
  return result;
}

RunResult Session::failed(const SessionError& e) const {
  RunResult r;
  r.verdict = e.verdict;
  r.error = e.what();
  if (e.exit_status == 127) r.exec_errno = ENOENT;
  if (e.exit_status == 126) r.exec_errno = EACCES;
  return r;
}

std::string Session::report(const RunResult& result) const {
  static const Policy no_policy;
  static const std::vector<limits::AppliedLimit> no_limits;
  report::EventLog none(nullptr, "");
  const Policy& policy = plan_ ? plan_->policy : (policy_ ? *policy_ : no_policy);
  return report::run_report({result, log_ ? *log_ : none, policy, enforcer_ ? enforcer_->applied() : no_limits,
                             config_.engine == compile::Engine::Ptrace ? "ptrace" : "seccomp", config_.program,
                             config_.allow_weaker, guarantees_});
}

}  // namespace sysgate::session
