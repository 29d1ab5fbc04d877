/* sg_restart: a checked call interrupted by a signal and restarted.
 *   sg_restart nested FIFO OTHER
 *       the main thread opens FIFO for reading (it blocks; a second thread
 *       exists, so the path is copied). The other thread sends SIGUSR1, whose
 *       SA_RESTART handler opens and reads OTHER (a nested checked call), then
 *       opens FIFO for writing and writes "FIFO". The restarted open must open
 *       FIFO, not what the handler's call used.
 *   sg_restart flip FIFO DENIED
 *       as above, but the other thread first rewrites the main thread's path
 *       buffer to DENIED (same length) while the open is blocked, then signals:
 *       the restarted call reads the buffer again and must be checked again.
 * Prints "handler: CONTENT|ERRNO" and "main: CONTENT|ERRNO".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char* path;  /* the main thread's argument, on the heap */
static const char* fifo;
static const char* other;
static int flip;
static pthread_t main_thread;
static char handler_result[64] = "(not run)";

static void describe(int fd, char* out, size_t size) {
  if (fd < 0) {
    snprintf(out, size, "%s", strerrorname_np(errno));
    return;
  }
  char buf[32] = {0};
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n > 0 && buf[n - 1] == '\n') buf[n - 1] = 0;
  snprintf(out, size, "%s", n >= 0 ? buf : "read failed");
}

static void on_usr1(int sig) {
  (void)sig;
  if (flip) return;
  char nested[4096];
  snprintf(nested, sizeof nested, "%s", other);
  describe(open(nested, O_RDONLY), handler_result, sizeof handler_result);
}

static void pause_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
  nanosleep(&ts, NULL);
}

static void* helper(void* arg) {
  (void)arg;
  pause_ms(200);  /* the main thread is blocked in its open by now */
  if (flip) {
    size_t n = strlen(other);
    for (size_t i = 0; i <= n; ++i) ((volatile char*)path)[i] = other[i];
  }
  pthread_kill(main_thread, SIGUSR1);
  pause_ms(200);
  if (flip) {
    /* A restarted open of the denied file is refused: the FIFO is not opened
     * by the main thread; open it non-blocking to see that nobody reads it. */
    return NULL;
  }
  int w = open(fifo, O_WRONLY);
  if (w >= 0) {
    (void)!write(w, "FIFO\n", 5);
    close(w);
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: sg_restart nested|flip FIFO OTHER\n");
    return 2;
  }
  flip = strcmp(argv[1], "flip") == 0;
  fifo = argv[2];
  other = argv[3];
  if (flip && strlen(other) != strlen(fifo)) {
    fprintf(stderr, "flip: FIFO and OTHER must have the same length\n");
    return 2;
  }
  path = malloc(4096);
  snprintf(path, 4096, "%s", fifo);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  main_thread = pthread_self();
  pthread_t t;
  pthread_create(&t, NULL, helper, NULL);
  char result[64];
  describe(open(path, O_RDONLY), result, sizeof result);
  pthread_join(t, NULL);
  if (!flip) printf("handler: %s\n", handler_result);
  printf("main: %s\n", result);
  return 0;
}
