// rw_calls: makes the calls named on its command line, one after the other,
// and prints what each one returned, as the program saw it:
//   rw_calls [-t] OP ARG [OP ARG...]
//   getuid - | geteuid - | getppid -    prints "getuid: N" (raw syscalls)
//   mkdir PATH | rmdir PATH             "mkdir(PATH): OK" or "mkdir(PATH): ENAME"
//   fsync PATH                          opens PATH for writing, fsync, prints fsync's result
//   read PATH                           openat O_RDONLY + read: "read(PATH): OK [content]"
//   rawopen PATH                        openat(AT_FDCWD, PATH, O_RDONLY, 0) by an inline
//                                       `syscall`; then read; adds "regs=kept" when rdi,
//                                       rsi, rdx and r10 came back as they went in,
//                                       "regs=changed(NAMES)" otherwise
//   creat PATH                          openat(AT_FDCWD, PATH, O_WRONLY|O_CREAT|O_TRUNC,
//                                       0666) by an inline `syscall`, the same "regs=" check;
//                                       then prints "mode=0NNN" (fstat of the new file)
//   cloexec PATH                        openat O_RDONLY without O_CLOEXEC; prints
//                                       "cloexec=1|0 fdinfo_flags=0NNNNNNN" (F_GETFD and
//                                       the flags line of /proc/self/fdinfo/FD); keeps the fd open
//   execfd PATH                         execs PATH with the last fd `cloexec` opened as its
//                                       argument (a child checks whether it is still open)
//   isopen FD                           prints "isopen(FD): yes|no" (fcntl F_GETFD)
//   append PATH:TEXT                    open O_WRONLY|O_APPEND, write TEXT, close
//   writen TEXT:N                       one raw write(1, TEXT, N); its result goes to
//                                       stderr as "writen: N" or "writen: ENAME"
//   vforkexec PATH                      vfork; the child execs PATH ({PATH} as argv);
//                                       prints "vforkexec(PATH): status N"
//   spawn PATH                          the same with posix_spawn
//   mark TEXT | sleep MS | exit N
// With -t, each call is also timed by the program itself (CLOCK_MONOTONIC):
// "took OP(ARG): N ms" on stderr.
// A call given the program's own argument string as its path checks that the
// string is unchanged afterwards and prints "BUFFER CHANGED" when not.
// Exits 0 after the last operation (2 on a usage error).
#include "../../programs/common.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

extern char** environ;

static int last_fd = -1;

static void err(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n > (int)sizeof buf - 2) n = (int)sizeof buf - 2;
  buf[n++] = '\n';
  if (write(2, buf, (size_t)n) < 0) return;
}

// A raw system call whose argument registers are compared after it returns.
// Prints nothing; CHANGED gets the names of the registers that came back different.
static long raw4(long nr, long a, long b, long c, long d, char* changed, size_t size) {
  register long r10 __asm__("r10") = d;
  long rax = nr, rdi = a, rsi = b, rdx = c;
  __asm__ volatile("syscall" : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r10) : : "rcx", "r11", "memory");
  changed[0] = '\0';
  if (rdi != a) strncat(changed, changed[0] ? ",rdi" : "rdi", size - strlen(changed) - 1);
  if (rsi != b) strncat(changed, changed[0] ? ",rsi" : "rsi", size - strlen(changed) - 1);
  if (rdx != c) strncat(changed, changed[0] ? ",rdx" : "rdx", size - strlen(changed) - 1);
  if (r10 != d) strncat(changed, changed[0] ? ",r10" : "r10", size - strlen(changed) - 1);
  return rax;
}

static void regs_text(char* out, size_t size, const char* changed) {
  if (changed[0])
    snprintf(out, size, "regs=changed(%s)", changed);
  else
    snprintf(out, size, "regs=kept");
}

