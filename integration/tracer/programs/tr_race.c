/* tr_race: memory of a checked argument rewritten after the supervisor read
 * it, by another thread or by another process.
 *   tr_race serve FILE
 *       listens on two random loopback ports (the allowed one, then the
 *       denied one), writes them to FILE (one a line), accepts and closes
 *       forever.
 *   tr_race thread_path ALLOWED DENIED N
 *       a thread flips a path buffer between ALLOWED and DENIED (same length)
 *       while the main thread opens and reads it N times.
 *   tr_race file_path MAPFILE ALLOWED DENIED N
 *       the path lies in a MAP_PRIVATE mapping of MAPFILE; a forked child
 *       keeps rewriting MAPFILE with pwrite (DENIED, ALLOWED, ...), which the
 *       private mapping shows, while the parent opens and reads N times.
 *   tr_race file_connect MAPFILE PORT_OK PORT_DENIED N
 *       the same with a struct sockaddr_in (127.0.0.1) whose sin_port the
 *       child rewrites; the parent connects N times.
 *   tr_race procmem_path ALLOWED DENIED N
 *   tr_race procmem_connect PORT_OK PORT_DENIED N
 *       a forked child makes the N calls from a buffer in its private memory;
 *       the parent opens /proc/CHILD/mem for writing (prints
 *       "mem_open: OK" or "mem_open: ERRNO") and, when it could, keeps
 *       rewriting the child's buffer through it with pwrite.
 *   tr_race procmem_dup N
 *       the main thread opens /proc/self/mem for writing N times while a
 *       second thread tries to duplicate the descriptor it would get
 *       (F_DUPFD) before anyone can close it. Prints
 *       "mem_dup: opened=O refused=R kept=yes|no" and, when a copy was kept,
 *       "region_write: OK|ERRNO" for a write at 0x10000 through it.
 * A read whose content starts with "SECRET", or a connection whose peer port
 * (getpeername) is PORT_DENIED, is a leak. Each prints
 *   tries=N ok=A refused=R leaks=L
 *   refused_errnos: NAME=COUNT ... (or "none")
 * and exits 0 (2 on a usage or setup error).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static char path_buf[PAGE] __attribute__((aligned(PAGE)));
static char path_a[PAGE], path_b[PAGE];
static struct sockaddr_in sin_buf __attribute__((aligned(64)));
static unsigned short port_a, port_b;
static atomic_int stop;
static long n_ok, n_refused, n_leaks;
static long errno_count[4096];

static void die(const char* what) {
  fprintf(stderr, "tr_race: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void refused(int e) {
  ++n_refused;
  ++errno_count[e > 0 && e < 4096 ? e : 0];
}

static void print_result(long n) {
  printf("tries=%ld ok=%ld refused=%ld leaks=%ld\n", n, n_ok, n_refused, n_leaks);
  printf("refused_errnos:");
  int any = 0;
  for (int e = 0; e < 4096; ++e)
    if (errno_count[e]) {
      const char* name = e ? strerrorname_np(e) : NULL;
      printf(" %s=%ld", name ? name : "?", errno_count[e]);
      any = 1;
    }
  printf("%s\n", any ? "" : " none");
  fflush(stdout);
}

/* One open + read of PATH. */
static void try_open(const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
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
  ++n_ok;
  if (strncmp(buf, "SECRET", 6) == 0) ++n_leaks;
}

/* One connect to ADDR; the peer's port tells where it went. */
static void try_connect(const struct sockaddr_in* addr) {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) die("socket");
  struct linger lg = {1, 0}; /* RST on close: no TIME_WAIT pile-up */
  setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  if (connect(s, (const struct sockaddr*)addr, sizeof *addr) != 0) {
    refused(errno);
    close(s);
    return;
  }
  ++n_ok;
  struct sockaddr_in peer;
  socklen_t len = sizeof peer;
  if (getpeername(s, (struct sockaddr*)&peer, &len) != 0) die("getpeername");
  if (ntohs(peer.sin_port) == port_b) ++n_leaks;
  close(s);
}

static void* flip_path(void* arg) {
  (void)arg;
  size_t n = strlen(path_a);
  while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
    for (size_t i = 0; i < n; ++i) ((volatile char*)path_buf)[i] = path_b[i];
    for (size_t i = 0; i < n; ++i) ((volatile char*)path_buf)[i] = path_a[i];
  }
  return NULL;
}

