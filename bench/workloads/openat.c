// openat+close loop: two path/descriptor calls per iteration, the pattern of
// build tools and scripting runtimes. Prints the loop's in-process seconds.
//
//   openat [N [THREADS]]   N iterations in all (default 25000). THREADS > 1
//                          (checked_open.sh) splits them over that many threads,
//                          N/THREADS each (the first N%THREADS one more), which
//                          start together at a barrier; the time runs from that
//                          start to the end of the last one. THREADS = 1 (the
//                          default) runs the loop in the main thread and creates
//                          no thread at all.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static const char* const path = "/etc/hostname";
static pthread_barrier_t start;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void loop(long n) {
  for (long i = 0; i < n; ++i) {
    int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      perror(path);
      exit(1);
    }
    close(fd);
  }
}

static void* worker(void* arg) {
  pthread_barrier_wait(&start);
  loop((long)arg);
  return NULL;
}

int main(int argc, char** argv) {
  long n = argc > 1 ? atol(argv[1]) : 25000;
  long threads = argc > 2 ? atol(argv[2]) : 1;
  if (n < 0 || threads < 1 || threads > 256) {
    fprintf(stderr, "usage: openat [N [THREADS]] (1 <= THREADS <= 256)\n");
    return 2;
  }
  double t0, t1;
  if (threads == 1) {
    t0 = now();
    loop(n);
    t1 = now();
  } else {
    pthread_t tid[256];
    pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
    for (long t = 0; t < threads; ++t) {
      long share = n / threads + (t < n % threads ? 1 : 0);
      if (pthread_create(&tid[t], NULL, worker, (void*)share) != 0) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
      }
    }
    pthread_barrier_wait(&start);
    t0 = now();
    for (long t = 0; t < threads; ++t) pthread_join(tid[t], NULL);
    t1 = now();
  }
  printf("%.6f\n", t1 - t0);
  return 0;
}
