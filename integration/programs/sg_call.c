// Makes the calls named on its command line, one after the other, and prints
// what each one returned:  sg_call OP ARG [OP ARG...]
//   mkdir PATH | rmdir PATH | unlink PATH | creat PATH (openat O_WRONLY|O_CREAT)
//   read PATH (openat O_RDONLY + read) | rdwr PATH (openat O_RDWR, no O_CREAT)
//   dupto N:PATH   open PATH for appending and dup2 it to fd N
//   write FD:TEXT  raw syscall(SYS_write) with the 64-bit FD as given (0x100000005)
//   getppid -      | mark TEXT (prints TEXT) | sleep MS | exit N
//   exec PATH      execve(PATH, {PATH}, environ); prints the error if it returns
// Exits 0 after the last operation.
#include "common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

int main(int argc, char** argv) {
  char what[512];
  for (int i = 1; i + 1 < argc; i += 2) {
    const char* op = argv[i];
    const char* arg = argv[i + 1];
    snprintf(what, sizeof what, "%s(%s)", op, arg);
    if (!strcmp(op, "mkdir")) {
      report(what, mkdir(arg, 0777));
    } else if (!strcmp(op, "rmdir")) {
      report(what, rmdir(arg));
    } else if (!strcmp(op, "unlink")) {
      report(what, unlink(arg));
    } else if (!strcmp(op, "creat")) {
      int fd = (int)report(what, syscall(SYS_openat, AT_FDCWD, arg, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
      if (fd >= 0) close(fd);
    } else if (!strcmp(op, "rdwr")) {
      int fd = (int)report(what, syscall(SYS_openat, AT_FDCWD, arg, O_RDWR | O_CLOEXEC));
      if (fd >= 0) close(fd);
    } else if (!strcmp(op, "read")) {
      int fd = (int)syscall(SYS_openat, AT_FDCWD, arg, O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        report(what, -1);
        continue;
      }
      char buf[4096];
      ssize_t n = read(fd, buf, sizeof buf - 1);
      int e = errno;
      close(fd);
      if (n < 0) {
        errno = e;
        report(what, -1);
      } else {
        buf[n] = '\0';
        while (n > 0 && buf[n - 1] == '\n') buf[--n] = '\0';
        say("%s: OK [%s]", what, buf);
      }
    } else if (!strcmp(op, "dupto")) {
      int n = atoi(arg);
      const char* path = strchr(arg, ':');
      int fd = path ? open(path + 1, O_WRONLY | O_APPEND) : -1;
      if (fd >= 0 && fd != n) {
        if (dup2(fd, n) < 0) fd = -1;
      }
      report(what, fd);
    } else if (!strcmp(op, "write")) {
      unsigned long fd = strtoul(arg, NULL, 0);
      const char* text = strchr(arg, ':');
      text = text ? text + 1 : "";
      long r = syscall(SYS_write, fd, text, strlen(text));
      report(what, r);
    } else if (!strcmp(op, "getppid")) {
      say("%s: %ld", what, (long)syscall(SYS_getppid));
    } else if (!strcmp(op, "mark")) {
      say("%s", arg);
    } else if (!strcmp(op, "sleep")) {
      struct timespec ts = {atoi(arg) / 1000, (atoi(arg) % 1000) * 1000000L};
      nanosleep(&ts, NULL);
    } else if (!strcmp(op, "exec")) {
      extern char** environ;
      char* args[] = {(char*)arg, NULL};
      report(what, execve(arg, args, environ));
    } else if (!strcmp(op, "exit")) {
      return atoi(arg);
    } else {
      say("unknown operation %s", op);
      return 2;
    }
  }
  return 0;
}