static _Noreturn void serve(const char* file) {
  struct pollfd fds[2];
  char tmp[PAGE];
  snprintf(tmp, sizeof tmp, "%s.tmp", file);
  FILE* f = fopen(tmp, "w");
  if (!f) die(tmp);
  for (int i = 0; i < 2; ++i) {
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof in;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (s < 0 || bind(s, (struct sockaddr*)&in, sizeof in) != 0 || listen(s, 4096) != 0) die("serve");
    getsockname(s, (struct sockaddr*)&in, &len);
    fprintf(f, "%d\n", ntohs(in.sin_port));
    fds[i].fd = s;
    fds[i].events = POLLIN;
  }
  fclose(f);
  if (rename(tmp, file) != 0) die("rename");
  for (;;) {
    if (poll(fds, 2, -1) < 0) continue;
    for (int i = 0; i < 2; ++i)
      if (fds[i].revents & POLLIN) {
        int c = accept(fds[i].fd, NULL, NULL);
        if (c >= 0) close(c);
      }
  }
}

/* A page-sized file holding BYTES, mapped MAP_PRIVATE read-only; FD stays open
 * for writing. */
static void* map_file(const char* file, const void* bytes, size_t len, int* fd) {
  char page[PAGE] = {0};
  memcpy(page, bytes, len);
  *fd = open(file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (*fd < 0) die(file);
  if (pwrite(*fd, page, PAGE, 0) != PAGE) die("pwrite");
  void* m = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, *fd, 0);
  if (m == MAP_FAILED) die("mmap");
  return m;
}

/* Forks a child that rewrites LEN bytes at OFFSET of FD between B and A
 * forever. */
static pid_t file_flipper(int fd, off_t offset, const void* a, const void* b, size_t len) {
  int started[2];
  if (pipe(started) != 0) die("pipe");
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    close(started[0]);
    for (int first = 1;; first = 0) {
      if (pwrite(fd, b, len, offset) < 0) _exit(1);
      if (pwrite(fd, a, len, offset) < 0) _exit(1);
      if (first) close(started[1]);
    }
  }
  /* The calls start once the child is rewriting. */
  close(started[1]);
  char c;
  if (read(started[0], &c, 1) != 0) die("flipper");
  close(started[0]);
  return child;
}

static void stop_child(pid_t child) {
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
}

/* procmem: the parent rewrites the child's buffer at ADDR through
 * /proc/CHILD/mem with B, A, B, ... while the child makes its calls. */
