/* att_limits: a running process that uses resources on command, for the
 * limits `sysgate attach` applies to it. Reads one command a line from stdin
 * (a FIFO the test keeps open) and prints one result line for each:
 *
 *   mem MB       allocates and touches MB MiB      "mem: OK" or "mem: ENAME"
 *   fork N       forks N children that sleep 60 s  "fork: made=K err=ENAME|none"
 *   open N       opens /dev/null N times, then closes them again
 *                                                  "open: opened=K err=ENAME|none"
 *   raise        sets RLIMIT_NOFILE's soft limit to its hard one
 *                                                  "raise: OK" or "raise: ENAME"
 *   spin S       burns S seconds of CPU time       "spin: done"
 *   limits       "nofile SOFT HARD fsize SOFT HARD stack SOFT HARD"
 *   exit         exits 0 (end of input: also)
 *
 * Prints "ready pid=PID" first. The children of `fork` are killed when
 * att_limits exits (PR_SET_PDEATHSIG).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static const char* ename(int e) {
  const char* s = strerrorname_np(e);
  return s ? s : "E?";
}

static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_limit(const char* name, int resource) {
  struct rlimit rl;
  getrlimit(resource, &rl);
  printf(" %s %llu %llu", name, (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("ready pid=%d\n", (int)getpid());
  char line[256];
  while (fgets(line, sizeof line, stdin) != NULL) {
    char cmd[32] = "";
    double n = 0;
    if (sscanf(line, "%31s %lf", cmd, &n) < 1) continue;
    if (strcmp(cmd, "mem") == 0) {
      size_t bytes = (size_t)n << 20;
      char* p = malloc(bytes);
      if (p == NULL) {
        printf("mem: %s\n", ename(errno));
        continue;
      }
      for (size_t i = 0; i < bytes; i += 4096) p[i] = (char)i;
      printf("mem: OK\n");
    } else if (strcmp(cmd, "fork") == 0) {
      int made = 0, err = 0;
      for (int i = 0; i < (int)n; ++i) {
        pid_t c = fork();
        if (c < 0) {
          err = errno;
          break;
        }
        if (c == 0) {
          prctl(PR_SET_PDEATHSIG, SIGKILL);
          sleep(60);
          _exit(0);
        }
        ++made;
      }
      printf("fork: made=%d err=%s\n", made, err ? ename(err) : "none");
    } else if (strcmp(cmd, "open") == 0) {
      int fds[100000];
      int opened = 0, err = 0;
      for (int i = 0; i < (int)n && i < 100000; ++i) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
          err = errno;
          break;
        }
        fds[opened++] = fd;
      }
      for (int i = 0; i < opened; ++i) close(fds[i]);
      printf("open: opened=%d err=%s\n", opened, err ? ename(err) : "none");
    } else if (strcmp(cmd, "raise") == 0) {
      struct rlimit rl;
      getrlimit(RLIMIT_NOFILE, &rl);
      rl.rlim_cur = rl.rlim_max;
      if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
        printf("raise: OK\n");
      else
        printf("raise: %s\n", ename(errno));
    } else if (strcmp(cmd, "spin") == 0) {
      double until = cpu_s() + n;
      volatile unsigned long x = 0;
      while (cpu_s() < until) x++;
      printf("spin: done\n");
    } else if (strcmp(cmd, "limits") == 0) {
      printf("limits:");
      print_limit("nofile", RLIMIT_NOFILE);
      print_limit("fsize", RLIMIT_FSIZE);
      print_limit("stack", RLIMIT_STACK);
      printf("\n");
    } else if (strcmp(cmd, "exit") == 0) {
      return 0;
    } else {
      printf("unknown: %s\n", cmd);
    }
  }
  return 0;
}