// Reads what FD holds (up to 4 KiB), trailing newlines dropped.
static int slurp(int fd, char* buf, size_t size) {
  ssize_t n = read(fd, buf, size - 1);
  if (n < 0) return -1;
  buf[n] = '\0';
  while (n > 0 && buf[n - 1] == '\n') buf[--n] = '\0';
  return 0;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char** argv) {
  char what[600], saved[4096], content[4096], regs[64], changed[32];
  int timed = 0, first = 1;
  if (argc > 1 && !strcmp(argv[1], "-t")) {
    timed = 1;
    first = 2;
  }
  for (int i = first; i + 1 < argc; i += 2) {
    const char* op = argv[i];
    char* arg = argv[i + 1];
    snprintf(what, sizeof what, "%s(%s)", op, arg);
    snprintf(saved, sizeof saved, "%s", arg);
    double t0 = now_ms();
    if (!strcmp(op, "getuid") || !strcmp(op, "geteuid") || !strcmp(op, "getppid")) {
      long nr = !strcmp(op, "getuid") ? SYS_getuid : !strcmp(op, "geteuid") ? SYS_geteuid : SYS_getppid;
      long r = syscall(nr);
      if (r < 0)
        say("%s: %s", op, err_name(errno));
      else
        say("%s: %ld", op, r);
    } else if (!strcmp(op, "mkdir")) {
      report(what, mkdir(arg, 0755));
    } else if (!strcmp(op, "rmdir")) {
      report(what, rmdir(arg));
    } else if (!strcmp(op, "fsync")) {
      int fd = open(arg, O_WRONLY | O_CLOEXEC);
      if (fd < 0) {
        say("%s: open %s", what, err_name(errno));
      } else {
        report(what, fsync(fd));
        close(fd);
      }
    } else if (!strcmp(op, "read")) {
      int fd = (int)syscall(SYS_openat, AT_FDCWD, arg, O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        report(what, -1);
      } else if (slurp(fd, content, sizeof content) < 0) {
        report(what, -1);
        close(fd);
      } else {
        say("%s: OK [%s]", what, content);
        close(fd);
      }
    } else if (!strcmp(op, "rawopen")) {
      long fd = raw4(SYS_openat, AT_FDCWD, (long)arg, O_RDONLY, 0, changed, sizeof changed);
      regs_text(regs, sizeof regs, changed);
      if (fd < 0) {
        say("%s: %s %s", what, err_name((int)-fd), regs);
      } else if (slurp((int)fd, content, sizeof content) < 0) {
        say("%s: read %s %s", what, err_name(errno), regs);
        close((int)fd);
      } else {
        say("%s: OK [%s] %s", what, content, regs);
        close((int)fd);
      }
    } else if (!strcmp(op, "creat")) {
      long fd = raw4(SYS_openat, AT_FDCWD, (long)arg, O_WRONLY | O_CREAT | O_TRUNC, 0666, changed, sizeof changed);
      regs_text(regs, sizeof regs, changed);
      struct stat st;
      if (fd < 0) {
        say("%s: %s %s", what, err_name((int)-fd), regs);
      } else if (fstat((int)fd, &st) != 0) {
        say("%s: fstat %s", what, err_name(errno));
        close((int)fd);
      } else {
        say("%s: OK %s mode=0%o", what, regs, (unsigned)(st.st_mode & 07777));
        close((int)fd);
      }
    } else if (!strcmp(op, "cloexec")) {
      int fd = (int)syscall(SYS_openat, AT_FDCWD, arg, O_RDONLY);
      if (fd < 0) {
        report(what, -1);
      } else {
        int fdflags = fcntl(fd, F_GETFD);
        char info[64], line[256];
        snprintf(info, sizeof info, "/proc/self/fdinfo/%d", fd);
        FILE* f = fopen(info, "re");
        unsigned long flags = 0;
        int found = 0;
        while (f && fgets(line, sizeof line, f))
          if (sscanf(line, "flags: %lo", &flags) == 1) found = 1;
        if (f) fclose(f);
        say("%s: OK cloexec=%d fdinfo_flags=%s%lo", what, fdflags >= 0 && (fdflags & FD_CLOEXEC) ? 1 : 0,
            found ? "0" : "?", flags);
        last_fd = fd;
      }
    } else if (!strcmp(op, "execfd")) {
      char fdtext[16];
      snprintf(fdtext, sizeof fdtext, "%d", last_fd);
      char* args[] = {arg, "isopen", fdtext, NULL};
      report(what, execve(arg, args, environ));
    } else if (!strcmp(op, "isopen")) {
      say("%s: %s", what, fcntl(atoi(arg), F_GETFD) >= 0 ? "yes" : "no");
    } else if (!strcmp(op, "append")) {
      char* text = strchr(arg, ':');
      if (!text) return 2;
      *text++ = '\0';
      int fd = open(arg, O_WRONLY | O_APPEND | O_CLOEXEC);
      if (fd < 0) {
        report(what, -1);
      } else {
        ssize_t n = write(fd, text, strlen(text));
        if (n < 0)
          say("%s: write %s", what, err_name(errno));
        else
          say("%s: OK wrote %zd", what, n);
        close(fd);
      }
      text[-1] = ':';
      snprintf(saved, sizeof saved, "%s", arg);
    } else if (!strcmp(op, "writen")) {
      char* n = strrchr(arg, ':');
      if (!n) return 2;
      long r = syscall(SYS_write, 1, arg, strtoul(n + 1, NULL, 0));
      if (r < 0)
        err("writen: %s", err_name(errno));
      else
        err("writen: %ld", r);
    } else if (!strcmp(op, "vforkexec")) {
      char* args[] = {arg, NULL};
      pid_t pid = vfork();
      if (pid == 0) {
        execve(arg, args, environ);
        _exit(127);
      }
      int status = 0;
      if (pid < 0 || waitpid(pid, &status, 0) != pid)
        say("%s: %s", what, err_name(errno));
      else
        say("%s: status %d", what, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    } else if (!strcmp(op, "spawn")) {
      char* args[] = {arg, NULL};
      pid_t pid;
      int e = posix_spawn(&pid, arg, NULL, NULL, args, environ);
      int status = 0;
      if (e != 0)
        say("%s: %s", what, err_name(e));
      else if (waitpid(pid, &status, 0) != pid)
        say("%s: wait %s", what, err_name(errno));
      else
        say("%s: status %d", what, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    } else if (!strcmp(op, "mark")) {
      say("%s", arg);
    } else if (!strcmp(op, "sleep")) {
      struct timespec ts = {atoi(arg) / 1000, (atoi(arg) % 1000) * 1000000L};
      nanosleep(&ts, NULL);
    } else if (!strcmp(op, "exit")) {
      return atoi(arg);
    } else {
      say("unknown operation %s", op);
      return 2;
    }
    if (timed) err("took %s: %.0f ms", what, now_ms() - t0);
    if (strcmp(saved, arg) != 0) say("%s: BUFFER CHANGED to [%s]", what, arg);
  }
  return 0;
}
