// getppid loop: the cheapest syscall there is, so the cost of a supervisor's
// stop shows almost undiluted. Prints the loop's in-process seconds.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000;
  double t0 = now();
  // syscall() rather than getppid(): never cached by the C library.
  for (long i = 0; i < n; ++i) syscall(SYS_getppid);
  double t1 = now();
  printf("%.6f\n", t1 - t0);
  return 0;
}
