/* tr_calls: single calls at the edges of what the tracer reads. Each
 * operation prints "NAME: OK" or "NAME: ERRNO_NAME"; several may follow each
 * other on one command line.
 *   clone3_untraced MARKER   raw clone3 with CLONE_UNTRACED (exit_signal
 *                            SIGCHLD). The child prints "child: TracerPid=N";
 *                            when N is 0 it also creates MARKER ("untraced")
 *                            and prints "child: untraced". The parent prints
 *                            "clone3: OK child_exit=S" or "clone3: ERRNO".
 *   longpath                 open(2) of paths made of "x/x/x..." (relative):
 *                              long_1MiB_nul_after: 1 MiB, no NUL, then a NUL
 *                              long_1MiB_unmapped_after: 1 MiB, no NUL, then
 *                                an unmapped page
 *                              long_4096: 4096 bytes and a NUL (4097 bytes)
 *                              len_4095: 4095 bytes and a NUL
 *                              unmapped_tail: 200 bytes, then an unmapped page
 *                              null: the NULL pointer
 *   unix_serve STREAM DGRAM COUNTS
 *                            binds a listening SOCK_STREAM socket at STREAM
 *                            and a SOCK_DGRAM one at DGRAM; writes
 *                            "accepted=A received=R" to COUNTS (atomically)
 *                            now and after every connection or datagram;
 *                            runs until killed.
 *   unix_connect PATH        connect a SOCK_STREAM socket to PATH
 *   unix_sendto PATH         sendto "hello" on a SOCK_DGRAM socket to PATH
 *   unix_sendmsg PATH        the same with sendmsg (the name in a msghdr)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static void report(const char* name, long rc) {
  if (rc >= 0)
    printf("%s: OK\n", name);
  else
    printf("%s: %s\n", name, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
  fflush(stdout);
}

static void fill(char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = (i & 1) ? '/' : 'x';
}

static int tracer_pid(void) {
  char buf[4096];
  int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n > 0 ? n : 0] = 0;
  char* p = strstr(buf, "TracerPid:");
  return p ? atoi(p + 10) : -1;
}

static void clone3_untraced(const char* marker) {
  struct clone_args args;
  memset(&args, 0, sizeof args);
  args.flags = CLONE_UNTRACED;
  args.exit_signal = SIGCHLD;
  long r = syscall(SYS_clone3, &args, sizeof args);
  if (r < 0) {
    report("clone3", -1);
    return;
  }
  if (r == 0) {
    char line[128];
    int tp = tracer_pid();
    int len = snprintf(line, sizeof line, "child: TracerPid=%d\n", tp);
    if (write(1, line, (size_t)len) < 0) _exit(1);
    if (tp == 0) {
      int fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd >= 0 && write(fd, "untraced\n", 9) == 9) {
        if (write(1, "child: untraced\n", 16) < 0) _exit(1);
      }
    }
    _exit(0);
  }
  int status = 0;
  waitpid((pid_t)r, &status, 0);
  printf("clone3: OK child_exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  fflush(stdout);
}

static void longpath(void) {
  const size_t mib = 1 << 20;
  /* 1 MiB of path, then a zero page: the NUL is 1 MiB away. */
  char* m = mmap(NULL, mib + PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  fill(m, mib);
  report("long_1MiB_nul_after", syscall(SYS_openat, AT_FDCWD, m, O_RDONLY | O_CLOEXEC));
  /* 1 MiB of path ending where the mapping ends. */
  munmap(m + mib, PAGE);
  report("long_1MiB_unmapped_after", syscall(SYS_openat, AT_FDCWD, m, O_RDONLY | O_CLOEXEC));
  /* PATH_MAX (4096) counts the NUL: 4096 bytes and a NUL is one too many. */
  char* p = m + mib - 8192;
  fill(p, 4096);
  p[4096] = 0;
  report("long_4096", syscall(SYS_openat, AT_FDCWD, p, O_RDONLY | O_CLOEXEC));
  p[4095] = 0;
  report("len_4095", syscall(SYS_openat, AT_FDCWD, p, O_RDONLY | O_CLOEXEC));
  /* 200 bytes without a NUL, then nothing mapped. */
  report("unmapped_tail", syscall(SYS_openat, AT_FDCWD, m + mib - 200, O_RDONLY | O_CLOEXEC));
  report("null", syscall(SYS_openat, AT_FDCWD, NULL, O_RDONLY | O_CLOEXEC));
  munmap(m, mib);
}

