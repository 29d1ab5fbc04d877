#include "compile/builtin_rules.hpp"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstdint>
#include <string_view>

#include "fs/access_table.hpp"

namespace sysgate::compile {
namespace {

using Op = ArgTest::Op;
using Kind = Action::Kind;

// When a built-in rule applies.
enum class When : std::uint8_t {
  Always,
  Filesystem,    // the policy has a filesystem section
  ChecksMemory,  // some decision reads the tracee's memory (checks_memory)
  CountsTasks,   // the policy limits processes
  SoftRlimits,   // rlimits set as soft ones only (Limits::soft_rlimits)
  Network,       // the policy has a network section
};

// One test of a rule: `values`, or the end of the scratch region.
struct TestSpec {
  std::string_view arg;
  Op op;
  std::vector<std::int64_t> values;
  bool scratch_end = false;
};

// What a decision of the rule leaves in the log and the report.
enum class Shown : std::uint8_t {
  Logged,    // log: true (every deny and kill is logged anyway)
  Unlogged,  // log: false
  Quiet,     // a deny that is not a denial of the program's: neither printed nor counted
};

// One entry: a rule for each call of `calls`, in that order.
struct BuiltinSpec {
  When when;
  std::string_view name;
  std::vector<std::string_view> calls;
  Action action;
  Shown shown;
  std::uint8_t note;
  std::vector<TestSpec> tests;
};

const Action kAllow{Kind::Allow, 0};
const Action kEperm{Kind::Deny, EPERM};
const Action kEnosys{Kind::Deny, ENOSYS};
constexpr auto kNone = Rule::kNoNote;
constexpr auto kLogged = Shown::Logged;
constexpr auto kUnlogged = Shown::Unlogged;
constexpr auto kQuiet = Shown::Quiet;

TestSpec below_scratch_end(std::string_view arg) { return {arg, Op::Lt, {}, true}; }

// In decision order.
const std::vector<BuiltinSpec>& specs() {
  static const std::vector<BuiltinSpec> table = {
      // Restarting an interrupted call the policy already allowed (after a stop).
      {When::Always, "sysgate:restart", {"restart_syscall"}, kAllow, kUnlogged, kNone, {}},
      // A child created with CLONE_UNTRACED would run without the supervisor.
      {When::Always, "sysgate:no-untraced-clone", {"clone"}, kEperm, kLogged, kNone,
       {{"flags", Op::Any, {CLONE_UNTRACED}}}},
      // clone3 keeps its flags in memory, where a filter cannot see CLONE_UNTRACED:
      // glibc falls back to clone, whose flags are a register (and makes the same
      // thread or process: not a denial of the program's).
      {When::Always, "sysgate:clone3-falls-back", {"clone3"}, kEnosys, kQuiet, kNone, {}},
      // A user-notification listener of the program's own would take precedence
      // over our SECCOMP_RET_TRACE and answer calls in our place.
      {When::Always, "sysgate:no-seccomp-listener", {"seccomp"}, kEperm, kLogged, kNone,
       {{"flags", Op::Any, {SECCOMP_FILTER_FLAG_NEW_LISTENER}}}},
      // Writers of another process's memory: they could change a checked argument
      // between the check and the kernel's read (docs/race-safety.md). A ptrace
      // tracee cannot be traced again, but it could trace a process outside the sandbox.
      {When::Always, "sysgate:no-ptrace", {"ptrace"}, kEperm, kLogged, kNone, {}},
      {When::Always, "sysgate:no-process-vm-writev", {"process_vm_writev"}, kEperm, kLogged, kNone, {}},
      // The descriptor an open for writing returns is looked at in its exit stop: a
      // /proc/PID/mem opened for writing is closed again and refused.
      {When::Always, "sysgate:no-proc-mem-writes", {"open", "openat"}, kAllow, kUnlogged, Rule::kCheckOpenedFd,
       {{"flags", Op::AccMode, {O_WRONLY, O_RDWR}}}},
      {When::Always, "sysgate:no-proc-mem-writes", {"creat", "openat2"}, kAllow, kUnlogged, Rule::kCheckOpenedFd, {}},
      // The scratch region (and nothing else lies that low): the program may not
      // map over it, unmap, protect, advise or move it.
      {When::Always, "sysgate:scratch-region", {"mmap", "mmap2"}, kEperm, kLogged, kNone,
       {{"addr", Op::Ne, {0}}, below_scratch_end("addr")}},
      {When::Always, "sysgate:scratch-region", {"shmat"}, kEperm, kLogged, kNone,
       {{"shmaddr", Op::Ne, {0}}, below_scratch_end("shmaddr")}},
      // (A zero length touches nothing: the kernel answers, as without sysgate.)
      {When::Always, "sysgate:scratch-region", {"munmap"}, kEperm, kLogged, kNone,
       {below_scratch_end("addr"), {"length", Op::Ne, {0}}}},
      {When::Always, "sysgate:scratch-region", {"mprotect", "pkey_mprotect"}, kEperm, kLogged, kNone,
       {below_scratch_end("addr"), {"len", Op::Ne, {0}}}},
      {When::Always, "sysgate:scratch-region", {"madvise"}, kEperm, kLogged, kNone,
       {below_scratch_end("addr"), {"length", Op::Ne, {0}}}},
      {When::Always, "sysgate:scratch-region", {"remap_file_pages"}, kEperm, kLogged, kNone,
       {below_scratch_end("addr"), {"size", Op::Ne, {0}}}},
      {When::Always, "sysgate:scratch-region", {"mremap"}, kEperm, kLogged, kNone,
       {below_scratch_end("old_address")}},
      {When::Always, "sysgate:scratch-region", {"mremap"}, kEperm, kLogged, kNone,
       {{"flags", Op::Any, {MREMAP_FIXED}}, below_scratch_end("new_address")}},
      {When::Always, "sysgate:scratch-region", {"ipc"}, kEperm, kLogged, kNone,
       {{"call", Op::Eq, {21 /* SHMAT */}}, {"ptr", Op::Ne, {0}}, below_scratch_end("ptr")}},
      // Calls that would reach files or sockets past the per-call checks, or fault
      // the scratch region's pages back to the program (userfaultfd).
      {When::Filesystem, "sysgate:no-handles", {"open_by_handle_at"}, kEperm, kLogged, kNone, {}},
      // openat2 keeps its flags in memory; glibc's open() does not need it.
      {When::Filesystem, "sysgate:openat2-falls-back", {"openat2"}, kEnosys, kLogged, kNone, {}},
      {When::ChecksMemory, "sysgate:no-io-uring", {"io_uring_setup", "io_uring_enter", "io_uring_register"}, kEperm,
       kLogged, kNone, {}},
      {When::ChecksMemory, "sysgate:no-userfaultfd", {"userfaultfd"}, kEperm, kLogged, kNone, {}},
      {When::ChecksMemory, "sysgate:no-userfaultfd", {"ioctl"}, kEperm, kLogged, kNone,
       {{"request", Op::Eq, {0xaa00 /* USERFAULTFD_IOC_NEW */}}}},
      // Without a pids cgroup the supervisor counts tasks itself and refuses the
      // call that would create one too many (EAGAIN, as pids.max does).
      {When::CountsTasks, "sysgate:count-tasks", {"clone", "fork", "vfork"}, kAllow, kUnlogged, Rule::kTaskCreation,
       {}},
      // sysgate attach lowers only the soft rlimits of file_size, open_files and
      // stack: setting them again (even lower) is refused while attached.
      {When::SoftRlimits, "sysgate:rlimits-held", {"setrlimit"}, kEperm, kLogged, kNone,
       {{"resource", Op::In, {RLIMIT_FSIZE, RLIMIT_NOFILE, RLIMIT_STACK}}}},
      {When::SoftRlimits, "sysgate:rlimits-held", {"prlimit64"}, kEperm, kLogged, kNone,
       {{"resource", Op::In, {RLIMIT_FSIZE, RLIMIT_NOFILE, RLIMIT_STACK}}, {"new_limit", Op::Ne, {0}}}},
      // i386 socketcall keeps its arguments in memory: glibc then uses the direct calls.
      {When::Network, "sysgate:socketcall-falls-back", {"socketcall"}, kEnosys, kLogged, kNone, {}},
  };
  return table;
}

bool applies(When when, const Policy& policy) {
  switch (when) {
    case When::Always: return true;
    case When::Filesystem: return policy.filesystem.present;
    case When::ChecksMemory: return checks_memory(policy);
    case When::CountsTasks: return policy.limits.processes.has_value();
    case When::SoftRlimits:
      return policy.limits.soft_rlimits &&
             (policy.limits.file_size || policy.limits.open_files || policy.limits.stack);
    case When::Network: return policy.network.present;
  }
  return false;
}

}  // namespace

bool checks_memory(const Policy& policy) {
  if (policy.filesystem.present || policy.network.present) return true;
  for (const auto& r : policy.rules)
    for (const auto& t : r.args)
      if (!t.scalar()) return true;
  return false;
}

std::vector<Rule> builtin_rules(const Policy& policy, const ScratchLayout& scratch) {
  std::vector<Rule> out;
  for (const BuiltinSpec& spec : specs()) {
    if (!applies(spec.when, policy)) continue;
    for (std::string_view call : spec.calls) {
      Rule r;
      r.name = std::string(spec.name);
      r.syscalls.push_back({SyscallSelector::Kind::Name, std::string(call), 0, -1, {"<sysgate>", 0, 0}});
      r.action = spec.action;
      r.log = spec.shown == Shown::Logged;
      r.quiet = spec.shown == Shown::Quiet;
      r.note = spec.note;
      r.builtin = true;
      r.where = {"<sysgate built-in>", 0, 0};
      for (const TestSpec& ts : spec.tests) {
        ArgTest t;
        t.arg = std::string(ts.arg);
        t.op = ts.op;
        t.values = ts.scratch_end ? std::vector<std::int64_t>{static_cast<std::int64_t>(scratch.end())} : ts.values;
        r.args.push_back(std::move(t));
      }
      out.push_back(std::move(r));
    }
  }
  // A private /tmp: every path argument of every call of the access table
  // under a redirected directory is sent to the run's own (the later rules
  // and the filesystem section then check the new path).
  for (const auto& [from, to] : policy.tmp_redirects) {
    for (const fs::PathCall& pc : fs::all_path_calls()) {
      for (int i = 0; i < pc.count; ++i) {
        Rule r;
        r.name = "sysgate:private-tmp";
        r.syscalls.push_back({SyscallSelector::Kind::Name, std::string(pc.name), 0, -1, {"<sysgate>", 0, 0}});
        ArgTest t;
        t.position = pc.args[i].path;
        t.arg = "arg" + std::to_string(t.position);
        t.op = Op::PathGlob;
        t.texts = {from + "/**"};
        r.args.push_back(std::move(t));
        r.action.kind = Kind::Redirect;
        r.action.target = to + "/**";
        r.builtin = true;
        r.where = {"<sysgate built-in>", 0, 0};
        out.push_back(std::move(r));
      }
    }
  }
  return out;
}

}  // namespace sysgate::compile
