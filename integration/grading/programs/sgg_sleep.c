// A submission waiting for input that never comes: sleeps 10 s.
#include <unistd.h>

int main(void) {
  sleep(10);
  return 0;
}
