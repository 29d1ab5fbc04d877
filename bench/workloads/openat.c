// openat+close loop: two path/descriptor calls per iteration, the pattern of
// build tools and scripting runtimes. Prints the loop's in-process seconds.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  long n = argc > 1 ? atol(argv[1]) : 25000;
  const char* path = "/etc/hostname";
  double t0 = now();
  for (long i = 0; i < n; ++i) {
    int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      perror(path);
      return 1;
    }
    close(fd);
  }
  double t1 = now();
  printf("%.6f\n", t1 - t0);
  return 0;
}
