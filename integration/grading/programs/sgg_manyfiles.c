// Opens /dev/null 100 times without closing; prints the errno name and how
// many opens succeeded when one fails.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  for (int i = 0; i < 100; ++i) {
    if (open("/dev/null", O_RDONLY) < 0) {
      printf("open %d: %s\n", i, strerrorname_np(errno));
      return 1;
    }
  }
  puts("opened 100 files");
  return 0;
}
