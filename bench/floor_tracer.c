// floor_tracer: the smallest tracer that takes exactly the stops sysgate's
// seccomp engine takes for a traced call, and does nothing else. Its cost per
// call is the floor a seccomp+ptrace supervisor cannot go below here.
//
//   floor_tracer all  -- PROGRAM ARGS...   every syscall returns SECCOMP_RET_TRACE
//   floor_tracer none -- PROGRAM ARGS...   every syscall returns SECCOMP_RET_ALLOW
//   floor_tracer poll -- PROGRAM ARGS...   as `all`, but the tracer polls waitpid(WNOHANG)
//                                           instead of sleeping in it: its vCPU never halts
//                                           (sysgate's StopWaiter polls 50 µs while stops
//                                           are dense; this is the bound of that idea)
//   floor_tracer N,N,... -- PROGRAM ARGS... only the x86_64 syscall numbers listed return
//                                           SECCOMP_RET_TRACE (path_rules.sh passes the calls
//                                           a filesystem section traces), the rest ALLOW
//                                          (a tracer attached, nothing traced)
//
// Mirrors sysgate's launcher and monitor: fork; the child waits until the
// parent has seized it (PTRACE_SEIZE with TRACESECCOMP, TRACEFORK, TRACEVFORK,
// TRACECLONE, TRACEEXEC, EXITKILL), sets no_new_privs, loads the filter and
// execs. The parent waits with waitpid(-1, __WALL); at each seccomp stop it
// reads PTRACE_GET_SYSCALL_INFO (as sysgate does) and resumes with
// PTRACE_CONT (one stop per call, no exit stop). Fork/clone/exec events are
// resumed, group-stops are kept with PTRACE_LISTEN, signals pass through.
// Exits with the program's status (128+N when it was killed by signal N).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int usage(void) {
  fprintf(stderr, "usage: floor_tracer all|none|poll|N,N,... -- PROGRAM [ARGS...]\n");
  return 125;
}

static int is_stop_signal(int sig) { return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU; }

int main(int argc, char** argv) {
  if (argc < 4 || strcmp(argv[2], "--") != 0) return usage();
  int trace_all, poll = 0;
  if (strcmp(argv[1], "all") == 0)
    trace_all = 1;
  else if (strcmp(argv[1], "poll") == 0)
    trace_all = poll = 1;
  else if (strcmp(argv[1], "none") == 0 || (argv[1][0] >= '0' && argv[1][0] <= '9'))
    trace_all = 0;
  else
    return usage();
  char** program = argv + 3;

  // One instruction, or: load the number; one JEQ -> TRACE per listed call; ALLOW.
  struct sock_filter insns[1024];
  unsigned short n = 0;
  if (argv[1][0] >= '0' && argv[1][0] <= '9') {
    insns[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    for (char* p = argv[1]; *p != '\0' && n < 1000;) {
      unsigned long nr = strtoul(p, &p, 10);
      insns[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1);
      insns[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
      if (*p == ',') ++p;
    }
  }
  insns[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, trace_all ? SECCOMP_RET_TRACE : SECCOMP_RET_ALLOW);
  struct sock_fprog prog = {n, insns};

  int go[2];
  if (pipe2(go, O_CLOEXEC) != 0) {
    perror("pipe2");
    return 125;
  }
  pid_t root = fork();
  if (root < 0) {
    perror("fork");
    return 125;
  }
  if (root == 0) {
    close(go[1]);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    char byte;
    if (read(go[0], &byte, 1) != 1) _exit(125);  // wait until seized
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(125);
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) _exit(125);
    execvp(program[0], program);
    perror(program[0]);
    _exit(127);
  }
  close(go[0]);
  long options = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                 PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
  if (ptrace(PTRACE_SEIZE, root, NULL, (void*)options) != 0) {
    perror("PTRACE_SEIZE");
    kill(root, SIGKILL);
    return 125;
  }
  char byte = 1;
  if (write(go[1], &byte, 1) != 1) return 125;
  close(go[1]);

  int exit_status = 125;
  for (;;) {
    int status;
    pid_t tid;
    do tid = waitpid(-1, &status, __WALL | (poll ? WNOHANG : 0));
    while (tid == 0);
    if (tid < 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      if (tid == root) {
        exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        break;  // EXITKILL takes any leftovers with us
      }
      continue;
    }
    if (!WIFSTOPPED(status)) continue;
    int sig = WSTOPSIG(status);
    int event = status >> 16;
    switch (event) {
      case PTRACE_EVENT_SECCOMP: {
        struct __ptrace_syscall_info info;
        ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void*)sizeof info, &info);
        ptrace(PTRACE_CONT, tid, NULL, NULL);
        break;
      }
      case PTRACE_EVENT_STOP:
        if (is_stop_signal(sig))
          ptrace(PTRACE_LISTEN, tid, NULL, NULL);  // group-stop: stay stopped until SIGCONT
        else
          ptrace(PTRACE_CONT, tid, NULL, NULL);  // a new tracee's first stop
        break;
      case 0: ptrace(PTRACE_CONT, tid, NULL, (void*)(long)sig); break;  // signal-delivery-stop
      default: ptrace(PTRACE_CONT, tid, NULL, NULL); break;              // fork, clone, exec events
    }
  }
  return exit_status;
}
