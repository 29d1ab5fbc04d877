// Puts bytes of its own choosing where sysgate reports them:
//   sg_names NAME PATH...
// leaves a process behind whose name (comm) is NAME (prctl PR_SET_NAME),
// then opens each PATH for reading and prints what each open returned, and
// exits 0 with that process still running. NAME and the PATHs may hold any
// bytes (invalid UTF-8, control characters).
#include "common.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    say("usage: sg_names NAME PATH...");
    return 2;
  }
  int ready[2];
  if (pipe(ready) != 0) return 1;
  pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {
    close(ready[0]);
    prctl(PR_SET_NAME, argv[1], 0, 0, 0);
    if (write(ready[1], "x", 1) != 1) _exit(1);
    close(ready[1]);
    for (;;) pause();
  }
  close(ready[1]);
  char c;
  if (read(ready[0], &c, 1) != 1) return 1;  // the name is set
  say("left behind: pid %d", (int)child);
  for (int i = 2; i < argc; ++i) {
    int fd = (int)syscall(SYS_openat, AT_FDCWD, argv[i], O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      say("open %d: OK", i - 1);
      close(fd);
    } else {
      say("open %d: %s", i - 1, err_name(errno));
    }
  }
  return 0;
}
