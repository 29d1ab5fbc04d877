// A submission that prints 100 MiB to stdout.
#include <string.h>
#include <unistd.h>

int main(void) {
  static char buf[1 << 16];
  memset(buf, 'x', sizeof buf);
  for (int i = 0; i < 1600; ++i) {
    size_t off = 0;
    while (off < sizeof buf) {
      ssize_t n = write(1, buf + off, sizeof buf - off);
      if (n <= 0) return 1;
      off += (size_t)n;
    }
  }
  return 0;
}