static int procmem(const void* addr, const void* a, const void* b, size_t len, long n, int connect_mode) {
  int go[2];
  if (pipe(go) != 0) die("pipe");
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    close(go[1]);
    char c;
    if (read(go[0], &c, 1) != 1) _exit(2);
    for (long i = 0; i < n; ++i) {
      if (connect_mode)
        try_connect(&sin_buf);
      else
        try_open(path_buf);
    }
    print_result(n);
    _exit(0);
  }
  close(go[0]);
  char mem[64];
  snprintf(mem, sizeof mem, "/proc/%d/mem", child);
  int fd = open(mem, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    printf("mem_open: %s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
  } else {
    printf("mem_open: OK\n");
  }
  fflush(stdout);
  if (write(go[1], "g", 1) != 1) die("write");
  int status = 0;
  long writes = 0, failed = 0;
  for (;;) {
    if (fd >= 0) {
      if (pwrite(fd, b, len, (off_t)(uintptr_t)addr) != (ssize_t)len) ++failed;
      if (pwrite(fd, a, len, (off_t)(uintptr_t)addr) != (ssize_t)len) ++failed;
      writes += 2;
    }
    pid_t r = waitpid(child, &status, fd >= 0 ? WNOHANG : 0);
    if (r == child) break;
    if (r < 0 && errno != EINTR) die("waitpid");
  }
  if (fd >= 0) printf("mem_writes=%ld failed=%ld\n", writes, failed);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static atomic_int dup_target = -1, dup_kept = -1;

static void* dup_it(void* arg) {
  (void)arg;
  while (!atomic_load(&stop)) {
    int fd = fcntl(atomic_load(&dup_target), F_DUPFD_CLOEXEC, 500);
    if (fd >= 0) {
      int fl = fcntl(fd, F_GETFL);
      char link[64], target[64] = {0};
      snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
      if ((fl & O_ACCMODE) != O_RDONLY && readlink(link, target, sizeof target - 1) > 0 &&
          strstr(target, "/mem") != NULL) {
        atomic_store(&dup_kept, fd);
        atomic_store(&stop, 1);
        break;
      }
      close(fd);
    }
  }
  return NULL;
}

static int procmem_dup(long n) {
  int probe = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (probe < 0) die("open /dev/null");
  close(probe);
  atomic_store(&dup_target, probe);  // the lowest free descriptor: the next open's
  pthread_t t;
  pthread_create(&t, NULL, dup_it, NULL);
  long opened = 0, refused = 0;
  for (long i = 0; i < n && !atomic_load(&stop); ++i) {
    int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
      ++opened;
      close(fd);
    } else {
      ++refused;
    }
  }
  atomic_store(&stop, 1);
  pthread_join(t, NULL);
  int kept = atomic_load(&dup_kept);
  printf("mem_dup: opened=%ld refused=%ld kept=%s\n", opened, refused, kept >= 0 ? "yes" : "no");
  if (kept >= 0) {
    static const char msg[] = "WRITTEN";
    ssize_t w = pwrite(kept, msg, sizeof msg, 0x10000);
    printf("region_write: %s\n", w == (ssize_t)sizeof msg ? "OK" : strerrorname_np(errno));
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: tr_race serve|thread_path|file_path|file_connect|procmem_path|procmem_connect|procmem_dup ...\n");
    return 2;
  }
  const char* mode = argv[1];
  if (!strcmp(mode, "serve")) serve(argv[2]);
  if (!strcmp(mode, "thread_path") && argc == 5) {
    long n = atol(argv[4]);
    if (strlen(argv[2]) != strlen(argv[3]) || strlen(argv[2]) >= PAGE) return 2;
    strcpy(path_a, argv[2]);
    strcpy(path_b, argv[3]);
    strcpy(path_buf, path_a);
    pthread_t t;
    pthread_create(&t, NULL, flip_path, NULL);
    for (long i = 0; i < n; ++i) try_open(path_buf);
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
    print_result(n);
    return 0;
  }
  if (!strcmp(mode, "file_path") && argc == 6) {
    long n = atol(argv[5]);
    size_t len = strlen(argv[3]);
    if (strlen(argv[4]) != len || len >= PAGE) return 2;
    int fd;
    const char* path = map_file(argv[2], argv[3], len, &fd);
    pid_t child = file_flipper(fd, 0, argv[3], argv[4], len);
    for (long i = 0; i < n; ++i) try_open(path);
    stop_child(child);
    print_result(n);
    return 0;
  }
  if (!strcmp(mode, "file_connect") && argc == 6) {
    port_a = (unsigned short)atoi(argv[3]);
    port_b = (unsigned short)atoi(argv[4]);
    long n = atol(argv[5]);
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(port_a),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    unsigned short pa = htons(port_a), pb = htons(port_b);
    int fd;
    const struct sockaddr_in* addr = map_file(argv[2], &in, sizeof in, &fd);
    pid_t child = file_flipper(fd, offsetof(struct sockaddr_in, sin_port), &pa, &pb, sizeof pa);
    for (long i = 0; i < n; ++i) try_connect(addr);
    stop_child(child);
    print_result(n);
    return 0;
  }
  if (!strcmp(mode, "procmem_dup") && argc == 3) return procmem_dup(atol(argv[2]));
  if (!strcmp(mode, "procmem_path") && argc == 5) {
    size_t len = strlen(argv[2]);
    if (strlen(argv[3]) != len || len >= PAGE) return 2;
    strcpy(path_buf, argv[2]);
    return procmem(path_buf, argv[2], argv[3], len, atol(argv[4]), 0);
  }
  if (!strcmp(mode, "procmem_connect") && argc == 5) {
    port_a = (unsigned short)atoi(argv[2]);
    port_b = (unsigned short)atoi(argv[3]);
    sin_buf.sin_family = AF_INET;
    sin_buf.sin_port = htons(port_a);
    sin_buf.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    unsigned short pa = htons(port_a), pb = htons(port_b);
    return procmem(&sin_buf.sin_port, &pa, &pb, sizeof pa, atol(argv[4]), 1);
  }
  fprintf(stderr, "tr_race: bad arguments\n");
  return 2;
}
