// i386 calls (int 0x80) from a 64-bit program, of a path the policy may redirect.
//   rw_int80 getpid       i386 getpid (20); prints "getpid: OK"
//   rw_int80 open PATH    i386 open (5) of PATH, O_RDONLY, then i386 read (3) and
//                         close (6); prints "open: OK [content] regs=kept" or
//                         "open: ENAME ..."; "regs=changed(NAMES)" when ebx, ecx or
//                         edx came back different; "BUFFER CHANGED" when the path
//                         in the program's memory was changed by the call.
// The path and the buffer lie below 4 GiB (MAP_32BIT): i386 calls take 32-bit
// pointers. Prints "before" first. Exits 0 (2 on a usage or setup error).
#include "../../programs/common.h"

#include <sys/mman.h>

static long int80(long nr, long a, long b, long c, char* changed) {
  long ret = nr, rb = a, rc = b, rd = c;
  __asm__ volatile("int $0x80" : "+a"(ret), "+b"(rb), "+c"(rc), "+d"(rd) : : "memory");
  changed[0] = '\0';
  if (rb != a) strcat(changed, "ebx");
  if (rc != b) strcat(changed, changed[0] ? ",ecx" : "ecx");
  if (rd != c) strcat(changed, changed[0] ? ",edx" : "edx");
  return ret;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  char changed[32], ignored[32];
  char* low = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (low == MAP_FAILED) return 2;
  char* data = low + 4096;
  say("before");
  if (!strcmp(argv[1], "getpid")) {
    long r = int80(20, 0, 0, 0, ignored);
    say("getpid: %s", r > 0 ? "OK" : "failed");
    return 0;
  }
  if (strcmp(argv[1], "open") || argc != 3 || strlen(argv[2]) >= 4096) return 2;
  snprintf(low, 4096, "%s", argv[2]);
  long fd = int80(5, (long)low, 0 /* O_RDONLY */, 0, changed);
  char regs[64];
  if (changed[0])
    snprintf(regs, sizeof regs, "regs=changed(%s)", changed);
  else
    snprintf(regs, sizeof regs, "regs=kept");
  if (fd < 0 && fd > -4096) {
    say("open: %s %s", err_name((int)-fd), regs);
  } else {
    long n = int80(3, fd, (long)data, 4095, ignored);
    int80(6, fd, 0, 0, ignored);
    if (n < 0) {
      say("open: read %s %s", err_name((int)-n), regs);
    } else {
      data[n] = '\0';
      while (n > 0 && data[n - 1] == '\n') data[--n] = '\0';
      say("open: OK [%s] %s", data, regs);
    }
  }
  if (strcmp(low, argv[2]) != 0) say("open: BUFFER CHANGED to [%s]", low);
  return 0;
}
