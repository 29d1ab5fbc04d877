// A fork bomb, bounded so that a sandbox that fails to stop it cannot take the
// host down: every process forks up to 5 children, 4 generations deep (at most
// 781 processes), then each sleeps 20 s so that survivors are easy to find.
#include <time.h>
#include <unistd.h>

int main(void) {
  int depth = 0;
  for (int i = 0; i < 5 && depth < 4; ++i) {
    if (fork() == 0) {
      ++depth;
      i = -1;
    }
  }
  struct timespec ts = {20, 0};
  nanosleep(&ts, NULL);
  return 0;
}
