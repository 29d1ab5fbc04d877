#include "arch/constants.hpp"

#include <fcntl.h>
#include <linux/personality.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <utility>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

namespace sysgate::arch {
namespace {

struct Named {
  std::string_view name;
  std::int64_t value;
};

#define C(X) Named{#X, static_cast<std::int64_t>(X)}

const std::vector<Named>& constants() {
  static const std::vector<Named> table = [] {
    std::vector<Named> t{
        // open(2) flags
        C(O_RDONLY), C(O_WRONLY), C(O_RDWR), C(O_ACCMODE), C(O_CREAT), C(O_EXCL), C(O_NOCTTY),
        C(O_TRUNC), C(O_APPEND), C(O_NONBLOCK), C(O_DSYNC), C(O_SYNC), C(O_DIRECTORY),
        C(O_NOFOLLOW), C(O_CLOEXEC), C(O_PATH), C(O_TMPFILE), C(O_NOATIME), C(O_LARGEFILE),
        C(O_ASYNC), C(O_DIRECT),
        // *at(2)
        C(AT_FDCWD), C(AT_SYMLINK_NOFOLLOW), C(AT_REMOVEDIR), C(AT_SYMLINK_FOLLOW),
        C(AT_EMPTY_PATH), C(AT_NO_AUTOMOUNT), C(AT_EACCESS),
        // access(2)
        C(F_OK), C(R_OK), C(W_OK), C(X_OK),
        // fcntl(2)
        C(F_DUPFD), C(F_DUPFD_CLOEXEC), C(F_GETFD), C(F_SETFD), C(F_GETFL), C(F_SETFL),
        C(F_GETLK), C(F_SETLK), C(F_SETLKW), C(F_SETOWN), C(F_GETOWN), C(F_SETSIG), C(F_GETSIG),
        C(F_SETPIPE_SZ), C(F_GETPIPE_SZ), C(F_ADD_SEALS), C(F_GET_SEALS), C(FD_CLOEXEC),
        // mode bits
        C(S_IFMT), C(S_IFREG), C(S_IFDIR), C(S_IFCHR), C(S_IFBLK), C(S_IFIFO), C(S_IFLNK),
        C(S_IFSOCK), C(S_ISUID), C(S_ISGID), C(S_ISVTX), C(S_IRWXU), C(S_IRUSR), C(S_IWUSR),
        C(S_IXUSR), C(S_IRWXG), C(S_IRGRP), C(S_IWGRP), C(S_IXGRP), C(S_IRWXO), C(S_IROTH),
        C(S_IWOTH), C(S_IXOTH),
        // sockets
        C(AF_UNSPEC), C(AF_UNIX), C(AF_LOCAL), C(AF_INET), C(AF_INET6), C(AF_NETLINK),
        C(AF_PACKET), C(AF_BLUETOOTH), C(AF_VSOCK), C(AF_KEY), C(AF_ALG), C(AF_CAN), C(AF_TIPC),
        C(AF_XDP), C(PF_UNIX), C(PF_INET), C(PF_INET6), C(PF_NETLINK), C(PF_PACKET),
        C(SOCK_STREAM), C(SOCK_DGRAM), C(SOCK_RAW), C(SOCK_SEQPACKET), C(SOCK_RDM),
        C(SOCK_NONBLOCK), C(SOCK_CLOEXEC), C(IPPROTO_IP), C(IPPROTO_ICMP), C(IPPROTO_TCP),
        C(IPPROTO_UDP), C(IPPROTO_IPV6), C(IPPROTO_ICMPV6), C(IPPROTO_RAW), C(IPPROTO_SCTP),
        C(MSG_DONTWAIT), C(MSG_NOSIGNAL), C(MSG_PEEK), C(MSG_OOB), C(MSG_WAITALL),
        C(SOL_SOCKET), C(SO_REUSEADDR), C(SO_BROADCAST), C(SO_PEERCRED),
        // clone(2)
        C(CSIGNAL), C(CLONE_VM), C(CLONE_FS), C(CLONE_FILES), C(CLONE_SIGHAND), C(CLONE_PIDFD),
        C(CLONE_PTRACE), C(CLONE_VFORK), C(CLONE_PARENT), C(CLONE_THREAD), C(CLONE_NEWNS),
        C(CLONE_SYSVSEM), C(CLONE_SETTLS), C(CLONE_PARENT_SETTID), C(CLONE_CHILD_CLEARTID),
        C(CLONE_DETACHED), C(CLONE_UNTRACED), C(CLONE_CHILD_SETTID), C(CLONE_NEWCGROUP),
        C(CLONE_NEWUTS), C(CLONE_NEWIPC), C(CLONE_NEWUSER), C(CLONE_NEWPID), C(CLONE_NEWNET),
        C(CLONE_IO), C(CLONE_NEWTIME), C(CLONE_CLEAR_SIGHAND), C(CLONE_INTO_CGROUP),
        // mmap(2), mprotect(2)
        C(PROT_NONE), C(PROT_READ), C(PROT_WRITE), C(PROT_EXEC), C(PROT_GROWSDOWN),
        C(PROT_GROWSUP), C(MAP_SHARED), C(MAP_PRIVATE), C(MAP_SHARED_VALIDATE), C(MAP_FIXED),
        C(MAP_ANONYMOUS), C(MAP_ANON), C(MAP_GROWSDOWN), C(MAP_DENYWRITE), C(MAP_EXECUTABLE),
        C(MAP_LOCKED), C(MAP_NORESERVE), C(MAP_POPULATE), C(MAP_NONBLOCK), C(MAP_STACK),
        C(MAP_HUGETLB), C(MAP_FIXED_NOREPLACE), C(MAP_32BIT),
        // personality(2)
        C(PER_LINUX), C(PER_LINUX32), C(PER_BSD), C(ADDR_NO_RANDOMIZE), C(ADDR_COMPAT_LAYOUT),
        C(READ_IMPLIES_EXEC), C(ADDR_LIMIT_32BIT), C(SHORT_INODE), C(WHOLE_SECONDS),
        C(STICKY_TIMEOUTS), C(ADDR_LIMIT_3GB), C(UNAME26), C(FDPIC_FUNCPTRS), C(MMAP_PAGE_ZERO),
        // seccomp(2)
        C(SECCOMP_SET_MODE_STRICT), C(SECCOMP_SET_MODE_FILTER), C(SECCOMP_GET_ACTION_AVAIL),
        C(SECCOMP_GET_NOTIF_SIZES), C(SECCOMP_FILTER_FLAG_TSYNC), C(SECCOMP_FILTER_FLAG_LOG),
        C(SECCOMP_FILTER_FLAG_SPEC_ALLOW), C(SECCOMP_FILTER_FLAG_NEW_LISTENER),
        C(SECCOMP_FILTER_FLAG_TSYNC_ESRCH),
        // prctl(2)
        C(PR_SET_PDEATHSIG), C(PR_GET_PDEATHSIG), C(PR_SET_DUMPABLE), C(PR_GET_DUMPABLE),
        C(PR_SET_NAME), C(PR_GET_NAME), C(PR_SET_SECCOMP), C(PR_GET_SECCOMP),
        C(PR_SET_NO_NEW_PRIVS), C(PR_GET_NO_NEW_PRIVS), C(PR_SET_PTRACER),
        C(PR_SET_CHILD_SUBREAPER), C(PR_CAPBSET_READ), C(PR_CAPBSET_DROP), C(PR_SET_KEEPCAPS),
        C(PR_CAP_AMBIENT), C(PR_SET_MM), C(PR_SET_SECUREBITS),
        // signals
        C(SIGHUP), C(SIGINT), C(SIGQUIT), C(SIGILL), C(SIGTRAP), C(SIGABRT), C(SIGBUS),
        C(SIGFPE), C(SIGKILL), C(SIGUSR1), C(SIGSEGV), C(SIGUSR2), C(SIGPIPE), C(SIGALRM),
        C(SIGTERM), C(SIGSTKFLT), C(SIGCHLD), C(SIGCONT), C(SIGSTOP), C(SIGTSTP), C(SIGTTIN),
        C(SIGTTOU), C(SIGURG), C(SIGXCPU), C(SIGXFSZ), C(SIGVTALRM), C(SIGPROF), C(SIGWINCH),
        C(SIGIO), C(SIGPWR), C(SIGSYS),
    };
    std::sort(t.begin(), t.end(), [](const Named& a, const Named& b) { return a.name < b.name; });
    return t;
  }();
  return table;
}

#undef C

}  // namespace

std::optional<std::int64_t> constant_value(std::string_view name) {
  const auto& t = constants();
  auto it = std::lower_bound(t.begin(), t.end(), name,
                             [](const Named& n, std::string_view key) { return n.name < key; });
  if (it == t.end() || it->name != name) return std::nullopt;
  return it->value;
}

std::vector<std::string_view> constant_names() {
  std::vector<std::string_view> out;
  for (const auto& n : constants()) out.push_back(n.name);
  return out;
}

// glibc names every errno it knows (strerrorname_np, glibc 2.32+).
std::optional<int> errno_from_name(std::string_view name) {
  for (int e = 1; e < 4096; ++e) {
    const char* n = strerrorname_np(e);
    if (n != nullptr && name == n) return e;
  }
  return std::nullopt;
}

std::string errno_name(int error) {
  const char* n = strerrorname_np(error);
  return n != nullptr ? std::string(n) : std::to_string(error);
}

std::vector<std::string> errno_names() {
  std::vector<std::string> out;
  for (int e = 1; e < 4096; ++e)
    if (const char* n = strerrorname_np(e)) out.emplace_back(n);
  return out;
}

std::string signal_name(int signal) {
  const char* n = sigabbrev_np(signal);
  return n != nullptr ? "SIG" + std::string(n) : std::to_string(signal);
}

}  // namespace sysgate::arch
