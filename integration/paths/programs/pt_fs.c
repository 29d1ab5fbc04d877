/* pt_fs: file system operations for the path tests, each printed as
 * "NAME: OK" or "NAME: ERRNO_NAME" (and the bytes read, "NAME: OK [data]").
 *   pt_fs OP ARGS... [OP ARGS...]...
 *   read PATH                 open O_RDONLY, read
 *   write PATH                open O_WRONLY|O_CREAT|O_TRUNC, write "x"
 *   readat DIR REL            openat(open(DIR), REL, O_RDONLY)
 *   fchdir_read DIR REL       fchdir(open(DIR)); open(REL)
 *   reopen_write PATH         fd = open(PATH, O_RDONLY); open(/proc/self/fd/fd, O_RDWR)
 *   reopen_read PATH          fd = open(PATH, O_PATH); open(/proc/self/fd/fd, O_RDONLY)
 *   handle PATH               name_to_handle_at(PATH) then open_by_handle_at
 *   memfd_exec                memfd_create + copy /usr/bin/true + fexecve
 *   memfd_execveat            memfd_create + copy /usr/bin/true + execveat(AT_EMPTY_PATH)
 *   fd_exec PATH              fexecve(open(PATH, O_RDONLY))
 *   opath_exec PATH           execveat(open(PATH, O_PATH), "", AT_EMPTY_PATH)
 *   bind_unix PATH            bind an AF_UNIX socket to PATH
 *   link OLD NEW              link(2)
 *   stat PATH                 stat(2)
 *   shared_read PATH          the path copied into a MAP_SHARED|MAP_ANONYMOUS page, opened from there
 *   shm_read PATH             the same from a System V shared memory segment (shmat)
 *   fork_shared_read PATH     the MAP_SHARED page made before fork, opened by the child
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

extern char** environ;

static void report(const char* name, int rc, const char* data) {
  if (rc >= 0)
    printf("%s: OK%s%s%s\n", name, data ? " [" : "", data ? data : "", data ? "]" : "");
  else
    printf("%s: %s\n", name, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
  fflush(stdout);
}

static void read_fd(const char* name, int fd) {
  if (fd < 0) {
    report(name, -1, NULL);
    return;
  }
  char buf[256] = {0};
  ssize_t n = read(fd, buf, sizeof buf - 1);
  if (n > 0 && buf[n - 1] == '\n') buf[n - 1] = 0;
  report(name, (int)n, buf);
  close(fd);
}

static int copy_true(int to) {
  int from = open("/usr/bin/true", O_RDONLY);
  if (from < 0) return -1;
  char buf[65536];
  ssize_t n;
  while ((n = read(from, buf, sizeof buf)) > 0)
    if (write(to, buf, (size_t)n) != n) return -1;
  close(from);
  return 0;
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const char* op = argv[i];
    char name[512];
    snprintf(name, sizeof name, "%s(%s)", op, i + 1 < argc ? argv[i + 1] : "");
    if (!strcmp(op, "read")) {
      read_fd(name, open(argv[++i], O_RDONLY));
    } else if (!strcmp(op, "write")) {
      int fd = open(argv[++i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
      report(name, fd < 0 ? -1 : (int)write(fd, "x", 1), NULL);
      if (fd >= 0) close(fd);
    } else if (!strcmp(op, "readat")) {
      int d = open(argv[++i], O_RDONLY | O_DIRECTORY);
      snprintf(name, sizeof name, "readat(%s,%s)", argv[i], argv[i + 1]);
      read_fd(name, d < 0 ? -1 : openat(d, argv[++i], O_RDONLY));
    } else if (!strcmp(op, "fchdir_read")) {
      int d = open(argv[++i], O_RDONLY | O_DIRECTORY);
      snprintf(name, sizeof name, "fchdir_read(%s,%s)", argv[i], argv[i + 1]);
      read_fd(name, d < 0 || fchdir(d) != 0 ? -1 : open(argv[++i], O_RDONLY));
    } else if (!strcmp(op, "reopen_write") || !strcmp(op, "reopen_read")) {
      int w = !strcmp(op, "reopen_write");
      int fd = open(argv[++i], w ? O_RDONLY : O_PATH);
      if (fd < 0) {
        report(name, -1, NULL);
        continue;
      }
      char p[64];
      snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
      int fd2 = open(p, w ? O_RDWR : O_RDONLY);
      if (w) {
        report(name, fd2 < 0 ? -1 : (int)write(fd2, "x", 1), NULL);
        if (fd2 >= 0) close(fd2);
      } else {
        read_fd(name, fd2);
      }
      close(fd);
    } else if (!strcmp(op, "handle")) {
      struct file_handle* h = malloc(sizeof *h + 128);
      h->handle_bytes = 128;
      int mount_id;
      if (name_to_handle_at(AT_FDCWD, argv[++i], h, &mount_id, 0) != 0) {
        printf("name_to_handle_at: %s\n", strerrorname_np(errno));
      }
      int mfd = open("/", O_RDONLY | O_DIRECTORY);
      read_fd(name, open_by_handle_at(mfd, h, O_RDONLY));
    } else if (!strcmp(op, "memfd_exec") || !strcmp(op, "memfd_execveat")) {
      int m = memfd_create("payload", 0);
      if (m < 0 || copy_true(m) != 0) {
        report(name, -1, NULL);
        continue;
      }
      char* args[] = {"true", NULL};
      if (!strcmp(op, "memfd_exec"))
        fexecve(m, args, environ);
      else
        syscall(SYS_execveat, m, "", args, environ, AT_EMPTY_PATH);
      report(name, -1, NULL); /* only reached when refused */
    } else if (!strcmp(op, "fd_exec") || !strcmp(op, "opath_exec")) {
      int o = !strcmp(op, "opath_exec");
      int fd = open(argv[++i], o ? O_PATH : O_RDONLY);
      char* args[] = {"x", NULL};
      if (fd >= 0) {
        if (o)
          syscall(SYS_execveat, fd, "", args, environ, AT_EMPTY_PATH);
        else
          fexecve(fd, args, environ);
      }
      report(name, -1, NULL);
    } else if (!strcmp(op, "bind_unix")) {
      int s = socket(AF_UNIX, SOCK_STREAM, 0);
      struct sockaddr_un u = {.sun_family = AF_UNIX};
      strncpy(u.sun_path, argv[++i], sizeof u.sun_path - 1);
      report(name, s < 0 ? -1 : bind(s, (struct sockaddr*)&u, sizeof u), NULL);
    } else if (!strcmp(op, "link")) {
      snprintf(name, sizeof name, "link(%s,%s)", argv[i + 1], argv[i + 2]);
      report(name, link(argv[i + 1], argv[i + 2]), NULL);
      i += 2;
    } else if (!strcmp(op, "stat")) {
      struct stat st;
      report(name, stat(argv[++i], &st), NULL);
    } else if (!strcmp(op, "shared_read") || !strcmp(op, "fork_shared_read")) {
      char* page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
      if (page == MAP_FAILED) return 2;
      snprintf(page, 4096, "%s", argv[++i]);
      if (!strcmp(op, "shared_read")) {
        read_fd(name, open(page, O_RDONLY));
      } else {
        pid_t child = fork();
        if (child == 0) {
          read_fd(name, open(page, O_RDONLY));
          _exit(0);
        }
        waitpid(child, NULL, 0);
      }
      munmap(page, 4096);
    } else if (!strcmp(op, "shm_read")) {
      int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
      char* seg = id < 0 ? (char*)-1 : shmat(id, NULL, 0);
      if (id >= 0) shmctl(id, IPC_RMID, NULL);
      if (seg == (char*)-1) return 2;
      snprintf(seg, 4096, "%s", argv[++i]);
      read_fd(name, open(seg, O_RDONLY));
      shmdt(seg);
    } else {
      fprintf(stderr, "pt_fs: unknown op %s\n", op);
      return 2;
    }
  }
  return 0;
}
