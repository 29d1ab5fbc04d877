// compile/builtin_rules: sysgate's own rules, as data, are exactly these, in
// this order, for each kind of policy (the table must not drift from what the
// imperative code made); and the decision semantics every reader of a plan
// shares (reaches_default, default_verdict) agree with the plan.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "compile/plan.hpp"
#include "policy/loader.hpp"

namespace sysgate::compile {
namespace {

Policy load(const std::string& yaml) { return policy::load_text("version: 1\n" + yaml, "p.yaml", {"/box"}); }

// One line per rule: name call action log quiet note [arg op values]...
std::vector<std::string> lines(const Plan& plan) {
  std::vector<std::string> out;
  const std::string end = std::to_string(plan.scratch.end());
  for (const Rule& r : plan.builtin_rules) {
    std::ostringstream s;
    EXPECT_TRUE(r.builtin);
    EXPECT_EQ(r.syscalls.size(), 1u);
    EXPECT_EQ(r.where.file, "<sysgate built-in>");
    s << r.name << " " << r.syscalls[0].name << " " << to_string(r.action.kind);
    if (r.action.kind == Action::Kind::Deny) s << "(" << r.action.error << ")";
    s << (r.log ? " log" : "") << (r.quiet ? " quiet" : "") << (r.note != 0 ? " note" + std::to_string(r.note) : "");
    for (const auto& t : r.args) {
      s << " [" << t.arg << " " << to_string(t.op);
      for (auto v : t.values) s << " " << (std::to_string(v) == end ? std::string("END") : std::to_string(v));
      s << "]";
    }
    out.push_back(s.str());
  }
  return out;
}

const std::vector<std::string> kAlways = {
    "sysgate:restart restart_syscall allow",
    "sysgate:no-untraced-clone clone deny(1) log [flags any 8388608]",
    "sysgate:clone3-falls-back clone3 deny(38) quiet",
    "sysgate:no-seccomp-listener seccomp deny(1) log [flags any 8]",
    "sysgate:no-ptrace ptrace deny(1) log",
    "sysgate:no-process-vm-writev process_vm_writev deny(1) log",
    "sysgate:no-proc-mem-writes open allow note1 [flags accmode 1 2]",
    "sysgate:no-proc-mem-writes openat allow note1 [flags accmode 1 2]",
    "sysgate:no-proc-mem-writes creat allow note1",
    "sysgate:no-proc-mem-writes openat2 allow note1",
    "sysgate:scratch-region mmap deny(1) log [addr ne 0] [addr lt END]",
    "sysgate:scratch-region mmap2 deny(1) log [addr ne 0] [addr lt END]",
    "sysgate:scratch-region shmat deny(1) log [shmaddr ne 0] [shmaddr lt END]",
    "sysgate:scratch-region munmap deny(1) log [addr lt END] [length ne 0]",
    "sysgate:scratch-region mprotect deny(1) log [addr lt END] [len ne 0]",
    "sysgate:scratch-region pkey_mprotect deny(1) log [addr lt END] [len ne 0]",
    "sysgate:scratch-region madvise deny(1) log [addr lt END] [length ne 0]",
    "sysgate:scratch-region remap_file_pages deny(1) log [addr lt END] [size ne 0]",
    "sysgate:scratch-region mremap deny(1) log [old_address lt END]",
    "sysgate:scratch-region mremap deny(1) log [flags any 2] [new_address lt END]",
    "sysgate:scratch-region ipc deny(1) log [call eq 21] [ptr ne 0] [ptr lt END]",
};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::vector<std::string> kFilesystem = {
    "sysgate:no-handles open_by_handle_at deny(1) log",
    "sysgate:openat2-falls-back openat2 deny(38) log",
};
const std::vector<std::string> kChecksMemory = {
    "sysgate:no-io-uring io_uring_setup deny(1) log",
    "sysgate:no-io-uring io_uring_enter deny(1) log",
    "sysgate:no-io-uring io_uring_register deny(1) log",
    "sysgate:no-userfaultfd userfaultfd deny(1) log",
    "sysgate:no-userfaultfd ioctl deny(1) log [request eq 43520]",
};
const std::vector<std::string> kCountsTasks = {
    "sysgate:count-tasks clone allow note2",
    "sysgate:count-tasks fork allow note2",
    "sysgate:count-tasks vfork allow note2",
};
const std::vector<std::string> kNetwork = {"sysgate:socketcall-falls-back socketcall deny(38) log"};
const std::vector<std::string> kSoftRlimits = {
    "sysgate:rlimits-held setrlimit deny(1) log [resource in 1 7 3]",
    "sysgate:rlimits-held prlimit64 deny(1) log [resource in 1 7 3] [new_limit ne 0]",
};

TEST(BuiltinRules, AlwaysTheSameFirstOnes) {
  EXPECT_EQ(lines(compile(load("default: allow\n"), Engine::Seccomp)), kAlways);
  EXPECT_EQ(lines(compile(load("default: kill\n"), Engine::Ptrace)), kAlways);
}

TEST(BuiltinRules, EachSectionAddsItsOwnInOrder) {
  EXPECT_EQ(lines(compile(load("default: allow\nfilesystem:\n  read: [/usr/**]\n"), Engine::Seccomp)),
            with(with(kAlways, kFilesystem), kChecksMemory));
  EXPECT_EQ(lines(compile(load("default: allow\nnetwork:\n  allow: [127.0.0.1:80]\n"), Engine::Seccomp)),
            with(with(kAlways, kChecksMemory), kNetwork));
  EXPECT_EQ(lines(compile(load("default: allow\nlimits:\n  processes: 5\n"), Engine::Seccomp)),
            with(kAlways, kCountsTasks));
  // A path test in a rule reads memory too.
  EXPECT_EQ(lines(compile(load("default: allow\nrules:\n  - syscalls: [openat]\n    args: {path: {prefix: /x}}\n"
                               "    action: {deny: EPERM}\n"),
                          Engine::Seccomp)),
            with(kAlways, kChecksMemory));
  EXPECT_EQ(lines(compile(load("default: allow\nlimits:\n  processes: 5\nfilesystem:\n  read: [/usr/**]\n"
                               "network:\n  allow: [127.0.0.1:80]\n"),
                          Engine::Ptrace)),
            with(with(with(with(kAlways, kFilesystem), kChecksMemory), kCountsTasks), kNetwork));
}

TEST(BuiltinRules, AttachHoldsTheSoftRlimitsItLowered) {
  // sysgate attach sets soft_rlimits: with a file_size, open_files or stack
  // limit, setting those rlimits is refused; without one, or under run, nothing.
  Policy p = load("default: allow\nlimits:\n  open_files: 20\n");
  EXPECT_EQ(lines(compile(Policy(p), Engine::Ptrace)), kAlways);
  p.limits.soft_rlimits = true;
  EXPECT_EQ(lines(compile(Policy(p), Engine::Ptrace)), with(kAlways, kSoftRlimits));
  Policy q = load("default: allow\nlimits:\n  memory: 1GiB\n");
  q.limits.soft_rlimits = true;
  EXPECT_EQ(lines(compile(std::move(q), Engine::Ptrace)), kAlways);
}

}  // namespace
}  // namespace sysgate::compile
