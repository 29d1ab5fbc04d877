// arch/constants: the table of names policies may use holds every ioctl
// request, prctl option, fcntl command, socket level and option ... of this
// machine's headers with the headers' values, and arguments are shown by
// those names (O_RDONLY|O_CLOEXEC, AF_INET, SOCK_STREAM|SOCK_CLOEXEC).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "arch/constants.hpp"

namespace sysgate::arch {
namespace {

struct Expected {
  const char* name;
  std::int64_t value;
  bool ioctl;
};
#define V(name) Expected{#name, static_cast<std::int64_t>(name), false}
#define IOCTL(name) Expected{#name, static_cast<std::int64_t>(name), true}

// Names from every family, with the values this test is compiled with (the
// same headers), including those issue 9 found missing.
TEST(ConstantsTable, NamesAuthorsExpect) {
  const Expected expected[] = {
      // terminal and generic ioctls, old numbered ones and _IO() encodings
      IOCTL(TIOCSTI), IOCTL(TIOCLINUX), IOCTL(TIOCSCTTY), IOCTL(TIOCGWINSZ), IOCTL(TIOCSWINSZ), IOCTL(TCGETS),
      IOCTL(TCSETS), IOCTL(FIONREAD), IOCTL(FIONBIO), IOCTL(FIOCLEX), IOCTL(TIOCGPTPEER), IOCTL(TIOCSETD),
      IOCTL(TIOCCONS), IOCTL(SIOCGIFNAME), IOCTL(SIOCGIFADDR), IOCTL(UFFDIO_API), IOCTL(UFFDIO_REGISTER),
      IOCTL(SECCOMP_IOCTL_NOTIF_RECV), IOCTL(SECCOMP_IOCTL_NOTIF_SEND),
      // prctl options
      V(PR_SET_TSC), V(PR_GET_TSC), V(PR_SET_NO_NEW_PRIVS), V(PR_SET_SECCOMP), V(PR_SET_MM), V(PR_SET_PTRACER),
      V(PR_CAP_AMBIENT), V(PR_SET_SYSCALL_USER_DISPATCH), V(PR_SET_VMA), V(PR_SCHED_CORE), V(PR_TSC_SIGSEGV),
      // fcntl commands
      V(F_DUPFD_CLOEXEC), V(F_OFD_SETLK), V(F_SETLEASE), V(F_NOTIFY), V(F_ADD_SEALS), V(F_SEAL_WRITE),
      V(F_GETOWN_EX), V(F_SET_RW_HINT),
      // socket levels and options
      V(SOL_SOCKET), V(SOL_TCP), V(SOL_IPV6), V(SO_REUSEPORT), V(SO_PEERCRED), V(SO_BINDTODEVICE),
      V(SO_ATTACH_FILTER), V(IP_TRANSPARENT), V(IPV6_V6ONLY), V(TCP_NODELAY), V(TCP_CONGESTION),
      V(TCP_FASTOPEN), V(IPPROTO_MPTCP),
      // what was there before
      V(O_CREAT), V(O_TMPFILE), V(AT_FDCWD), V(AF_INET6), V(SOCK_CLOEXEC), V(CLONE_NEWUSER), V(PROT_EXEC),
      V(MAP_FIXED_NOREPLACE), V(SECCOMP_FILTER_FLAG_NEW_LISTENER), V(SIGKILL), V(S_IFSOCK),
      V(LANDLOCK_ACCESS_FS_REFER),
  };
  for (const auto& e : expected) {
    EXPECT_EQ(constant_value(e.name), e.value) << e.name;
    EXPECT_EQ(is_ioctl_request(e.name), e.ioctl) << e.name;
  }
  EXPECT_EQ(constant_value("O_CRAET"), std::nullopt);
  EXPECT_EQ(constant_value("TIOCSTIX"), std::nullopt);
}
#undef V
#undef IOCTL

TEST(ConstantsTable, SortedAndUnique) {
  auto names = constant_names();
  EXPECT_GT(names.size(), 2000u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  std::size_t ioctls = 0;
  for (auto n : names) ioctls += is_ioctl_request(n);
  EXPECT_GT(ioctls, 1000u);
}

// The table is what this machine's headers give, complete for its families:
// scripts/gen_constants.py --check regenerates it from the headers and
// compares (it preprocesses and compiles every kernel header, a few seconds).
TEST(ConstantsTable, MatchesHeaders) {
  namespace fs = std::filesystem;
  fs::path script = fs::path(__FILE__).parent_path().parent_path() / "scripts" / "gen_constants.py";
  if (!fs::exists(script)) GTEST_SKIP() << script << " is not here (tests built out of their tree)";
  if (std::system("command -v python3 >/dev/null 2>&1 && command -v cc >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "needs python3 and cc";
  std::string cmd = "python3 '" + script.string() + "' --check 2>&1";
  std::FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int status = pclose(p);
  EXPECT_EQ(status, 0) << out;
}

// --- names of argument values ----------------------------------------------------

std::string arg(std::string_view call, std::string_view name, std::uint64_t v, const std::uint64_t* args = nullptr,
                bool mask = false) {
  return describe_arg(call, name, v, args, mask).value_or("<none>");
}

TEST(DescribeArg, OpenFlagsAndModes) {
  EXPECT_EQ(arg("openat", "flags", O_RDONLY | O_CLOEXEC), "O_RDONLY|O_CLOEXEC");
  EXPECT_EQ(arg("openat", "flags", 0), "O_RDONLY");
  EXPECT_EQ(arg("open", "flags", O_WRONLY | O_CREAT | O_TRUNC), "O_WRONLY|O_CREAT|O_TRUNC");
  EXPECT_EQ(arg("openat", "flags", O_RDWR | O_SYNC), "O_RDWR|O_SYNC");  // not O_DSYNC|0x100000
  EXPECT_EQ(arg("openat", "flags", O_RDWR | O_DSYNC), "O_RDWR|O_DSYNC");
  EXPECT_EQ(arg("openat", "flags", O_TMPFILE | O_WRONLY), "O_WRONLY|O_TMPFILE");
  EXPECT_EQ(arg("openat", "flags", O_NONBLOCK), "O_RDONLY|O_NONBLOCK");  // not O_NDELAY
  EXPECT_EQ(arg("openat", "flags", 0100000), "O_RDONLY|O_LARGEFILE");    // what i386 programs pass
  EXPECT_EQ(arg("openat", "flags", O_CLOEXEC | 0x40000000), "O_RDONLY|O_CLOEXEC|0x40000000");
  EXPECT_EQ(arg("openat", "flags", O_CREAT, nullptr, true), "O_CREAT");  // a policy's bits: no access mode
  EXPECT_EQ(arg("openat", "mode", 0644), "0644");
  EXPECT_EQ(arg("mkdir", "mode", 0), "0000");
  EXPECT_EQ(arg("chmod", "mode", 04755), "04755");
  EXPECT_EQ(arg("mknod", "mode", S_IFCHR | 0600), "S_IFCHR|0600");
  EXPECT_EQ(arg("access", "mode", F_OK), "F_OK");
  EXPECT_EQ(arg("faccessat", "mode", R_OK | W_OK), "W_OK|R_OK");
  EXPECT_EQ(arg("unlinkat", "flags", AT_REMOVEDIR), "AT_REMOVEDIR");
  EXPECT_EQ(arg("newfstatat", "flags", AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH");
}

TEST(DescribeArg, ModeOnlyWhenTheCallCreates) {
  std::uint64_t a[6] = {static_cast<std::uint64_t>(AT_FDCWD), 0x1000, O_RDONLY, 0xffffffff, 0, 0};
  EXPECT_FALSE(arg_used("openat", "mode", a));
  a[2] = O_WRONLY | O_CREAT;
  EXPECT_TRUE(arg_used("openat", "mode", a));
  a[2] = O_RDWR | O_TMPFILE;
  EXPECT_TRUE(arg_used("openat", "mode", a));
  a[2] = O_DIRECTORY;  // part of O_TMPFILE, but not its own bit
  EXPECT_FALSE(arg_used("openat", "mode", a));
  std::uint64_t o[6] = {0x1000, O_RDONLY, 0x1ff, 0, 0, 0};
  EXPECT_FALSE(arg_used("open", "mode", o));
  EXPECT_TRUE(arg_used("mkdir", "mode", o));
  EXPECT_TRUE(arg_used("openat", "flags", a));
}

TEST(DescribeArg, Sockets) {
  EXPECT_EQ(arg("socket", "domain", AF_INET), "AF_INET");
  EXPECT_EQ(arg("socket", "domain", AF_UNIX), "AF_UNIX");  // not AF_LOCAL or AF_FILE
  EXPECT_EQ(arg("socket", "domain", AF_NETLINK), "AF_NETLINK");
  EXPECT_EQ(arg("socket", "type", SOCK_STREAM | SOCK_CLOEXEC), "SOCK_STREAM|SOCK_CLOEXEC");
  EXPECT_EQ(arg("socket", "type", SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC), "SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC");
  EXPECT_EQ(arg("socketpair", "type", SOCK_SEQPACKET), "SOCK_SEQPACKET");
  std::uint64_t inet[6] = {AF_INET, SOCK_STREAM, IPPROTO_TCP, 0, 0, 0};
  EXPECT_EQ(arg("socket", "protocol", IPPROTO_TCP, inet), "IPPROTO_TCP");
  EXPECT_EQ(arg("socket", "protocol", 0, inet), "IPPROTO_IP");
  std::uint64_t unix_[6] = {AF_UNIX, SOCK_STREAM, 0, 0, 0, 0};
  EXPECT_EQ(describe_arg("socket", "protocol", 0, unix_), std::nullopt);
  EXPECT_EQ(arg("setsockopt", "level", SOL_SOCKET), "SOL_SOCKET");
  EXPECT_EQ(arg("setsockopt", "level", IPPROTO_TCP), "IPPROTO_TCP");
  std::uint64_t so[6] = {3, SOL_SOCKET, SO_REUSEADDR, 0, 4, 0};
  EXPECT_EQ(arg("setsockopt", "optname", SO_REUSEADDR, so), "SO_REUSEADDR");
  std::uint64_t tcp[6] = {3, IPPROTO_TCP, TCP_NODELAY, 0, 4, 0};
  EXPECT_EQ(arg("setsockopt", "optname", TCP_NODELAY, tcp), "TCP_NODELAY");  // not TCP_ESTABLISHED
  EXPECT_EQ(arg("getsockopt", "optname", TCP_INFO, tcp), "TCP_INFO");        // not TCP_CLOSING
  std::uint64_t ip[6] = {3, IPPROTO_IP, IP_TOS, 0, 4, 0};
  EXPECT_EQ(arg("setsockopt", "optname", IP_TOS, ip), "IP_TOS");
  EXPECT_EQ(arg("sendto", "flags", MSG_NOSIGNAL | MSG_DONTWAIT), "MSG_DONTWAIT|MSG_NOSIGNAL");
  EXPECT_EQ(arg("accept4", "flags", SOCK_CLOEXEC), "SOCK_CLOEXEC");
}

TEST(DescribeArg, ProcessesAndMemory) {
  EXPECT_EQ(arg("ioctl", "request", TIOCSTI), "TIOCSTI");
  EXPECT_EQ(arg("ioctl", "request", FIONREAD), "FIONREAD");  // not TIOCINQ
  EXPECT_EQ(arg("ioctl", "request", UFFDIO_API), "UFFDIO_API");
  EXPECT_EQ(arg("ioctl", "request", 0x1234567), "0x1234567");
  EXPECT_EQ(arg("prctl", "option", PR_SET_TSC), "PR_SET_TSC");
  EXPECT_EQ(arg("prctl", "option", PR_SET_PDEATHSIG), "PR_SET_PDEATHSIG");  // not PR_SET_MM_START_CODE
  EXPECT_EQ(arg("prctl", "option", PR_GET_DUMPABLE), "PR_GET_DUMPABLE");
  EXPECT_EQ(arg("fcntl", "cmd", F_SETFD), "F_SETFD");  // not F_UNLCK
  EXPECT_EQ(arg("fcntl", "cmd", F_DUPFD), "F_DUPFD");  // not F_RDLCK
  EXPECT_EQ(arg("fcntl", "cmd", F_GETLK), "F_GETLK");
  EXPECT_EQ(arg("clone", "flags", CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | SIGCHLD),
            "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|SIGCHLD");
  EXPECT_EQ(arg("clone", "flags", SIGCHLD), "SIGCHLD");
  EXPECT_EQ(arg("clone", "flags", CLONE_UNTRACED, nullptr, true), "CLONE_UNTRACED");
  EXPECT_EQ(arg("unshare", "flags", CLONE_NEWUSER | CLONE_NEWNS), "CLONE_NEWNS|CLONE_NEWUSER");
  EXPECT_EQ(arg("mmap", "prot", PROT_READ | PROT_EXEC), "PROT_READ|PROT_EXEC");
  EXPECT_EQ(arg("mprotect", "prot", PROT_NONE), "PROT_NONE");
  EXPECT_EQ(arg("mmap", "flags", MAP_PRIVATE | MAP_ANONYMOUS), "MAP_PRIVATE|MAP_ANONYMOUS");  // not MAP_ANON
  EXPECT_EQ(arg("mmap", "flags", MAP_SHARED_VALIDATE), "MAP_SHARED_VALIDATE");
  EXPECT_EQ(arg("kill", "sig", SIGTERM), "SIGTERM");
  EXPECT_EQ(arg("kill", "sig", 0), "0");
  EXPECT_EQ(arg("seccomp", "flags", SECCOMP_FILTER_FLAG_NEW_LISTENER), "SECCOMP_FILTER_FLAG_NEW_LISTENER");
  EXPECT_EQ(arg("futex", "futex_op", 0x80 | 1), "FUTEX_WAKE|FUTEX_PRIVATE_FLAG");
  EXPECT_EQ(describe_arg("read", "count", 5), std::nullopt);
  EXPECT_EQ(describe_arg("openat", "dirfd", 5), std::nullopt);
}

TEST(DescribeArg, LandlockRights) {
  EXPECT_EQ(landlock_fs_rights(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR), "READ_FILE|READ_DIR");
  EXPECT_EQ(landlock_fs_rights(LANDLOCK_ACCESS_FS_EXECUTE), "EXECUTE");
  EXPECT_EQ(landlock_fs_rights(1ull << 14), "TRUNCATE");  // newer than the headers
  EXPECT_EQ(landlock_fs_rights(1ull << 40), "0x10000000000");
}

}  // namespace
}  // namespace sysgate::arch
