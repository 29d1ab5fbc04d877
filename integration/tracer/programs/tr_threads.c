/* tr_threads: many threads making checked calls, for the tracer's thread
 * handling (stops of many threads at once, exec from a thread, threads dying
 * while stopped, signals to a tree of blocked threads).
 *   tr_threads open T N FILE [DENIED]
 *       T threads (started together) each open, read and close FILE N times;
 *       with DENIED, every second open is of DENIED instead. Content "SECRET"
 *       read from any file is a leak. Prints
 *         tries=T*N ok=A refused=R leaks=L bad=B
 *         refused_errnos: NAME=COUNT ... (or "none")
 *       and exits 0 (1 when an open of FILE failed or read the wrong bytes).
 *   tr_threads exec_chain FILE I N
 *       prints "stage I"; 8 threads loop opening and reading FILE while a
 *       ninth thread (not the leader) execs this program with I+1; stage N
 *       execs /bin/echo "chain done N" instead. An opener that sees a failed
 *       open or wrong content prints it and exits 3.
 *   tr_threads storm TOTAL WAVE FILE FIFO
 *       TOTAL threads, WAVE at a time (every second one detached), each opens
 *       and reads FILE 3 times; then 8 threads block in read(2) of a pipe, 8 in
 *       nanosleep and 8 in open(FIFO) (no writer); once all 24 sleep, prints
 *         threads=TOTAL opens=3*TOTAL ok=A blocked=24
 *       and calls exit(7) with them still blocked.
 *   tr_threads block T fifo PATH | tr_threads block T pipe
 *       T threads block in open(PATH) of a FIFO with no writer (or in read of
 *       a pipe nobody writes); once all sleep inside the call, prints "ready T"
 *       and the main thread waits in pause().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char* allowed_path;
static const char* denied_path;
static char allowed_content[256];
static long per_thread;
static pthread_barrier_t start_line;
static atomic_long n_ok, n_refused, n_leaks, n_bad;
static atomic_long errno_count[4096];

static const char* errno_name(int e) {
  const char* n = strerrorname_np(e);
  return n ? n : "?";
}

static void read_whole(const char* path, char* buf, size_t size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "tr_threads: %s: %s\n", path, strerror(errno));
    exit(2);
  }
  ssize_t n = read(fd, buf, size - 1);
  buf[n > 0 ? n : 0] = 0;
  close(fd);
}

/* One open + read + close of PATH: 1 ok, 0 refused (errno counted), -1 wrong
 * content. A read of "SECRET" counts as a leak. */
static int open_and_check(const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    atomic_fetch_add(&n_refused, 1);
    atomic_fetch_add(&errno_count[e > 0 && e < 4096 ? e : 0], 1);
    return 0;
  }
  char buf[256];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n > 0 ? n : 0] = 0;
  if (strncmp(buf, "SECRET", 6) == 0) {
    atomic_fetch_add(&n_leaks, 1);
    return -1;
  }
  if (strcmp(buf, allowed_content) != 0) {
    atomic_fetch_add(&n_bad, 1);
    return -1;
  }
  atomic_fetch_add(&n_ok, 1);
  return 1;
}

static void print_errnos(void) {
  printf("refused_errnos:");
  int any = 0;
  for (int e = 0; e < 4096; ++e)
    if (errno_count[e]) {
      printf(" %s=%ld", e ? errno_name(e) : "?", (long)errno_count[e]);
      any = 1;
    }
  printf("%s\n", any ? "" : " none");
}

static void* opener(void* arg) {
  (void)arg;
  pthread_barrier_wait(&start_line);
  for (long i = 0; i < per_thread; ++i) {
    const char* p = denied_path && (i & 1) ? denied_path : allowed_path;
    open_and_check(p);
  }
  return NULL;
}

