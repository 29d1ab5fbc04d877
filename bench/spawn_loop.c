/* spawn_loop N IN OUT -- PROGRAM [ARGS...]: runs PROGRAM N times one after
 * another (fork, execvp, waitpid), stdin from IN, stdout to OUT (truncated
 * each time), and prints the whole time and each run's latency:
 *   runs=N total_s=T runs_per_s=R p50_ms=A p99_ms=B max_ms=C failed=F
 * The unsandboxed baseline of bench/batch.sh (a shell loop costs a fork of
 * the shell more), and the timer of its sequential `sysgate run`s. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char** argv) {
  if (argc < 6 || strcmp(argv[4], "--") != 0) {
    fprintf(stderr, "usage: spawn_loop N IN OUT -- PROGRAM [ARGS...]\n");
    return 2;
  }
  long n = atol(argv[1]);
  if (n <= 0) return 2;
  double* lat = calloc((size_t)n, sizeof *lat);
  if (lat == NULL) return 2;
  long failed = 0;
  double start = now();
  for (long i = 0; i < n; ++i) {
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) return 2;
    if (pid == 0) {
      int in = open(argv[2], O_RDONLY), out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (in < 0 || out < 0) _exit(126);
      dup2(in, 0);
      dup2(out, 1);
      execvp(argv[5], argv + 5);
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
    lat[i] = now() - t0;
  }
  double total = now() - start;
  qsort(lat, (size_t)n, sizeof *lat, cmp);
  printf("runs=%ld total_s=%.4f runs_per_s=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f failed=%ld\n", n, total,
         (double)n / total, lat[n / 2] * 1e3, lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] * 1e3, lat[n - 1] * 1e3,
         failed);
  return 0;
}
