// A multi-process submission: 4 children each burn about 0.4 s of CPU time;
// the parent waits for them and burns nothing itself.
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void) {
  for (int i = 0; i < 4; ++i) {
    pid_t p = fork();
    if (p < 0) return 1;
    if (p == 0) {
      volatile unsigned long n = 0;
      while (cpu_now() < 0.4)
        for (int k = 0; k < 2000000; ++k) ++n;
      _exit(0);
    }
  }
  int status, failed = 0;
  while (wait(&status) > 0)
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = 1;
  puts(failed ? "a child failed" : "children done");
  return failed;
}
