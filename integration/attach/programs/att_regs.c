/* att_regs: checks that a tracer leaves a system call's registers as the
 * kernel does: on x86_64 a syscall instruction changes rax (the result), rcx
 * and r11 only; code the compiler generates around an inline syscall relies
 * on every other register keeping its value (glibc's syscall wrappers do).
 * A supervisor that edits arguments (copies of checked paths, a denied call's
 * number) must put them back before the program runs on, also when it
 * detaches in the middle.
 *
 *   att_regs [-t THREADS] [-s STOPFILE] [-T SECONDS] ALLOWED DENIED
 *
 * Each worker (THREADS, default 2) loops until STOPFILE exists: openat(2) of
 * ALLOWED and of DENIED and close(2), each made with the syscall
 * instruction directly, with known values in rdi, rsi, rdx, r10, r8, r9 and
 * r12-r15 (rbx and rbp are the compiler's), and checks them after the call.
 * Prints for the first 10 bad calls "bad who=W call=C reg=R want=X got=Y",
 * then "end who=W iters=N bad_regs=B allowed_fail=F denied_ok=A
 * denied_errnos=NAME:COUNT,..." per worker and "done bad_regs=B", and exits
 * 0 when no register changed and ALLOWED always opened, 1 otherwise, 3 after
 * SECONDS (default 300).
 */
#define _GNU_SOURCE
#if !defined(__x86_64__)
#include <stdio.h>
int main(void) {
  puts("att_regs: x86_64 only");
  return 77;
}
#else
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *allowed, *denied, *stop_file;
static atomic_long bad_total;
static atomic_int gave_up;
static time_t deadline;

struct regs {
  long rdi, rsi, rdx, r10, r8, r9, r12, r13, r14, r15;
};
static const char* names[] = {"rdi", "rsi", "rdx", "r10", "r8", "r9", "r12", "r13", "r14", "r15"};

/* One syscall with all six argument registers and r12-r15 set from *in; *out
 * gets what they hold afterwards. Returns rax. */
static long raw(long nr, const struct regs* in, struct regs* out) {
  register long rdi __asm__("rdi") = in->rdi;
  register long rsi __asm__("rsi") = in->rsi;
  register long rdx __asm__("rdx") = in->rdx;
  register long r10 __asm__("r10") = in->r10;
  register long r8 __asm__("r8") = in->r8;
  register long r9 __asm__("r9") = in->r9;
  register long r12 __asm__("r12") = in->r12;
  register long r13 __asm__("r13") = in->r13;
  register long r14 __asm__("r14") = in->r14;
  register long r15 __asm__("r15") = in->r15;
  long rax = nr;
  __asm__ volatile("syscall"
                   : "+a"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9), "+r"(r12),
                     "+r"(r13), "+r"(r14), "+r"(r15)
                   :
                   : "rcx", "r11", "memory");
  out->rdi = rdi;
  out->rsi = rsi;
  out->rdx = rdx;
  out->r10 = r10;
  out->r8 = r8;
  out->r9 = r9;
  out->r12 = r12;
  out->r13 = r13;
  out->r14 = r14;
  out->r15 = r15;
  return rax;
}

struct worker {
  char who[24];
  pthread_t thread;
  long iters, bad, allowed_fail, denied_ok;
  long errnos[4096];
};

static int check(struct worker* w, const char* call, const struct regs* in, const struct regs* out) {
  const long* a = (const long*)in;
  const long* b = (const long*)out;
  int bad = 0;
  for (int i = 0; i < 10; i++) {
    if (a[i] != b[i]) {
      bad = 1;
      if (atomic_fetch_add(&bad_total, 1) < 10)
        printf("bad who=%s call=%s reg=%s want=%#lx got=%#lx\n", w->who, call, names[i], a[i], b[i]);
    }
  }
  if (bad) w->bad++;
  return bad;
}

static void* run(void* arg) {
  struct worker* w = arg;
  struct regs in, out;
  for (long iter = 0;; iter++) {
    if (access(stop_file, F_OK) == 0) break;
    if (time(NULL) > deadline) {
      atomic_store(&gave_up, 1);
      break;
    }
    w->iters++;
    long salt = (iter << 8) ^ (long)(uintptr_t)w;
    in = (struct regs){AT_FDCWD, (long)allowed, O_RDONLY | O_CLOEXEC, 0644, 0x5a5a0000 + salt, 0x6b6b0000 - salt,
                       0x1212 ^ salt, 0x1313 ^ salt, 0x1414 ^ salt, 0x1515 ^ salt};
    long fd = raw(SYS_openat, &in, &out);
    check(w, "openat_allowed", &in, &out);
    if (fd < 0) {
      w->allowed_fail++;
    } else {
      in = (struct regs){fd, 0x77, 0x88, 0x99, 0xaa + salt, 0xbb, 0xcc, 0xdd, 0xee, 0xff ^ salt};
      raw(SYS_close, &in, &out);
      check(w, "close", &in, &out);
    }
    in = (struct regs){AT_FDCWD, (long)denied, O_RDONLY | O_CLOEXEC, 0600, 0x3c3c + salt, 0x4d4d,
                       0x2121 ^ salt, 0x3131, 0x4141 ^ salt, 0x5151};
    fd = raw(SYS_openat, &in, &out);
    check(w, "openat_denied", &in, &out);
    if (fd >= 0) {
      w->denied_ok++;
      in = (struct regs){fd, 1, 2, 3, 4, 5, 6, 7, 8, 9};
      raw(SYS_close, &in, &out);
      check(w, "close", &in, &out);
    } else if (-fd < 4096) {
      w->errnos[-fd]++;
    }
  }
  return NULL;
}

int main(int argc, char** argv) {
  long threads = 2, limit = 300;
  int opt;
  while ((opt = getopt(argc, argv, "t:s:T:")) != -1) {
    switch (opt) {
      case 't': threads = atol(optarg); break;
      case 's': stop_file = optarg; break;
      case 'T': limit = atol(optarg); break;
      default: return 2;
    }
  }
  if (argc - optind != 2 || !stop_file || threads < 1 || threads > 16) {
    fprintf(stderr, "usage: att_regs [-t THREADS] -s STOPFILE [-T SECONDS] ALLOWED DENIED\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  allowed = argv[optind];
  denied = argv[optind + 1];
  deadline = time(NULL) + limit;
  struct worker* ws = calloc((size_t)threads, sizeof *ws);
  printf("start pid=%d threads=%ld\n", (int)getpid(), threads);
  for (long i = 0; i < threads; i++) {
    snprintf(ws[i].who, sizeof ws[i].who, "t%ld", i);
    pthread_create(&ws[i].thread, NULL, run, &ws[i]);
  }
  int status = 0;
  for (long i = 0; i < threads; i++) {
    pthread_join(ws[i].thread, NULL);
    struct worker* w = &ws[i];
    char list[512] = "";
    size_t used = 0;
    for (int e = 0; e < 4096; e++)
      if (w->errnos[e] && used < sizeof list - 40) {
        const char* n = strerrorname_np(e);
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s:%ld", used ? "," : "", n ? n : "E?",
                                 w->errnos[e]);
      }
    printf("end who=%s iters=%ld bad_regs=%ld allowed_fail=%ld denied_ok=%ld denied_errnos=%s\n", w->who, w->iters,
           w->bad, w->allowed_fail, w->denied_ok, used ? list : "none");
    if (w->bad || w->allowed_fail) status = 1;
  }
  printf("done bad_regs=%ld\n", atomic_load(&bad_total));
  if (atomic_load(&gave_up)) status = 3;
  return status;
}
#endif
