/* pt_race: TOCTOU attacks on the supervisor's path and address checks.
 *   pt_race path ALLOWED DENIED N
 *       a thread flips one shared path buffer between ALLOWED and DENIED (same
 *       length) while the main thread opens and reads it N times.
 *   pt_race connect PORT_OK PORT_DENIED N
 *       a thread flips sin_port of one sockaddr between the two ports while
 *       the main thread connects to 127.0.0.1 with it N times.
 *   pt_race symlink LINK ALT N
 *       a child process swaps LINK and ALT (two symlinks, renameat2
 *       RENAME_EXCHANGE) while the main thread opens and reads LINK N times.
 *   pt_race dirswap DIR ALTDIR N
 *       the same with two directories; the main thread reads DIR/x.
 * A read whose content starts with "SECRET", or a connection whose peer is
 * PORT_DENIED, is a leak. Prints: tries=N ok=A refused=R leaks=L
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char path_buf[4096];
static char path_a[4096], path_b[4096];
static struct sockaddr_in sin;
static unsigned short port_a, port_b;
static atomic_int stop;

static void* flip_path(void* arg) {
  (void)arg;
  size_t n = strlen(path_a);
  while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
    for (size_t i = 0; i < n; ++i) ((volatile char*)path_buf)[i] = path_b[i];
    for (size_t i = 0; i < n; ++i) ((volatile char*)path_buf)[i] = path_a[i];
  }
  return NULL;
}

static void* flip_port(void* arg) {
  (void)arg;
  while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
    ((volatile struct sockaddr_in*)&sin)->sin_port = htons(port_b);
    ((volatile struct sockaddr_in*)&sin)->sin_port = htons(port_a);
  }
  return NULL;
}

static int read_is_secret(int fd, int* ok) {
  char buf[64] = {0};
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n < 0) return 0;
  ++*ok;
  return strncmp(buf, "SECRET", 6) == 0;
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: pt_race path|connect|symlink A B N\n");
    return 2;
  }
  long n = atol(argv[4]);
  int ok = 0, refused = 0, leaks = 0;
  pthread_t t;
  pid_t child = -1;
  if (!strcmp(argv[1], "path")) {
    if (strlen(argv[2]) != strlen(argv[3])) return 2;
    strcpy(path_a, argv[2]);
    strcpy(path_b, argv[3]);
    strcpy(path_buf, path_a);
    pthread_create(&t, NULL, flip_path, NULL);
    for (long i = 0; i < n; ++i) {
      int fd = open(path_buf, O_RDONLY);
      if (fd < 0) {
        ++refused;
        continue;
      }
      leaks += read_is_secret(fd, &ok);
    }
  } else if (!strcmp(argv[1], "connect")) {
    port_a = (unsigned short)atoi(argv[2]);
    port_b = (unsigned short)atoi(argv[3]);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port_a);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    pthread_create(&t, NULL, flip_port, NULL);
    for (long i = 0; i < n; ++i) {
      int s = socket(AF_INET, SOCK_STREAM, 0);
      if (s < 0) {
        perror("socket");
        return 1;
      }
      struct linger lg = {1, 0}; /* RST on close: no TIME_WAIT pile-up */
      setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      if (connect(s, (struct sockaddr*)&sin, sizeof sin) != 0) {
        ++refused;
        close(s);
        continue;
      }
      ++ok;
      struct sockaddr_in peer;
      socklen_t len = sizeof peer;
      if (getpeername(s, (struct sockaddr*)&peer, &len) == 0 && ntohs(peer.sin_port) == port_b) ++leaks;
      close(s);
    }
  } else if (!strcmp(argv[1], "symlink") || !strcmp(argv[1], "dirswap")) {
    const char* link = argv[2];
    char target[4096];
    snprintf(target, sizeof target, "%s%s", link, strcmp(argv[1], "dirswap") ? "" : "/x");
    const char* alt = argv[3];
    child = fork();
    if (child == 0) {
      for (;;) syscall(SYS_renameat2, AT_FDCWD, link, AT_FDCWD, alt, 2 /* RENAME_EXCHANGE */);
    }
    for (long i = 0; i < n; ++i) {
      int fd = open(target, O_RDONLY);
      if (fd < 0) {
        ++refused;
        continue;
      }
      leaks += read_is_secret(fd, &ok);
    }
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
  } else {
    return 2;
  }
  atomic_store(&stop, 1);
  if (child < 0) pthread_join(t, NULL);
  printf("tries=%ld ok=%d refused=%d leaks=%d\n", n, ok, refused, leaks);
  return 0;
}
