// A submission that allocates and touches 1 GiB.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void) {
  const size_t size = 1UL << 30;
  char* p = malloc(size);
  if (p == NULL) {
    puts("malloc failed");
    return 1;
  }
  long page = sysconf(_SC_PAGESIZE);
  for (size_t i = 0; i < size; i += (size_t)page) p[i] = (char)i;
  printf("touched %zu bytes\n", size);
  return 0;
}
