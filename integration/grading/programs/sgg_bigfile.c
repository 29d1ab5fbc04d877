// Writes a 10 MiB file named by argv[1], 1 MiB at a time; prints the errno
// name if a write fails (EFBIG past RLIMIT_FSIZE when SIGXFSZ is ignored).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  if (argc > 2) signal(SIGXFSZ, SIG_IGN);  // any second argument: see EFBIG
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    printf("open: %s\n", strerrorname_np(errno));
    return 1;
  }
  static char buf[1 << 20];
  memset(buf, 'y', sizeof buf);
  for (int i = 0; i < 10; ++i) {
    size_t off = 0;
    while (off < sizeof buf) {
      ssize_t n = write(fd, buf + off, sizeof buf - off);
      if (n < 0) {
        printf("write: %s\n", strerrorname_np(errno));
        return 1;
      }
      off += (size_t)n;
    }
  }
  close(fd);
  puts("wrote 10 MiB");
  return 0;
}
