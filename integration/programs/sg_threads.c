// 8 worker threads make syscalls in loops (getppid, openat+close, write to a
// pipe drained by the main thread) while a churn thread keeps creating short
// threads that make a call and exit. Prints the totals; exits 0 when every
// call succeeded and the totals are exact, 1 otherwise.
//   sg_threads [ITERATIONS]   (per worker; default 2000)
#include "common.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>

#define WORKERS 8

static int iterations = 2000;
static pid_t parent;
static int pipe_w = -1;
static atomic_long getppid_calls, calls_ok, calls_bad, bytes_written, churned;
static atomic_int workers_done;

static void* worker(void* arg) {
  long id = (long)arg;
  char byte = (char)('a' + id);
  for (int i = 0; i < iterations; ++i) {
    switch ((i + id) % 3) {
      case 0:
        getppid_calls++;
        if (syscall(SYS_getppid) == parent) calls_ok++; else calls_bad++;
        break;
      case 1: {
        int fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/stat", O_RDONLY | O_CLOEXEC);
        if (fd >= 0 && close(fd) == 0) calls_ok++; else calls_bad++;
        break;
      }
      case 2: {
        ssize_t w;
        do w = write(pipe_w, &byte, 1); while (w < 0 && errno == EINTR);
        if (w == 1) { calls_ok++; bytes_written++; } else calls_bad++;
        break;
      }
    }
  }
  workers_done++;
  return NULL;
}

static void* short_lived(void* arg) {
  (void)arg;
  syscall(SYS_gettid);
  churned++;
  return NULL;
}

static void* churn(void* arg) {
  (void)arg;
  for (int round = 0; round < 20 || workers_done < WORKERS; ++round) {
    pthread_t t[4];
    int n = 0;
    for (int i = 0; i < 4; ++i)
      if (pthread_create(&t[n], NULL, short_lived, NULL) == 0) n++;
    for (int i = 0; i < n; ++i) pthread_join(t[i], NULL);
    // Some threads are never joined: they exit detached, maybe while others stop.
    pthread_t d;
    if (pthread_create(&d, NULL, short_lived, NULL) == 0) pthread_detach(d);
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc > 1) iterations = atoi(argv[1]);
  parent = (pid_t)syscall(SYS_getppid);
  getppid_calls++;
  int p[2];
  if (pipe(p) != 0) return 2;
  pipe_w = p[1];
  pthread_t w[WORKERS], c;
  for (long i = 0; i < WORKERS; ++i)
    if (pthread_create(&w[i], NULL, worker, (void*)i) != 0) return 2;
  if (pthread_create(&c, NULL, churn, NULL) != 0) return 2;
  // Drain the pipe until every worker is done and the pipe is empty.
  long read_total = 0;
  int fl = fcntl(p[0], F_GETFL);
  fcntl(p[0], F_SETFL, fl | O_NONBLOCK);
  for (;;) {
    char buf[512];
    ssize_t n = read(p[0], buf, sizeof buf);
    if (n > 0) {
      read_total += n;
      continue;
    }
    if (workers_done == WORKERS && read_total == bytes_written) break;
    usleep(200);
  }
  for (int i = 0; i < WORKERS; ++i) pthread_join(w[i], NULL);
  pthread_join(c, NULL);
  long expected = (long)WORKERS * iterations;
  say("getppid_calls=%ld", (long)getppid_calls);
  say("calls_ok=%ld calls_bad=%ld expected=%ld bytes=%ld read=%ld churned_gt0=%d", (long)calls_ok,
      (long)calls_bad, expected, (long)bytes_written, read_total, churned > 0);
  return (calls_ok == expected && calls_bad == 0 && read_total == bytes_written && churned > 0) ? 0 : 1;
}
