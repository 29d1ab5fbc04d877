// Forks 20 children that wait for it, counting the forks that fail and why;
// then lets them go, reaps them and prints "forked N refused N other N"
// (refused: EAGAIN). A submission that copes with a process limit.
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int p[2];
  if (pipe(p) != 0) return 2;
  int forked = 0, refused = 0, other = 0;
  for (int i = 0; i < 20; ++i) {
    pid_t c = fork();
    if (c == 0) {
      char b;
      close(p[1]);
      while (read(p[0], &b, 1) > 0) {
      }
      _exit(0);
    }
    if (c > 0)
      ++forked;
    else if (errno == EAGAIN)
      ++refused;
    else
      ++other;
  }
  close(p[1]);
  while (wait(NULL) > 0) {
  }
  printf("forked %d refused %d other %d\n", forked, refused, other);
  return 0;
}
