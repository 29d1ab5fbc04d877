// A submission that leaves a stopped child behind: the child starts its own
// session and stops itself (SIGSTOP); were it ever continued it would create
// the file named by argv[1]. The parent returns after 200 ms.
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {
    setsid();
    raise(SIGSTOP);
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) close(fd);
    _exit(0);
  }
  struct timespec ts = {0, 200000000};
  nanosleep(&ts, NULL);
  puts("parent done");
  return 0;
}
