// A mixed workload for the stress tests (integration/tests/concurrent_runs.sh,
// bench/stress.sh). One mode per run; each prints one result line and exits 0
// when everything it checked was as expected, 1 otherwise (2: bad usage).
//   sg_mixed threads BATCHES PER_BATCH   BATCHES x PER_BATCH short threads (each
//                                        a getppid), at most PER_BATCH alive
//   sg_mixed tree DEPTH WIDTH            a fork tree: every node above depth 0
//                                        forks WIDTH children; the leaves exec
//                                        `sg_mixed leaf` (/proc/self/exe)
//   sg_mixed paths ALLOWED DENIED N      N x (open ALLOWED: must succeed and
//                                        read; open DENIED: must fail EACCES)
//   sg_mixed signals N                   N signals to itself, N to a child (each
//                                        acknowledged), a child ended by SIGTERM
//   sg_mixed mixed ALLOWED DENIED        threads 8x8, tree 2 2, paths 20,
//                                        signals 20, one after the other
//   sg_mixed hold N SECONDS              forks N children that stay alive;
//                                        prints "held=N" once all are, holds
//                                        them SECONDS (0: forever), then kills
//                                        and reaps them
//   sg_mixed die SIG                     dies of signal SIG (no handler)
//   sg_mixed exit N                      exits with status N
//   sg_mixed spin                        burns CPU forever (--cpu-time)
//   sg_mixed sleep                       sleeps forever (--wall-time)
//   sg_mixed alloc                       touches 1 MiB more every ms up to
//                                        512 MiB, then sleeps (--memory)
//   sg_mixed output                      writes to stdout forever (--output)
//   sg_mixed vhangup                     calls vhangup(2) (a kill rule's target)
#include "common.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static const char* self_exe = "/proc/self/exe";

// ---- threads ------------------------------------------------------------

static atomic_long thread_calls;
static pid_t main_pid;

static void* short_thread(void* arg) {
  (void)arg;
  if (syscall(SYS_getppid) == getppid()) thread_calls++;
  return NULL;
}

static int run_threads(long batches, long per_batch) {
  pthread_t* t = calloc((size_t)per_batch, sizeof *t);
  if (!t) return 1;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  long created = 0, failed = 0;
  for (long b = 0; b < batches; ++b) {
    long n = 0;
    for (long i = 0; i < per_batch; ++i) {
      int e = pthread_create(&t[n], &attr, short_thread, NULL);
      if (e == 0) {
        ++n;
        ++created;
      } else {
        ++failed;
      }
    }
    for (long i = 0; i < n; ++i) pthread_join(t[i], NULL);
  }
  free(t);
  long calls = thread_calls;
  say("threads created=%ld failed=%ld calls=%ld", created, failed, calls);
  return failed == 0 && calls == created && created == batches * per_batch ? 0 : 1;
}

// ---- fork tree ----------------------------------------------------------

// Each node writes one byte to the pipe; the root counts them.
static int tree_node(int depth, int width, int count_fd) {
  char byte = 'n';
  if (write(count_fd, &byte, 1) != 1) return 1;
  if (depth == 0) {
    execl(self_exe, "sg_mixed", "leaf", (char*)NULL);
    return 1;
  }
  int bad = 0;
  pid_t kids[64];
  int n = 0;
  for (int i = 0; i < width && i < 64; ++i) {
    pid_t pid = fork();
    if (pid < 0) {
      bad = 1;
      continue;
    }
    if (pid == 0) _exit(tree_node(depth - 1, width, count_fd));
    kids[n++] = pid;
  }
  for (int i = 0; i < n; ++i) {
    int status;
    if (waitpid(kids[i], &status, 0) != kids[i] || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
      bad = 1;
  }
  return bad;
}

static int run_tree(int depth, int width) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return 1;
  // The write end must survive the leaves' exec only until they exit: they
  // write before exec, so O_CLOEXEC is right.
  long expected = 0, level = 1;
  for (int d = 0; d <= depth; ++d) {
    expected += level;
    level *= width;
  }
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  int bad = tree_node(depth, width, fds[1]);
  close(fds[1]);
  long nodes = 0;
  char buf[4096];
  ssize_t r;
  while ((r = read(fds[0], buf, sizeof buf)) > 0) nodes += r;
  say("tree nodes=%ld expected=%ld bad=%d", nodes, expected, bad);
  return !bad && nodes == expected ? 0 : 1;
}