static int mode_open(int argc, char** argv) {
  if (argc < 5) return 2;
  int t = atoi(argv[2]);
  per_thread = atol(argv[3]);
  allowed_path = argv[4];
  denied_path = argc > 5 ? argv[5] : NULL;
  read_whole(allowed_path, allowed_content, sizeof allowed_content);
  pthread_t* th = calloc((size_t)t, sizeof *th);
  pthread_barrier_init(&start_line, NULL, (unsigned)t);
  for (int i = 0; i < t; ++i)
    if (pthread_create(&th[i], NULL, opener, NULL) != 0) {
      fprintf(stderr, "pthread_create: %s\n", strerror(errno));
      return 2;
    }
  for (int i = 0; i < t; ++i) pthread_join(th[i], NULL);
  printf("tries=%ld ok=%ld refused=%ld leaks=%ld bad=%ld\n", (long)t * per_thread, (long)n_ok, (long)n_refused,
         (long)n_leaks, (long)n_bad);
  print_errnos();
  /* Every open of the allowed file must have succeeded. */
  long expect_ok = denied_path ? (long)t * (per_thread / 2) : (long)t * per_thread;
  return n_ok == expect_ok && n_bad == 0 ? 0 : 1;
}

/* exec_chain */
static atomic_long chain_opens;

static void* chain_opener(void* arg) {
  (void)arg;
  for (;;) {
    int r = open_and_check(allowed_path);
    if (r != 1) {
      char msg[128];
      int len = snprintf(msg, sizeof msg, "opener: open of the allowed file %s\n",
                         r == 0 ? "failed" : "read wrong bytes");
      if (write(1, msg, (size_t)len) < 0) _exit(4);
      _exit(3);
    }
    atomic_fetch_add(&chain_opens, 1);
  }
  return NULL;
}

static char** chain_next_argv;
static char self_exe[4096];

static void* chain_exec(void* arg) {
  (void)arg;
  execv(self_exe, chain_next_argv);
  char msg[128];
  int len = snprintf(msg, sizeof msg, "exec: %s\n", errno_name(errno));
  if (write(1, msg, (size_t)len) < 0) _exit(4);
  _exit(1);
}

static int mode_exec_chain(int argc, char** argv) {
  if (argc != 5) return 2;
  allowed_path = argv[2];
  int i = atoi(argv[3]), n = atoi(argv[4]);
  char msg[64];
  int len = snprintf(msg, sizeof msg, "stage %d\n", i);
  if (write(1, msg, (size_t)len) != len) return 2;
  read_whole(allowed_path, allowed_content, sizeof allowed_content);
  ssize_t l = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
  if (l <= 0) return 2;
  self_exe[l] = 0;
  char next[16], done[32];
  snprintf(next, sizeof next, "%d", i + 1);
  snprintf(done, sizeof done, "chain done %d", n);
  static char* argv_next[6];
  static char* argv_echo[3];
  if (i >= n) {
    strcpy(self_exe, "/bin/echo");
    argv_echo[0] = "echo";
    argv_echo[1] = done;
    argv_echo[2] = NULL;
    chain_next_argv = argv_echo;
  } else {
    argv_next[0] = argv[0];
    argv_next[1] = "exec_chain";
    argv_next[2] = argv[2];
    argv_next[3] = next;
    argv_next[4] = argv[4];
    argv_next[5] = NULL;
    chain_next_argv = argv_next;
  }
  pthread_t t;
  for (int k = 0; k < 8; ++k) pthread_create(&t, NULL, chain_opener, NULL);
  /* The exec comes while the openers are busy making checked calls. */
  while (atomic_load(&chain_opens) < 8 * 20) sched_yield();
  pthread_t ex;
  pthread_create(&ex, NULL, chain_exec, NULL);
  pthread_join(ex, NULL); /* never returns: the exec ends this image */
  return 1;
}

/* storm */
static atomic_long storm_done;
static atomic_int blockers_in;
static pid_t blocker_tid[64];
static int pipe_fds[2];
static const char* fifo_path;

static void* storm_thread(void* arg) {
  (void)arg;
  for (int k = 0; k < 3; ++k) open_and_check(allowed_path);
  atomic_fetch_add(&storm_done, 1);
  return NULL;
}

static void* blocker(void* arg) {
  long kind = (long)arg;
  int slot = atomic_fetch_add(&blockers_in, 1);
  blocker_tid[slot] = (pid_t)syscall(SYS_gettid);
  char c;
  if (kind == 0) {
    if (read(pipe_fds[0], &c, 1) < 0) {}
  } else if (kind == 1) {
    struct timespec ts = {3600, 0};
    nanosleep(&ts, NULL);
  } else {
    int fd = open(fifo_path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && read(fd, &c, 1) < 0) {}
  }
  printf("blocker %ld woke up\n", kind);
  return NULL;
}

