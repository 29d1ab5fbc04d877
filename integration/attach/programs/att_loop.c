/* att_loop: the process `sysgate attach` attaches to in the attach suite.
 * Every ~5 ms each worker opens, reads and closes ALLOWED (checksumming what
 * it read), then opens DENIED and notes what that open returned. It prints a
 * line each time the result of the DENIED open changes, so a test sees when
 * the policy started and stopped applying, and a summary at the end.
 *
 *   att_loop [-t THREADS] [-i USEC] [-n ITERS] [-s STOPFILE] [-T SECONDS]
 *            [-f FORK_TRIGGER] [-k KILL_TRIGGER:KILL_PATH] [-x STATUS]
 *            ALLOWED DENIED
 *
 *   -t N   N worker threads (the main thread only waits for them: N+1 threads
 *          in all); default 0: the main thread is the only worker ("main")
 *   -i US  pause between iterations, microseconds (default 5000; 0: busy)
 *   -n N   each worker stops after N iterations (default: no limit)
 *   -s F   each worker stops once F exists (checked every iteration)
 *   -T S   give up after S seconds (default 120): prints "gave_up", exits 3
 *   -f F   once F exists, the main worker (with -t 0) forks once; the child
 *          ("child") goes on with the same loop from there, the parent waits
 *          for it at the end
 *   -k T:P once T exists, each worker opens P once (a call a kill rule ends)
 *          and prints "kill_open who=W" before, "kill_open_result who=W: R" after
 *   -x S   exit status when everything went right (default 0)
 *   -C     one more worker, "churn" (with -t only), whose DENIED open of each
 *          iteration is made by a new thread created for it (and joined):
 *          threads born all the time, also while sysgate seizes
 *   -R N   no loop: read ALLOWED once and print "replay n=N total=HEX", the
 *          total a worker computes over N iterations (in memory, so a long
 *          run's checksums can be checked without running it again)
 *
 * Lines (to fd 1, one write(2) each):
 *   start pid=P threads=N
 *   phase who=W iter=I t=NS prev_t=NS res=OK|ENAME
 *       the DENIED open of iteration I returned something else than in I-1
 *       (or I is the first); t = CLOCK_REALTIME (ns) taken just before that
 *       open, prev_t the same for iteration I-1 (0 for the first)
 *   other who=W iter=I call=C err=ENAME      any other failure (first 20)
 *   forked pid=P / child pid=P               the fork of -f
 *   end who=W iters=N reads=R bad_reads=B other_errors=E denied_ok=A
 *       denied_refused=D content=HEX total=HEX
 *       content: FNV-1a of the file as read the first time; bad_reads: reads
 *       whose bytes differ from it; total: FNV-1a over every byte read, in
 *       order (the same for the same ITERS whatever traced the program)
 *   done threads=N other_errors=E bad_reads=B content=HEX total=HEX
 *       total: FNV-1a over the workers' totals, in order
 *   child_exit=S                            the forked child's exit status
 * Exits S (-x) when no call failed other than DENIED's open and every read
 * was right, 1 otherwise, 3 after -T.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FNV_INIT 0xcbf29ce484222325ULL
static uint64_t fnv(uint64_t h, const void* p, size_t n) {
  const unsigned char* c = p;
  for (size_t i = 0; i < n; i++) {
    h ^= c[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

static void say(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n > (int)sizeof buf - 2) n = (int)sizeof buf - 2;
  buf[n++] = '\n';
  const char* p = buf;
  while (n > 0) {
    ssize_t w = write(1, p, (size_t)n);
    if (w <= 0) {
      if (w < 0 && errno == EINTR) continue;
      return;
    }
    p += w;
    n -= (int)w;
  }
}

static const char* ename(int e) {
  if (e == 0) return "OK";
  const char* s = strerrorname_np(e);
  return s ? s : "E?";
}

static int64_t now_ns(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static const char *allowed, *denied, *stop_file, *fork_trigger, *kill_trigger, *kill_path;
static long interval_us = 5000, max_iters = 0, give_up_s = 120;
static int64_t deadline;
static atomic_int gave_up;

struct worker {
  char who[24];
  pthread_t thread;
  long iters, reads, bad_reads, other_errors, denied_ok, denied_refused;
  int have_content;
  uint64_t content, total;
};

static int churn;

struct denied_try {
  int64_t t;
  int res;
};

static void* denied_once(void* arg) {
  struct denied_try* d = arg;
  d->t = now_ns(CLOCK_REALTIME);
  int fd = open(denied, O_RDONLY | O_CLOEXEC);
  d->res = fd < 0 ? errno : 0;
  if (fd >= 0) close(fd);
  return NULL;
}

static int is_child;
static pid_t child_pid = -1;

static void other(struct worker* w, long iter, const char* call, int e) {
  if (++w->other_errors <= 20) say("other who=%s iter=%ld call=%s err=%s", w->who, iter, call, ename(e));
}

static void reset(struct worker* w, const char* who) {
  memset(w, 0, sizeof *w);
  snprintf(w->who, sizeof w->who, "%s", who);
  w->total = FNV_INIT;
}

static void* run(void* arg) {
  struct worker* w = arg;
  int prev_res = -1, forked = 0, kill_tried = 0;
  int64_t prev_t = 0;
  for (long iter = 0;; iter++) {
    if (max_iters && iter >= max_iters) break;
    if (stop_file && access(stop_file, F_OK) == 0) break;
    if (now_ns(CLOCK_MONOTONIC) > deadline) {
      atomic_store(&gave_up, 1);
      say("gave_up who=%s iter=%ld", w->who, iter);
      break;
    }
    w->iters++;
    int fd = open(allowed, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      other(w, iter, "open_allowed", errno);
    } else {
      uint64_t h = FNV_INIT;
      char chunk[4096];
      int failed = 0;
      for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0) {
          other(w, iter, "read", errno);
          failed = 1;
          break;
        }
        if (n == 0) break;
        h = fnv(h, chunk, (size_t)n);
        w->total = fnv(w->total, chunk, (size_t)n);
      }
      if (close(fd) < 0) other(w, iter, "close", errno);
      if (!failed) {
        w->reads++;
        if (!w->have_content) {
          w->content = h;
          w->have_content = 1;
        } else if (h != w->content) {
          w->bad_reads++;
        }
      }
    }
    int64_t t;
    int res;
    if (strcmp(w->who, "churn") == 0) {
      struct denied_try d = {0, 0};
      pthread_t th;
      int e = pthread_create(&th, NULL, denied_once, &d);
      if (e) {
        other(w, iter, "pthread_create", e);
        continue;
      }
      pthread_join(th, NULL);
      t = d.t;
      res = d.res;
      if (res == 0) w->denied_ok++; else w->denied_refused++;
    } else {
      t = now_ns(CLOCK_REALTIME);
      fd = open(denied, O_RDONLY | O_CLOEXEC);
      res = fd < 0 ? errno : 0;
      if (fd >= 0) {
        w->denied_ok++;
        if (close(fd) < 0) other(w, iter, "close", errno);
      } else {
        w->denied_refused++;
      }
    }
    if (res != prev_res)
      say("phase who=%s iter=%ld t=%lld prev_t=%lld res=%s", w->who, iter, (long long)t, (long long)prev_t,
          ename(res));
    prev_res = res;
    prev_t = t;
    if (fork_trigger && !forked && !is_child && access(fork_trigger, F_OK) == 0) {
      forked = 1;
      pid_t p = fork();
      if (p < 0) {
        other(w, iter, "fork", errno);
      } else if (p == 0) {
        is_child = 1;
        reset(w, "child");
        prev_res = -1;
        say("child pid=%d", (int)getpid());
      } else {
        child_pid = p;
        say("forked pid=%d", (int)p);
      }
    }
    if (kill_trigger && !kill_tried && access(kill_trigger, F_OK) == 0) {
      kill_tried = 1;
      say("kill_open who=%s", w->who);
      int kfd = open(kill_path, O_RDONLY | O_CLOEXEC);
      say("kill_open_result who=%s: %s", w->who, ename(kfd < 0 ? errno : 0));
      if (kfd >= 0) close(kfd);
    }
    if (interval_us > 0) {
      struct timespec ts = {interval_us / 1000000, (interval_us % 1000000) * 1000};
      if (nanosleep(&ts, NULL) < 0) other(w, iter, "nanosleep", errno);
    }
  }
  say("end who=%s iters=%ld reads=%ld bad_reads=%ld other_errors=%ld denied_ok=%ld denied_refused=%ld "
      "content=%016llx total=%016llx",
      w->who, w->iters, w->reads, w->bad_reads, w->other_errors, w->denied_ok, w->denied_refused,
      (unsigned long long)w->content, (unsigned long long)w->total);
  return NULL;
}

int main(int argc, char** argv) {
  long threads = 0;
  int ok_status = 0, opt;
  long replay = -1;
  while ((opt = getopt(argc, argv, "t:i:n:s:T:f:k:x:R:C")) != -1) {
    switch (opt) {
      case 't': threads = atol(optarg); break;
      case 'i': interval_us = atol(optarg); break;
      case 'n': max_iters = atol(optarg); break;
      case 's': stop_file = optarg; break;
      case 'T': give_up_s = atol(optarg); break;
      case 'f': fork_trigger = optarg; break;
      case 'k': {
        char* colon = strchr(optarg, ':');
        if (!colon) {
          fprintf(stderr, "att_loop: -k TRIGGER:PATH\n");
          return 2;
        }
        *colon = 0;
        kill_trigger = optarg;
        kill_path = colon + 1;
        break;
      }
      case 'x': ok_status = atoi(optarg); break;
      case 'R': replay = atol(optarg); break;
      case 'C': churn = 1; break;
      default: fprintf(stderr, "att_loop: bad option (see the source)\n"); return 2;
    }
  }
  if (argc - optind != 2 || threads < 0 || threads > 64) {
    fprintf(stderr, "usage: att_loop [options] ALLOWED DENIED\n");
    return 2;
  }
  allowed = argv[optind];
  denied = argv[optind + 1];
  deadline = now_ns(CLOCK_MONOTONIC) + give_up_s * 1000000000LL;
  if (replay >= 0) {
    FILE* f = fopen(allowed, "rb");
    if (!f) {
      fprintf(stderr, "att_loop: %s: %s\n", allowed, strerror(errno));
      return 2;
    }
    static char data[1 << 20];
    size_t len = fread(data, 1, sizeof data, f);
    fclose(f);
    uint64_t total = FNV_INIT;
    for (long i = 0; i < replay; i++) total = fnv(total, data, len);
    say("replay n=%ld total=%016llx", replay, (unsigned long long)total);
    return 0;
  }
  say("start pid=%d threads=%ld", (int)getpid(), threads);

  long n = threads ? threads + churn : 1;
  struct worker* ws = calloc((size_t)n, sizeof *ws);
  if (!ws) return 2;
  if (threads == 0) {
    reset(&ws[0], "main");
    run(&ws[0]);
  } else {
    for (long i = 0; i < n; i++) {
      char who[24];
      if (i < threads)
        snprintf(who, sizeof who, "t%ld", i);
      else
        snprintf(who, sizeof who, "churn");
      reset(&ws[i], who);
      int e = pthread_create(&ws[i].thread, NULL, run, &ws[i]);
      if (e) {
        say("other who=main iter=0 call=pthread_create err=%s", ename(e));
        return 1;
      }
    }
    for (long i = 0; i < n; i++) pthread_join(ws[i].thread, NULL);
  }
  long errors = 0, bad = 0;
  uint64_t total = FNV_INIT;
  for (long i = 0; i < n; i++) {
    errors += ws[i].other_errors;
    bad += ws[i].bad_reads;
    total = fnv(total, &ws[i].total, sizeof ws[i].total);
  }
  int status = errors == 0 && bad == 0 ? ok_status : 1;
  if (atomic_load(&gave_up)) status = 3;
  if (is_child) {
    say("child_end other_errors=%ld bad_reads=%ld", errors, bad);
    return status;
  }
  if (child_pid > 0) {
    int st;
    pid_t r;
    while ((r = waitpid(child_pid, &st, 0)) < 0 && errno == EINTR) {
    }
    if (r < 0) {
      say("other who=main iter=0 call=waitpid err=%s", ename(errno));
      status = 1;
    } else if (WIFEXITED(st)) {
      say("child_exit=%d", WEXITSTATUS(st));
      if (WEXITSTATUS(st) != 0 && status == ok_status) status = 1;
    } else {
      say("child_exit=signal%d", WTERMSIG(st));
      status = 1;
    }
  }
  say("done threads=%ld other_errors=%ld bad_reads=%ld content=%016llx total=%016llx", threads, errors, bad,
      (unsigned long long)ws[0].content, (unsigned long long)total);
  return status;
}