// ---- checked path calls -------------------------------------------------

static int paths_once(const char* allowed, const char* denied, long* ok, long* bad) {
  int fd = open(allowed, O_RDONLY | O_CLOEXEC);
  char buf[64];
  if (fd >= 0 && read(fd, buf, sizeof buf) > 0) ++*ok; else ++*bad;
  if (fd >= 0) close(fd);
  errno = 0;
  fd = open(denied, O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == EACCES) ++*ok; else ++*bad;
  if (fd >= 0) close(fd);
  return 0;
}

static int run_paths(const char* allowed, const char* denied, long n) {
  long ok = 0, bad = 0;
  for (long i = 0; i < n; ++i) paths_once(allowed, denied, &ok, &bad);
  say("paths ok=%ld bad=%ld", ok, bad);
  return bad == 0 && ok == 2 * n ? 0 : 1;
}

// ---- signals ------------------------------------------------------------

static volatile sig_atomic_t got_usr1, got_usr2;
static void on_usr1(int sig) { (void)sig; got_usr1++; }
static void on_usr2(int sig) { (void)sig; got_usr2++; }

static int run_signals(long n) {
  struct sigaction sa = {0};
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGUSR1, &sa, NULL) != 0) return 1;
  // To itself: kill(2) to the own process delivers before it returns.
  for (long i = 0; i < n; ++i) kill(getpid(), SIGUSR1);
  long self_got = got_usr1;

  // To a child: SIGUSR2 blocked except in sigsuspend; every signal is
  // acknowledged by a byte on a pipe before the next is sent.
  int ack[2];
  if (pipe(ack) != 0) return 1;
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR2);
  sigprocmask(SIG_BLOCK, &block, &old);
  pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {
    close(ack[0]);
    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, NULL);
    sigset_t wait_mask = old;
    sigdelset(&wait_mask, SIGUSR2);
    char byte = 'a';
    if (write(ack[1], &byte, 1) != 1) _exit(1);  // ready
    for (long i = 0; i < n; ++i) {
      long before = got_usr2;
      while (got_usr2 == before) sigsuspend(&wait_mask);
      if (write(ack[1], &byte, 1) != 1) _exit(1);
    }
    _exit(got_usr2 == n ? 0 : 1);
  }
  close(ack[1]);
  char byte;
  long acks = 0;
  if (read(ack[0], &byte, 1) != 1) return 1;
  for (long i = 0; i < n; ++i) {
    if (kill(child, SIGUSR2) != 0) break;
    ssize_t r;
    do r = read(ack[0], &byte, 1); while (r < 0 && errno == EINTR);
    if (r != 1) break;
    ++acks;
  }
  close(ack[0]);
  int status;
  int child_ok = waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  sigprocmask(SIG_SETMASK, &old, NULL);

  // A child ended by SIGTERM.
  pid_t victim = fork();
  if (victim < 0) return 1;
  if (victim == 0) {
    for (;;) pause();
  }
  kill(victim, SIGTERM);
  int term_ok = waitpid(victim, &status, 0) == victim && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM;
  say("signals self=%ld child_acks=%ld child_ok=%d term_ok=%d", self_got, acks, child_ok, term_ok);
  return self_got == n && acks == n && child_ok && term_ok ? 0 : 1;
}

// ---- limits -------------------------------------------------------------

