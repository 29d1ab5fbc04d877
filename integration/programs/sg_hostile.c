// Hostile moves against a ptrace sandbox, one per mode. Each prints what the
// kernel answered ("MODE: OK" or "MODE: EPERM") and exits 0 unless noted.
//   untraced FILE      raw clone(CLONE_UNTRACED|SIGCHLD); the child creates FILE
//   clone3 FILE        raw clone3(); the child creates FILE
//   traceme            ptrace(PTRACE_TRACEME)
//   attach_parent      ptrace(PTRACE_ATTACH, getppid()) and PTRACE_SEIZE
//   unshare_user       unshare(CLONE_NEWUSER), clone(CLONE_NEWUSER)
//   listener           seccomp filter with SECCOMP_FILTER_FLAG_NEW_LISTENER
//   ownfilter          installs an own filter (uname -> ENOTTY, rest allowed),
//                      then tries uname, getppid, ptrace(TRACEME), unshare
//   owntrace           own filter returning RET_TRACE|0x1234 for getppid and
//                      ptrace, then calls both
//   personality        personality(ADDR_NO_RANDOMIZE), PER_LINUX32, query
//   io_uring           io_uring_setup
//   threadexec PROG ARG...  a non-leader thread execs PROG while the leader loops
//   vforkexec PROG ARG...   vfork + exec PROG, returns its exit status
//   killparent FILE    kill(getppid(), SIGKILL), with a child that would
//                      create FILE 2 s later; then creates FILE.parent
//   stopparent         kill(getppid(), SIGSTOP), then exits 0
//   surfaces           bpf, userfaultfd, perf_event_open, keyctl, add_key,
//                      request_key, mount, umount2, fsopen, open_tree, setns,
//                      init_module, kexec_load, open_by_handle_at,
//                      process_vm_writev: each must fail with EPERM
//   reach_parent       what the program can reach of its supervisor: its own
//                      descriptors above 2, /proc/PPID/mem and environ,
//                      process_vm_readv of PPID
//   scratch            the region sysgate keeps at 0x10000: munmap, mprotect,
//                      madvise of its first page (EPERM under sysgate), and
//                      of zero bytes at 0 (what the kernel says: EINVAL, OK, OK)
//   daemon FILE        setsid + double fork; the grandchild creates FILE after
//                      2 s and sleeps 30 s; the parent exits 0 at once
#include "common.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>