static socklen_t unix_addr(const char* path, struct sockaddr_un* sun) {
  memset(sun, 0, sizeof *sun);
  sun->sun_family = AF_UNIX;
  if (strlen(path) >= sizeof sun->sun_path) {
    fprintf(stderr, "tr_calls: path too long for sun_path: %s\n", path);
    exit(2);
  }
  strcpy(sun->sun_path, path);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static void write_counts(const char* file, long accepted, long received) {
  char tmp[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s.tmp", file);
  FILE* f = fopen(tmp, "w");
  if (!f) exit(2);
  fprintf(f, "accepted=%ld received=%ld\n", accepted, received);
  fclose(f);
  if (rename(tmp, file) != 0) exit(2);
}

static int unix_serve(const char* stream, const char* dgram, const char* counts) {
  struct sockaddr_un sun;
  struct pollfd fds[2];
  int types[2] = {SOCK_STREAM, SOCK_DGRAM};
  const char* paths[2] = {stream, dgram};
  for (int i = 0; i < 2; ++i) {
    socklen_t len = unix_addr(paths[i], &sun);
    unlink(paths[i]);
    int s = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
    if (s < 0 || bind(s, (struct sockaddr*)&sun, len) != 0 || (i == 0 && listen(s, 64) != 0)) {
      perror("unix_serve");
      return 2;
    }
    fds[i].fd = s;
    fds[i].events = POLLIN;
  }
  long accepted = 0, received = 0;
  write_counts(counts, accepted, received);
  for (;;) {
    if (poll(fds, 2, -1) < 0) continue;
    if (fds[0].revents & POLLIN) {
      int c = accept(fds[0].fd, NULL, NULL);
      if (c >= 0) {
        close(c);
        write_counts(counts, ++accepted, received);
      }
    }
    if (fds[1].revents & POLLIN) {
      char buf[64];
      if (recv(fds[1].fd, buf, sizeof buf, 0) >= 0) write_counts(counts, accepted, ++received);
    }
  }
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: tr_calls OP [ARG]...\n");
    return 2;
  }
  char name[PATH_MAX + 32];
  for (int i = 1; i < argc; ++i) {
    const char* op = argv[i];
    if (!strcmp(op, "clone3_untraced") && i + 1 < argc) {
      clone3_untraced(argv[++i]);
    } else if (!strcmp(op, "longpath")) {
      longpath();
    } else if (!strcmp(op, "unix_serve") && i + 3 < argc) {
      return unix_serve(argv[i + 1], argv[i + 2], argv[i + 3]);
    } else if ((!strcmp(op, "unix_connect") || !strcmp(op, "unix_sendto") || !strcmp(op, "unix_sendmsg")) &&
               i + 1 < argc) {
      const char* path = argv[++i];
      struct sockaddr_un sun;
      socklen_t len = unix_addr(path, &sun);
      int stream = !strcmp(op, "unix_connect");
      int msg = !strcmp(op, "unix_sendmsg");
      snprintf(name, sizeof name, "%s(%s)", stream ? "connect" : msg ? "sendmsg" : "sendto", path);
      int s = socket(AF_UNIX, (stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
      if (s < 0) {
        report(name, -1);
        continue;
      }
      if (stream) {
        report(name, connect(s, (struct sockaddr*)&sun, len));
      } else if (msg) {
        struct iovec iov = {.iov_base = "hello", .iov_len = 5};
        struct msghdr m = {.msg_name = &sun, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1};
        report(name, sendmsg(s, &m, 0));
      } else
        report(name, sendto(s, "hello", 5, 0, (struct sockaddr*)&sun, len));
      close(s);
    } else {
      fprintf(stderr, "tr_calls: bad operation %s\n", op);
      return 2;
    }
  }
  return 0;
}
