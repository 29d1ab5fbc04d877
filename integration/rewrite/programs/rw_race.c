/* rw_race ORIG OTHER N FLIPPERS: a redirected path buffer rewritten by other
 * threads while the call that is redirected is in flight.
 *
 * The main thread opens and reads a path buffer N times (open O_RDONLY, then
 * read). FLIPPERS other threads (7 makes 8 threads in all) keep rewriting the
 * buffer's bytes between ORIG (the path the policy redirects) and OTHER (a
 * path it does not), byte by byte, so that every mixture in between is also
 * seen; the opens start once every flipper has made its first pass. The
 * first line read tells which file was opened:
 *   FIXTURE   the redirect's target (redirected: right)
 *   OKAY      OTHER (the buffer said OTHER when it was checked: right)
 *   ORIGINAL  ORIG itself: the redirect was bypassed (a leak)
 * anything else read is "bad". Prints
 *   tries=N redirected=R other=O leaks=L bad=B refused=F
 *   refused_errnos: NAME=COUNT ... (or "none"; a mixture names no file: ENOENT)
 * and exits 0 (2 on a usage or setup error).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE 4096
#ifndef YIELD_EVERY
#define YIELD_EVERY 4
#endif

static char path_buf[PAGE] __attribute__((aligned(PAGE)));
static char path_a[PAGE], path_b[PAGE];
static atomic_int stop, started;
static long n_redirected, n_other, n_leaks, n_bad, n_refused;
static long errno_count[4096];

static void refused(int e) {
  ++n_refused;
  ++errno_count[e > 0 && e < 4096 ? e : 0];
}

static void try_open(void) {
  int fd = open(path_buf, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    refused(errno);
    return;
  }
  char buf[64] = {0};
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n < 0) {
    refused(errno);
    return;
  }
  if (!strncmp(buf, "FIXTURE", 7))
    ++n_redirected;
  else if (!strncmp(buf, "OKAY", 4))
    ++n_other;
  else if (!strncmp(buf, "ORIGINAL", 8))
    ++n_leaks;
  else
    ++n_bad;
}

/* Each flipper starts at its own byte so that they do not move in step. */
static void* flip(void* arg) {
  size_t n = strlen(path_a), start = (size_t)(long)arg % n;
  for (unsigned pass = 0; !atomic_load_explicit(&stop, memory_order_relaxed); ++pass) {
    for (size_t j = 0; j < n; ++j) {
      size_t i = (start + j) % n;
      ((volatile char*)path_buf)[i] = path_b[i];
    }
    for (size_t j = 0; j < n; ++j) {
      size_t i = (start + j) % n;
      ((volatile char*)path_buf)[i] = path_a[i];
    }
    if (pass == 0) atomic_fetch_add(&started, 1);
    /* Seven threads spinning without a break on a small machine would starve
     * the opener and the supervisor: give the CPU up every YIELD_EVERY passes
     * (the flips still land while calls are in flight; the native control
     * shows it). */
    if (pass % YIELD_EVERY == YIELD_EVERY - 1) sched_yield();
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 5 || strlen(argv[1]) != strlen(argv[2]) || strlen(argv[1]) >= PAGE) {
    fprintf(stderr, "usage: rw_race ORIG OTHER N FLIPPERS (ORIG and OTHER of the same length)\n");
    return 2;
  }
  strcpy(path_a, argv[1]);
  strcpy(path_b, argv[2]);
  strcpy(path_buf, path_a);
  long n = atol(argv[3]);
  int flippers = atoi(argv[4]);
  if (flippers < 0 || flippers > 64) return 2;
  pthread_t t[64];
  for (int i = 0; i < flippers; ++i)
    if (pthread_create(&t[i], NULL, flip, (void*)(long)i) != 0) return 2;
  /* The opens start once every flipper is flipping. */
  while (atomic_load(&started) < flippers) sched_yield();
  for (long i = 0; i < n; ++i) try_open();
  atomic_store(&stop, 1);
  for (int i = 0; i < flippers; ++i) pthread_join(t[i], NULL);
  printf("tries=%ld redirected=%ld other=%ld leaks=%ld bad=%ld refused=%ld\n", n, n_redirected, n_other, n_leaks,
         n_bad, n_refused);
  printf("refused_errnos:");
  int any = 0;
  for (int e = 0; e < 4096; ++e)
    if (errno_count[e]) {
      const char* name = e ? strerrorname_np(e) : NULL;
      printf(" %s=%ld", name ? name : "?", errno_count[e]);
      any = 1;
    }
  printf("%s\n", any ? "" : " none");
  return 0;
}
