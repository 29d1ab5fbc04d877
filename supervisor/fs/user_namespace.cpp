#include "fs/user_namespace.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace sysgate::fs {
namespace {

int write_file(const char* path, const char* text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  ssize_t n = write(fd, text, strlen(text));
  int e = n < 0 ? errno : 0;
  close(fd);
  return e;
}

long sysctl(const char* path) {
  std::ifstream in(path);
  long v = -1;
  if (!(in >> v)) return -1;
  return v;
}

}  // namespace

int enter_user_namespace(unsigned uid, unsigned gid) {
  if (unshare(CLONE_NEWUSER) != 0) return errno;
  char map[64];
  if (int e = write_file("/proc/self/setgroups", "deny"); e != 0) return e;
  snprintf(map, sizeof map, "%u %u 1\n", uid, uid);
  if (int e = write_file("/proc/self/uid_map", map); e != 0) return e;
  snprintf(map, sizeof map, "%u %u 1\n", gid, gid);
  if (int e = write_file("/proc/self/gid_map", map); e != 0) return e;
  return 0;
}

std::string user_namespace_obstacle() {
  // Probe in a child: the namespace, the id maps, a mount namespace and a tmpfs.
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_DUMPABLE, 1);  // a non-dumpable process cannot write its own /proc/self/uid_map
    if (enter_user_namespace(getuid(), getgid()) != 0) _exit(1);
    if (unshare(CLONE_NEWNS) != 0) _exit(2);
    int fs = static_cast<int>(syscall(SYS_fsopen, "tmpfs", 0));
    _exit(fs < 0 ? 3 : 0);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) return "cannot probe user namespaces (fork failed)";
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  if (sysctl("/proc/sys/kernel/unprivileged_userns_clone") == 0)
    return "unprivileged user namespaces are off (kernel.unprivileged_userns_clone=0; "
           "sysctl -w kernel.unprivileged_userns_clone=1 turns them on)";
  if (sysctl("/proc/sys/user/max_user_namespaces") == 0)
    return "user namespaces are off (user.max_user_namespaces=0; sysctl -w user.max_user_namespaces=10000 turns "
           "them on)";
  if (sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
    return "AppArmor denies capabilities in unprivileged user namespaces "
           "(kernel.apparmor_restrict_unprivileged_userns=1; an AppArmor profile for sysgate with 'userns,' or "
           "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 allows them)";
  return "a user namespace with a mount namespace cannot be made here (step " +
         std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + " failed)";
}

}  // namespace sysgate::fs
