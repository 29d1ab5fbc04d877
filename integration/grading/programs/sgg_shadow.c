// A submission that tries to read /etc/shadow and prints what happened: the
// errno name of the failed open or read, or how many bytes it read.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  int fd = open("/etc/shadow", O_RDONLY);
  if (fd < 0) {
    printf("open: %s\n", strerrorname_np(errno));
    return 0;
  }
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n < 0)
    printf("read: %s\n", strerrorname_np(errno));
  else
    printf("read %zd bytes\n", n);
  close(fd);
  return 0;
}
