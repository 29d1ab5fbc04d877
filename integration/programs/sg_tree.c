// A fork/exec tree: `sg_tree DEPTH DIR` forks a child that execs
// `sg_tree DEPTH-1 DIR`; the leaf (DEPTH 0) creates DIR/leaf and exits 1.
// Every level exits with 2 * (its child's exit status) + 1, so DEPTH 2 exits 7.
// A level whose child died of a signal or could not exec exits 100.
#include "common.h"

#include <fcntl.h>
#include <sys/wait.h>

int main(int argc, char** argv) {
  if (argc < 3) return 100;
  int depth = atoi(argv[1]);
  const char* dir = argv[2];
  say("level %d pid %d", depth, (int)getpid());
  if (depth == 0) {
    char path[4096];
    snprintf(path, sizeof path, "%s/leaf", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return 100;
    close(fd);
    return 1;
  }
  pid_t pid = fork();
  if (pid < 0) return 100;
  if (pid == 0) {
    char d[16];
    snprintf(d, sizeof d, "%d", depth - 1);
    execl("/proc/self/exe", argv[0], d, dir, (char*)NULL);
    _exit(100);
  }
  int status;
  if (waitpid(pid, &status, 0) != pid) return 100;
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 100) return 100;
  say("level %d child exited %d", depth, WEXITSTATUS(status));
  return 2 * WEXITSTATUS(status) + 1;
}
