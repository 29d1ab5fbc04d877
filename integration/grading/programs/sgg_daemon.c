// A submission that daemonizes (fork, setsid, fork again) and returns at once;
// the grandchild sleeps 2 s, then creates the file named by argv[1].
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fputs("usage: sgg_daemon FILE\n", stderr);
    return 2;
  }
  pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {
    setsid();
    pid_t grandchild = fork();
    if (grandchild != 0) _exit(grandchild < 0);
    close(0);
    close(1);
    close(2);
    sleep(2);
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      (void)!write(fd, "escaped\n", 8);
      close(fd);
    }
    _exit(0);
  }
  int status;
  waitpid(child, &status, 0);
  puts("parent done");
  return 0;
}
