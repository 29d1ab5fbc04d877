// ABI confusion from a 64-bit program.
//   sg_int80 getpid            i386 getpid (20) through int 0x80
//   sg_int80 write TEXT        i386 write (4) of TEXT to fd 1 through int 0x80
//   sg_int80 mkdir PATH        i386 mkdir (39) through int 0x80
//   sg_int80 x32mkdir PATH     x32 mkdir (0x40000000 | 83) through syscall
// Prints "before" first and "after: RESULT" when the call returned.
// Run natively, `sg_int80 getpid` is the probe of require_int80 (lib.sh): on a
// kernel without IA32 emulation int 0x80 raises SIGSEGV before anything else sees it.
#include "common.h"

#include <sys/mman.h>
#include <sys/syscall.h>

static long int80(long nr, long a, long b, long c) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
  return ret;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const char* mode = argv[1];
  const char* arg = argc > 2 ? argv[2] : "";
  // i386 calls take 32-bit pointers: copy the argument below 4 GiB.
  char* low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (low == MAP_FAILED) return 2;
  snprintf(low, 4096, "%s", arg);
  say("before");
  long r;
  if (!strcmp(mode, "getpid")) {
    r = int80(20, 0, 0, 0);
  } else if (!strcmp(mode, "write")) {
    r = int80(4, 1, (long)low, (long)strlen(low));
  } else if (!strcmp(mode, "mkdir")) {
    r = int80(39, (long)low, 0777, 0);
  } else if (!strcmp(mode, "x32mkdir")) {
    r = syscall(0x40000000L | SYS_mkdir, low, 0777);
    if (r < 0) r = -errno;
  } else {
    return 2;
  }
  if (r < 0 && r > -4096)
    say("after: %s", err_name((int)-r));
  else
    say("after: %ld", r);
  return 0;
}
