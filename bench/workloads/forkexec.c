// fork+exec loop: process creation, exec and reaping, where a supervisor
// pays for fork/exec events and for every call of the new program's start-up.
// Prints the loop's in-process seconds.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  long n = argc > 1 ? atol(argv[1]) : 500;
  char* const args[] = {"/bin/true", NULL};
  char* const env[] = {NULL};
  double t0 = now();
  for (long i = 0; i < n; ++i) {
    pid_t pid = fork();
    if (pid < 0) {
      perror("fork");
      return 1;
    }
    if (pid == 0) {
      execve(args[0], args, env);
      _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      fprintf(stderr, "forkexec: child failed (status 0x%x)\n", status);
      return 1;
    }
  }
  double t1 = now();
  printf("%.6f\n", t1 - t0);
  return 0;
}
