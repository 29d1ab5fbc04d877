// rw_writes N P: P writer processes, one after the other (each forked and
// waited for before the next starts), each making N raw write(2) calls to
// fd 1 of the line "W.K\n" (W the writer from 1, K the write from 1). A writer
// that sees a write fail goes on with the next one; at its end it prints to
// stderr, in one line:
//   writer W failed: none
//   writer W failed: K=ENAME K=ENAME ...
// The parent exits 0 when every writer exited 0 (2 on a usage error).
#include "../../programs/common.h"

#include <sys/syscall.h>
#include <sys/wait.h>

static int writer(int w, long n) {
  char line[64], failed[8192];
  size_t used = 0;
  failed[0] = '\0';
  for (long k = 1; k <= n; ++k) {
    int len = snprintf(line, sizeof line, "%d.%ld\n", w, k);
    long r = syscall(SYS_write, 1, line, (size_t)len);
    if (r != len && used + 64 < sizeof failed)
      used += (size_t)snprintf(failed + used, sizeof failed - used, " %ld=%s", k,
                               r < 0 ? err_name(errno) : "SHORT");
  }
  char msg[8300];
  int len = snprintf(msg, sizeof msg, "writer %d failed:%s\n", w, used ? failed : " none");
  if (len > (int)sizeof msg) len = (int)sizeof msg;
  return write(2, msg, (size_t)len) == len ? 0 : 1;
}

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  long n = atol(argv[1]);
  int p = atoi(argv[2]);
  int bad = 0;
  for (int w = 1; w <= p; ++w) {
    pid_t pid = fork();
    if (pid < 0) return 2;
    if (pid == 0) _exit(writer(w, n));
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) bad = 1;
  }
  return bad;
}