static int run_hold(long n, long seconds) {
  int ready[2];
  if (pipe(ready) != 0) return 1;
  pid_t* kids = calloc((size_t)n, sizeof *kids);
  if (!kids) return 1;
  long made = 0;
  for (long i = 0; i < n; ++i) {
    pid_t pid = fork();
    if (pid < 0) break;
    if (pid == 0) {
      close(ready[0]);
      char byte = 'r';
      if (write(ready[1], &byte, 1) != 1) _exit(1);
      close(ready[1]);
      for (;;) pause();
    }
    kids[made++] = pid;
  }
  close(ready[1]);
  long alive = 0;
  char buf[256];
  while (alive < made) {
    ssize_t r = read(ready[0], buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    alive += r;
  }
  say("held=%ld", alive);
  if (seconds == 0) {
    for (;;) pause();
  }
  sleep((unsigned)seconds);
  for (long i = 0; i < made; ++i) kill(kids[i], SIGKILL);
  long reaped = 0;
  for (long i = 0; i < made; ++i)
    if (waitpid(kids[i], NULL, 0) == kids[i]) ++reaped;
  say("reaped=%ld", reaped);
  return made == n && alive == n && reaped == n ? 0 : 1;
}

static int run_alloc(void) {
  const size_t step = 1u << 20, cap = 512ul << 20;
  size_t total = 0;
  while (total < cap) {
    char* p = mmap(NULL, step, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) break;
    for (size_t i = 0; i < step; i += 4096) p[i] = 1;
    total += step;
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
  }
  say("alloc survived total=%zu", total);
  for (;;) pause();
  return 1;
}

static int run_output(void) {
  static char buf[4096];
  memset(buf, 'x', sizeof buf);
  buf[sizeof buf - 1] = '\n';
  for (;;)
    if (write(1, buf, sizeof buf) < 0 && errno != EINTR) return 1;
  return 1;
}

static int usage(void) {
  say("usage: sg_mixed threads|tree|paths|signals|mixed|hold|die|exit|spin|sleep|alloc|output|vhangup ...");
  return 2;
}

int main(int argc, char** argv) {
  main_pid = getpid();
  if (argc < 2) return usage();
  const char* mode = argv[1];
  if (!strcmp(mode, "leaf")) return 0;
  if (!strcmp(mode, "threads") && argc == 4) return run_threads(atol(argv[2]), atol(argv[3]));
  if (!strcmp(mode, "tree") && argc == 4) return run_tree(atoi(argv[2]), atoi(argv[3]));
  if (!strcmp(mode, "paths") && argc == 5) return run_paths(argv[2], argv[3], atol(argv[4]));
  if (!strcmp(mode, "signals") && argc == 3) return run_signals(atol(argv[2]));
  if (!strcmp(mode, "mixed") && argc == 4) {
    int bad = run_threads(8, 8);
    bad |= run_tree(2, 2);
    bad |= run_paths(argv[2], argv[3], 20);
    bad |= run_signals(20);
    say("mixed bad=%d", bad);
    return bad ? 1 : 0;
  }
  if (!strcmp(mode, "hold") && argc == 4) return run_hold(atol(argv[2]), atol(argv[3]));
  if (!strcmp(mode, "die") && argc == 3) {
    int sig = atoi(argv[2]);
    signal(sig, SIG_DFL);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    raise(sig);
    return 1;
  }
  if (!strcmp(mode, "exit") && argc == 3) return atoi(argv[2]);
  if (!strcmp(mode, "spin")) {
    volatile unsigned long x = 0;
    for (;;) x++;
  }
  if (!strcmp(mode, "sleep")) {
    for (;;) pause();
  }
  if (!strcmp(mode, "alloc")) return run_alloc();
  if (!strcmp(mode, "output")) return run_output();
  if (!strcmp(mode, "vhangup")) {
    long r = syscall(SYS_vhangup);
    say("vhangup returned %ld (%s)", r, r < 0 ? err_name(errno) : "OK");
    return 1;
  }
  return usage();
}
