// A submission that dereferences a null pointer (SIGSEGV).
#include <stdio.h>

int main(void) {
  volatile int* volatile p = NULL;
  puts("about to crash");
  fflush(stdout);
  *p = 42;
  return 0;
}