/* Every listed thread sleeps (state S) inside its call; polls up to 30 s. */
static int all_sleeping(pid_t* tids, int n) {
  for (int spins = 0; spins < 30000; ++spins) {
    int sleeping = 0;
    for (int i = 0; i < n; ++i) {
      char path[64], buf[512];
      snprintf(path, sizeof path, "/proc/self/task/%d/stat", tids[i]);
      int fd = open(path, O_RDONLY | O_CLOEXEC);
      if (fd < 0) break;
      ssize_t r = read(fd, buf, sizeof buf - 1);
      close(fd);
      buf[r > 0 ? r : 0] = 0;
      char* p = strrchr(buf, ')');
      if (p && p[1] == ' ' && p[2] == 'S') ++sleeping;
    }
    if (sleeping == n) return 1;
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  return 0;
}

static int mode_storm(int argc, char** argv) {
  if (argc != 6) return 2;
  long total = atol(argv[2]), wave = atol(argv[3]);
  allowed_path = argv[4];
  fifo_path = argv[5];
  read_whole(allowed_path, allowed_content, sizeof allowed_content);
  pthread_attr_t detached;
  pthread_attr_init(&detached);
  pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&detached, 64 * 1024);
  pthread_attr_t joinable;
  pthread_attr_init(&joinable);
  pthread_attr_setstacksize(&joinable, 64 * 1024);
  pthread_t* th = calloc((size_t)wave, sizeof *th);
  for (long started = 0; started < total;) {
    long k = 0;
    for (; k < wave && started < total; ++k, ++started) {
      int r = pthread_create(&th[k], k & 1 ? &detached : &joinable, storm_thread, NULL);
      if (r != 0) {
        fprintf(stderr, "pthread_create: %s\n", strerror(r));
        return 2;
      }
    }
    for (long j = 0; j < k; j += 2) pthread_join(th[j], NULL);
  }
  for (int spins = 0; atomic_load(&storm_done) < total && spins < 30000; ++spins) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  if (pipe(pipe_fds) != 0) return 2;
  pthread_t b;
  for (long kind = 0; kind < 3; ++kind)
    for (int k = 0; k < 8; ++k) pthread_create(&b, &detached, blocker, (void*)kind);
  while (atomic_load(&blockers_in) < 24) sched_yield();
  if (!all_sleeping(blocker_tid, 24)) {
    printf("blockers did not all sleep\n");
    return 2;
  }
  printf("threads=%ld opens=%ld ok=%ld blocked=24\n", total, 3 * total, (long)n_ok);
  print_errnos();
  fflush(stdout);
  exit(7);
}

static void* block_thread(void* arg) {
  (void)arg;
  int slot = atomic_fetch_add(&blockers_in, 1);
  blocker_tid[slot] = (pid_t)syscall(SYS_gettid);
  char c;
  if (fifo_path) {
    int fd = open(fifo_path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && read(fd, &c, 1) < 0) {}
  } else if (read(pipe_fds[0], &c, 1) < 0) {
  }
  printf("blocked thread woke up\n");
  return NULL;
}

static int mode_block(int argc, char** argv) {
  if (argc < 4) return 2;
  int t = atoi(argv[2]);
  if (t > 64) return 2;
  if (!strcmp(argv[3], "fifo")) {
    if (argc != 5) return 2;
    fifo_path = argv[4];
  } else if (pipe(pipe_fds) != 0) {
    return 2;
  }
  pthread_t b;
  for (int k = 0; k < t; ++k) pthread_create(&b, NULL, block_thread, NULL);
  while (atomic_load(&blockers_in) < t) sched_yield();
  if (!all_sleeping(blocker_tid, t)) {
    printf("threads did not all sleep\n");
    return 2;
  }
  printf("ready %d\n", t);
  fflush(stdout);
  for (;;) pause();
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: tr_threads open|exec_chain|storm|block ...\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (!strcmp(argv[1], "open")) return mode_open(argc, argv);
  if (!strcmp(argv[1], "exec_chain")) return mode_exec_chain(argc, argv);
  if (!strcmp(argv[1], "storm")) return mode_storm(argc, argv);
  if (!strcmp(argv[1], "block")) return mode_block(argc, argv);
  return 2;
}
