/* att_block: a process asleep inside one system call when `sysgate attach`
 * seizes it and when it detaches, so the tests can check the call is
 * restarted correctly (its data, its full duration) both under trace and after.
 *
 *   att_block read
 *       reads fd 0 (a pipe or FIFO) until end of file, one read(2) at a
 *       time, 4096 bytes at most; before each read it prints "reading N",
 *       after it "read N: 'DATA'" (DATA without its last newline),
 *       "read N: EOF" or "read N: ENAME". Exits 0 at end of file, 1 when a
 *       read failed.
 *   att_block signals
 *       as read, with a SIGUSR1 handler (SA_RESTART) that prints "usr1 N"
 *       for the Nth signal; at end of file prints "usr1_total=N" and exits 0.
 *   att_block sleep MS
 *       prints "sleeping MS", makes one nanosleep(2) of MS milliseconds and
 *       prints "slept: OK elapsed_ms=E" (or "slept: ENAME elapsed_ms=E
 *       rem_ms=R"), E measured with CLOCK_MONOTONIC around the call. Exits 0
 *       when the call succeeded, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void say(const char* fmt, ...) {
  char buf[8192];
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
  const char* s = strerrorname_np(e);
  return s ? s : "E?";
}

static double mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static volatile sig_atomic_t usr1_count;

static void on_usr1(int sig) {
  (void)sig;
  int saved = errno;
  char line[32];
  int n = snprintf(line, sizeof line, "usr1 %d\n", (int)++usr1_count);
  if (write(1, line, (size_t)n) < 0) {
  }
  errno = saved;
}

int main(int argc, char** argv) {
  int with_signals = argc == 2 && strcmp(argv[1], "signals") == 0;
  if (with_signals) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
  }
  if (with_signals || (argc == 2 && strcmp(argv[1], "read") == 0)) {
    for (int i = 1;; i++) {
      char buf[4097];
      say("reading %d", i);
      ssize_t n = read(0, buf, sizeof buf - 1);
      if (n < 0) {
        say("read %d: %s", i, ename(errno));
        return 1;
      }
      if (n == 0) {
        say("read %d: EOF", i);
        if (with_signals) say("usr1_total=%d", (int)usr1_count);
        return 0;
      }
      if (buf[n - 1] == '\n') n--;
      buf[n] = 0;
      say("read %d: '%s'", i, buf);
    }
  }
  if (argc == 3 && strcmp(argv[1], "sleep") == 0) {
    long ms = atol(argv[2]);
    struct timespec req = {ms / 1000, (ms % 1000) * 1000000L}, rem = {0, 0};
    say("sleeping %ld", ms);
    double t0 = mono_ms();
    int r = nanosleep(&req, &rem);
    int e = errno;
    double elapsed = mono_ms() - t0;
    if (r == 0) {
      say("slept: OK elapsed_ms=%.0f", elapsed);
      return 0;
    }
    say("slept: %s elapsed_ms=%.0f rem_ms=%.0f", ename(e), elapsed, rem.tv_sec * 1e3 + rem.tv_nsec / 1e6);
    return 1;
  }
  fprintf(stderr, "usage: att_block read | att_block signals | att_block sleep MS\n");
  return 2;
}