static void ms(int n) {
  struct timespec ts = {n / 1000, (n % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static void create(const char* path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    (void)!write(fd, "escaped\n", 8);
    close(fd);
  }
}

static int install(struct sock_filter* f, unsigned short n, unsigned flags) {
  struct sock_fprog prog = {n, f};
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

static char** exec_argv;
static void* exec_thread(void* arg) {
  (void)arg;
  ms(50);
  execv(exec_argv[0], exec_argv);
  report("threadexec execv", -1);
  _exit(99);
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const char* mode = argv[1];
  const char* file = argc > 2 ? argv[2] : "/nonexistent";

  if (!strcmp(mode, "untraced") || !strcmp(mode, "clone3")) {
    long r;
    if (!strcmp(mode, "untraced")) {
      r = syscall(SYS_clone, (long)(CLONE_UNTRACED | SIGCHLD), 0L, 0L, 0L, 0L);
    } else {
      struct clone_args ca;
      memset(&ca, 0, sizeof ca);
      ca.exit_signal = SIGCHLD;
      r = syscall(SYS_clone3, &ca, sizeof ca);
    }
    if (r == 0) {
      create(file);
      _exit(42);
    }
    report(mode, r);
    if (r > 0) {
      int status;
      waitpid((pid_t)r, &status, 0);
      say("%s child status %d", mode, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    return 0;
  }
  if (!strcmp(mode, "traceme")) {
    report("traceme", ptrace(PTRACE_TRACEME, 0, 0, 0));
    return 0;
  }
  if (!strcmp(mode, "attach_parent")) {
    pid_t pp = getppid();
    report("attach", ptrace(PTRACE_ATTACH, pp, 0, 0));
    report("seize", ptrace(PTRACE_SEIZE, pp, 0, 0));
    return 0;
  }
  if (!strcmp(mode, "unshare_user")) {
    report("unshare", unshare(CLONE_NEWUSER));
    long r = syscall(SYS_clone, (long)(CLONE_NEWUSER | SIGCHLD), 0L, 0L, 0L, 0L);
    if (r == 0) _exit(0);
    if (r > 0) waitpid((pid_t)r, NULL, 0);
    report("clone_newuser", r);
    return 0;
  }
  if (!strcmp(mode, "listener")) {
    struct sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
    report("listener", install(allow, 1, SECCOMP_FILTER_FLAG_NEW_LISTENER));
    return 0;
  }
  if (!strcmp(mode, "ownfilter")) {
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_uname, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOTTY),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    report("ownfilter", install(f, 4, 0));
    struct utsname u;
    report("uname", uname(&u));
    say("getppid: %s", getppid() > 0 ? "OK" : "FAIL");
    report("traceme", ptrace(PTRACE_TRACEME, 0, 0, 0));
    report("unshare", unshare(CLONE_NEWUSER));
    return 0;
  }
  if (!strcmp(mode, "owntrace")) {
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ptrace, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 0x1234),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    report("owntrace", install(f, 5, 0));
    report("getppid", syscall(SYS_getppid));
    report("traceme", ptrace(PTRACE_TRACEME, 0, 0, 0));
    return 0;
  }
  if (!strcmp(mode, "personality")) {
    report("addr_no_randomize", personality(ADDR_NO_RANDOMIZE));
    report("per_linux32", personality(PER_LINUX32));
    long cur = personality(0xffffffff);
    report("query", cur);
    say("persona 0x%lx", cur);
    return 0;
  }
  if (!strcmp(mode, "io_uring")) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    long fd = syscall(SYS_io_uring_setup, 8, &p);
    report("io_uring_setup", fd);
    return 0;
  }
  if (!strcmp(mode, "threadexec") && argc > 2) {
    exec_argv = argv + 2;
    pthread_t t;
    if (pthread_create(&t, NULL, exec_thread, NULL) != 0) return 2;
    for (;;) syscall(SYS_getppid);  // the leader keeps making calls until the exec
  }
  if (!strcmp(mode, "vforkexec") && argc > 2) {
    pid_t pid = vfork();
    if (pid == 0) {
      execv(argv[2], argv + 2);
      _exit(99);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
  }
  if (!strcmp(mode, "killparent")) {
    pid_t c = fork();
    if (c == 0) {
      ms(2000);
      create(file);
      ms(30000);
      _exit(0);
    }
    if (report("killparent", kill(getppid(), SIGKILL)) < 0) return 0;  // refused: end at once
    ms(2000);
    char p[4096];
    snprintf(p, sizeof p, "%s.parent", file);
    create(p);
    ms(30000);
    return 0;
  }
  if (!strcmp(mode, "stopparent")) {
    report("stopparent", kill(getppid(), SIGSTOP));
    return 0;
  }
  if (!strcmp(mode, "surfaces")) {
    char buf[128] = {0};
    report("bpf", syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, buf, 72));
    report("userfaultfd", syscall(SYS_userfaultfd, 0));
    report("perf_event_open", syscall(SYS_perf_event_open, buf, 0, -1, -1, 0));
    report("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0));
    report("add_key", syscall(SYS_add_key, "user", "sg", "x", 1, -3 /* session */));
    report("request_key", syscall(SYS_request_key, "user", "sg", NULL, 0));
    report("mount", syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, NULL));
    report("umount2", syscall(SYS_umount2, "/tmp", 0));
    report("fsopen", syscall(SYS_fsopen, "tmpfs", 0));
    report("open_tree", syscall(SYS_open_tree, AT_FDCWD, "/tmp", 1 /* OPEN_TREE_CLONE */));
    report("setns", syscall(SYS_setns, 0, 0));
    report("init_module", syscall(SYS_init_module, buf, 16, ""));
    report("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
    struct { unsigned handle_bytes; int handle_type; unsigned char f[64]; } fh = {64, 1, {0}};
    report("open_by_handle_at", syscall(SYS_open_by_handle_at, AT_FDCWD, &fh, O_RDONLY));
    char dst[8] = {0}, src[8] = "xxxxxxx";
    struct iovec l = {src, 8}, r = {dst, 8};
    report("process_vm_writev", syscall(SYS_process_vm_writev, getpid(), &l, 1, &r, 1, 0));
    return 0;
  }
  if (!strcmp(mode, "scratch")) {
    report("munmap region", syscall(SYS_munmap, 0x10000, 4096));
    report("mprotect region", syscall(SYS_mprotect, 0x10000, 4096, PROT_READ | PROT_WRITE));
    report("madvise region", syscall(SYS_madvise, 0x10000, 4096, MADV_DONTNEED));
    report("munmap zero", syscall(SYS_munmap, 0, 0));
    report("mprotect zero", syscall(SYS_mprotect, 0, 0, PROT_READ));
    report("madvise zero", syscall(SYS_madvise, 0, 0, MADV_NORMAL));
    return 0;
  }
  if (!strcmp(mode, "reach_parent")) {
    int open_fds = 0;
    for (int fd = 3; fd < 4096; ++fd)
      if (fcntl(fd, F_GETFD) >= 0) {
        char link[64], target[512] = {0};
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        (void)!readlink(link, target, sizeof target - 1);
        say("inherited fd %d -> %s", fd, target);
        open_fds++;
      }
    say("inherited fds: %d", open_fds);
    pid_t pp = getppid();
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/mem", (int)pp);
    report("parent mem", open(path, O_RDONLY));
    snprintf(path, sizeof path, "/proc/%d/environ", (int)pp);
    int fd = open(path, O_RDONLY);
    char env[64];
    if (fd >= 0 && read(fd, env, sizeof env) > 0) report("parent environ", 0);
    else report("parent environ", -1);
    static char probe[64];
    struct iovec l = {probe, sizeof probe}, r = {(void*)0x400000, sizeof probe};
    report("process_vm_readv parent", syscall(SYS_process_vm_readv, pp, &l, 1, &r, 1, 0));
    return 0;
  }
  if (!strcmp(mode, "daemon")) {
    pid_t c = fork();
    if (c < 0) return 2;
    if (c == 0) {
      setsid();
      if (fork() != 0) _exit(0);
      int fd = open("/dev/null", O_RDWR);
      dup2(fd, 0);
      dup2(fd, 1);
      dup2(fd, 2);
      ms(2000);
      create(file);
      ms(30000);
      _exit(0);
    }
    waitpid(c, NULL, 0);
    say("parent done");
    return 0;
  }
  say("unknown mode %s", mode);
  return 2;
}
