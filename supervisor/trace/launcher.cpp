#include "trace/launcher.hpp"

#include "fs/user_namespace.hpp"
#include "trace/monotonic.hpp"

#include <fcntl.h>
#include <poll.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <system_error>

namespace sysgate::trace {
namespace {

[[noreturn]] void child_fail(int fd, ChildStep step, int error) {
  int report[2] = {static_cast<int>(step), error};
  (void)!write(fd, report, sizeof report);
  _exit(127);
}

// Everything here runs in the forked child before execve: only
// async-signal-safe calls.

// Root must not regain capabilities on execve, nor lose the kept ones when
// its uid changes: set (and lock) before the credentials change.
void lock_securebits(std::uint64_t keep) {
  unsigned long bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED;
  if (keep == 0) bits |= SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
  prctl(PR_SET_SECUREBITS, bits);
}

// Every capability but those in `keep` leaves every set; the kept ones are
// raised in the ambient set, so they survive execve of an ordinary program.
void drop_capabilities(std::uint64_t keep) {
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  auto kept = [keep](int cap) { return ((keep >> cap) & 1u) != 0; };
  for (int cap = 0; cap <= 63; ++cap)
    if (cap != CAP_SETPCAP && !kept(cap)) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  if (!kept(CAP_SETPCAP)) prctl(PR_CAPBSET_DROP, CAP_SETPCAP, 0, 0, 0);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  for (int i = 0; i < 2; ++i) {
    auto word = static_cast<std::uint32_t>(keep >> (32 * i));
    data[i].effective = data[i].permitted = data[i].inheritable = word;
  }
  syscall(SYS_capset, &header, data);
  for (int cap = 0; cap <= 63; ++cap)
    if (kept(cap)) prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
}

}  // namespace

namespace {

// struct clone_args of clone3(2) up to `cgroup` (Linux 5.7).
struct CloneArgs {
  std::uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
      cgroup;
};
constexpr std::uint64_t kCloneIntoCgroup = 0x200000000ULL;

// Until `fd` has a byte or its end: polled for up to 100 us, then slept on.
// The child and the supervisor hand over twice ("ready", then "go") while the
// other is on the second CPU, a few tens of microseconds apart; a vCPU that
// sleeps through that halts, and its wake-up costs more than the wait (a
// graded run with cgroups 4.80 -> 4.59 ms: bench/README.md, fifth session).
void await(int fd) {
  pollfd p{fd, POLLIN, 0};
  const std::int64_t start = monotonic_ns();
  do {
    if (poll(&p, 1, 0) > 0) return;
  } while (monotonic_ns() - start < 100'000);
  while (poll(&p, 1, -1) < 0 && errno == EINTR) {
  }
}

// fork(), or a fork born in `cgroup_fd` when that works (`born` says which).
// Only the child's async-signal-safe set-up runs after either.
pid_t fork_into(int cgroup_fd, bool& born) {
  born = false;
  if (cgroup_fd >= 0) {
    CloneArgs args{};
    args.flags = kCloneIntoCgroup;
    args.exit_signal = SIGCHLD;
    args.cgroup = static_cast<std::uint64_t>(cgroup_fd);
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid >= 0) {
      born = pid > 0;
      return static_cast<pid_t>(pid);
    }
    // ENOSYS, E2BIG (an older kernel), EBUSY or EOPNOTSUPP (a cgroup that
    // cannot hold processes): forked here and moved by before_start.
  }
  return fork();
}

}  // namespace

const char* describe(ChildStep step) {
  switch (step) {
    case ChildStep::Exec: return "execve";
    case ChildStep::Stdio: return "setting up descriptors 0-2";
    case ChildStep::Masks: return "masking deny entries in a private mount namespace";
    case ChildStep::Cwd: return "changing to the working directory";
    case ChildStep::Credentials: return "changing user and group";
    case ChildStep::NoNewPrivs: return "setting no_new_privs";
    case ChildStep::Landlock: return "applying the Landlock ruleset";
    case ChildStep::Seccomp: return "loading the seccomp filter";
    case ChildStep::View: return "building the filesystem view in a private mount namespace";
    case ChildStep::Cgroups: return "joining the run's cgroups";
  }
  return "setting up the program";
}

Launched launch(const LaunchSpec& spec) {
  int go[2], err[2], ready[2];
  if (pipe2(go, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  if (pipe2(err, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  if (pipe2(ready, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");

  std::vector<char*> argv, envp;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  sock_fprog prog{static_cast<unsigned short>(spec.filter.size()), const_cast<sock_filter*>(spec.filter.data())};

  bool born_in_cgroup = false;
  pid_t pid = fork_into(spec.cgroup_fd, born_in_cgroup);
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) {
    close(go[1]);
    close(err[0]);
    close(ready[0]);
    // Die with the supervisor even before the seize below takes effect.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    // The supervisor is not dumpable, and a fork inherits that until execve:
    // only a tracer with CAP_SYS_PTRACE could seize this child. Dumpable again,
    // the supervisor (same user, its parent) may seize it without privilege.
    prctl(PR_SET_DUMPABLE, 1);
    close(ready[1]);  // the parent seizes once this end is closed
    char byte;
    await(go[0]);
    if (read(go[0], &byte, 1) != 1) _exit(125);
    for (int fd : spec.join_fds)
      if (write(fd, "0", 1) != 1) child_fail(err[1], ChildStep::Cgroups, errno);
    // Only 0, 1, 2 and the error pipe (close-on-exec) reach the program. Move
    // everything out of the way first so the dup2s cannot clobber a source.
    int keep = fcntl(err[1], F_DUPFD_CLOEXEC, 10);
    int src[3];
    for (int i = 0; i < 3; ++i) src[i] = spec.stdio[i] >= 0 ? fcntl(spec.stdio[i], F_DUPFD_CLOEXEC, 10) : -1;
    for (int i = 0; i < 3; ++i)
      if (src[i] >= 0 && dup2(src[i], i) < 0) child_fail(keep, ChildStep::Stdio, errno);
    if (dup3(keep, 3, O_CLOEXEC) < 0) child_fail(keep, ChildStep::Stdio, errno);
    keep = 3;
    syscall(SYS_close_range, 4U, ~0U, 0U);
    // Needs CAP_SYS_ADMIN, so before the uid changes; before Landlock, which
    // forbids mount changes; before chdir, so a working directory inside a
    // masked tree is refused rather than kept open beneath the mask.
    if (spec.masks.in_user_namespace && (!spec.masks.empty() || spec.view.present))
      if (int e = fs::enter_user_namespace(getuid(), getgid()); e != 0) child_fail(keep, ChildStep::Masks, e);
    if (int e = fs::apply_view(spec.view); e != 0) child_fail(keep, ChildStep::View, e);
    if (int e = fs::apply_masks(spec.masks); e != 0) child_fail(keep, ChildStep::Masks, e);
    if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) child_fail(keep, ChildStep::Cwd, errno);
    lock_securebits(spec.keep_caps);
    if (spec.gid || spec.uid) {
      if (setgroups(spec.groups.size(), spec.groups.data()) != 0) child_fail(keep, ChildStep::Credentials, errno);
      if (spec.gid && setresgid(*spec.gid, *spec.gid, *spec.gid) != 0) child_fail(keep, ChildStep::Credentials, errno);
      if (spec.uid && setresuid(*spec.uid, *spec.uid, *spec.uid) != 0) child_fail(keep, ChildStep::Credentials, errno);
    }
    for (int sig = 1; sig < _NSIG; ++sig) signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    drop_capabilities(spec.keep_caps);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) child_fail(keep, ChildStep::NoNewPrivs, errno);
    if (int e = fs::apply_landlock(spec.landlock); e != 0) child_fail(keep, ChildStep::Landlock, e);
    if (spec.stop_before_exec) syscall(SYS_kill, getpid(), SIGSTOP);
    if (!spec.filter.empty() && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
      child_fail(keep, ChildStep::Seccomp, errno);
    execve(spec.path.c_str(), argv.data(), envp.data());
    child_fail(keep, ChildStep::Exec, errno);
  }
  close(go[0]);
  close(err[1]);
  close(ready[1]);
  char none;
  await(ready[0]);
  while (read(ready[0], &none, 1) < 0 && errno == EINTR) {
  }
  close(ready[0]);
  if (ptrace(PTRACE_SEIZE, pid, nullptr, spec.ptrace_options) != 0) {
    int e = errno;
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    close(go[1]);
    close(err[0]);
    throw std::system_error(e, std::generic_category(), "ptrace(PTRACE_SEIZE)");
  }
  if (spec.before_start) {
    try {
      spec.before_start(pid, born_in_cgroup);
    } catch (...) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, __WALL);
      close(go[1]);
      close(err[0]);
      throw;
    }
  }
  char byte = 1;
  if (write(go[1], &byte, 1) != 1) {
    int e = errno;
    kill(pid, SIGKILL);
    throw std::system_error(e, std::generic_category(), "starting the child");
  }
  close(go[1]);
  return {pid, err[0]};
}

}  // namespace sysgate::trace
