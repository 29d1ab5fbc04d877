// openat+close loop on a path given on the command line (redirect_open.sh):
// as openat.c, but the file is PATH, and with EXPECT the program first opens
// PATH once, outside the timed loop, reads it and checks that it begins with
// EXPECT: a redirected open must reach the target, every run. With `shared`
// the path the loop passes lies in a MAP_SHARED page (a copy of PATH), memory
// another process could change, so sysgate must copy it before the kernel reads
// it (copy-on-check) even in a single-threaded program. Prints the loop's
// in-process seconds.
//
//   openpath PATH [N [THREADS [EXPECT [shared]]]]   N iterations in all (default 25000) of
//                          openat(AT_FDCWD, PATH, O_RDONLY|O_CLOEXEC) + close.
//                          THREADS > 1 splits them over that many threads,
//                          N/THREADS each (the first N%THREADS one more), which
//                          start together at a barrier; the time runs from that
//                          start to the end of the last one. THREADS = 1 (the
//                          default) runs the loop in the main thread and creates
//                          no thread at all. Exits 3 when EXPECT is not what
//                          the file begins with.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static const char* path;
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

// The file must begin with `expect` (before any thread exists).
static int check(const char* expect) {
  char buf[256] = {0};
  int fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    perror(path);
    return 1;
  }
  ssize_t got = read(fd, buf, sizeof buf - 1);
  close(fd);
  size_t len = strlen(expect);
  if (got < (ssize_t)len || memcmp(buf, expect, len) != 0) {
    fprintf(stderr, "openpath: %s does not begin with '%s' (it begins with '%.*s')\n", path, expect,
            got > 0 ? (int)got : 0, buf);
    return 3;
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: openpath PATH [N [THREADS [EXPECT [shared]]]] (1 <= THREADS <= 256)\n");
    return 2;
  }
  path = argv[1];
  long n = argc > 2 ? atol(argv[2]) : 25000;
  long threads = argc > 3 ? atol(argv[3]) : 1;
  if (n < 0 || threads < 1 || threads > 256) {
    fprintf(stderr, "usage: openpath PATH [N [THREADS [EXPECT [shared]]]] (1 <= THREADS <= 256)\n");
    return 2;
  }
  if (argc > 4 && argv[4][0] != '\0') {
    int rc = check(argv[4]);
    if (rc != 0) return rc;
  }
  if (argc > 5) {
    size_t len = strlen(path) + 1;
    if (strcmp(argv[5], "shared") != 0 || len > 4096) {
      fprintf(stderr, "openpath: the fifth argument is 'shared' (and PATH at most 4095 bytes)\n");
      return 2;
    }
    char* page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
      perror("mmap");
      return 1;
    }
    memcpy(page, path, len);
    path = page;
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
