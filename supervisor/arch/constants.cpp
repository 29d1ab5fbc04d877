#include "arch/constants.hpp"

#include <string.h>

#include <algorithm>
#include <bit>
#include <cinttypes>
#include <climits>
#include <cstdio>
#include <map>

#include "arch/inline_text.hpp"
#include "arch/syscall_args.hpp"
#include "arch/syscall_table.hpp"

namespace sysgate::arch {
namespace {

enum Kinds : std::uint8_t { kPlain = 0, kIoctl = 1 };

struct Named {
  std::string_view name;
  std::int64_t value;
  std::uint8_t kinds;
};

// Generated from the headers of the build machine (scripts/gen_constants.py),
// the names inside the entries so that the table needs no relocation
// (inline_text.hpp); constants() makes the Named entries from it once.
struct Generated {
  InlineText<56> name;
  std::int64_t value;
  std::uint8_t kinds;
};
constexpr Generated kGenerated[] = {
#include "arch/constants_table.inc"
};

// Documented kernel ABI newer than the headers of the build machine (Landlock
// ABI 3 to 6, see fs/landlock.cpp): used only when the headers lack them.
constexpr Named kNewer[] = {
    {"LANDLOCK_ACCESS_FS_TRUNCATE", 1 << 14, kPlain},
    {"LANDLOCK_ACCESS_FS_IOCTL_DEV", 1 << 15, kPlain},
    {"LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET", 1 << 0, kPlain},
    {"LANDLOCK_SCOPE_SIGNAL", 1 << 1, kPlain},
};

const std::vector<Named>& constants() {
  static const std::vector<Named> table = [] {
    std::vector<Named> t;
    t.reserve(std::size(kGenerated) + std::size(kNewer));
    for (const Generated& g : kGenerated) t.push_back({g.name.view(), g.value, g.kinds});
    for (const Named& n : kNewer) t.push_back(n);
    std::stable_sort(t.begin(), t.end(), [](const Named& a, const Named& b) { return a.name < b.name; });
    // The headers' entry comes first and wins.
    t.erase(std::unique(t.begin(), t.end(), [](const Named& a, const Named& b) { return a.name == b.name; }), t.end());
    return t;
  }();
  return table;
}

const Named* find(std::string_view name) {
  const auto& t = constants();
  auto it = std::lower_bound(t.begin(), t.end(), name,
                             [](const Named& n, std::string_view key) { return n.name < key; });
  return it == t.end() || it->name != name ? nullptr : &*it;
}

// ---------------------------------------------------------------------------
// Values to names.

// An entry as an argument holds it: a negative 32-bit value is an unsigned int.
std::uint64_t as_arg(std::int64_t v) {
  if (v < 0 && v >= INT32_MIN) return static_cast<std::uint32_t>(v);
  return static_cast<std::uint64_t>(v);
}

std::string hex(std::uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%" PRIx64, v);
  return b;
}

bool matches(std::string_view name, std::string_view pattern) {
  if (!pattern.empty() && pattern.back() == '_') return name.substr(0, pattern.size()) == pattern;
  return name == pattern;
}

// The names of one kind of value: `include` patterns ("O_" is a prefix,
// "SOL_SOCKET" one name) in order of preference, without `except`. Of names
// with the same value the first is kept (aliases: O_NDELAY is O_NONBLOCK).
struct Family {
  std::vector<std::pair<std::string_view, std::uint64_t>> names;  // by preference
  std::map<std::uint64_t, std::string_view> by_value;             // the preferred name of each value
  std::vector<std::pair<std::string_view, std::uint64_t>> bits;   // for flag words: widest first

  Family() = default;
  Family(std::initializer_list<std::string_view> include, std::initializer_list<std::string_view> except = {},
         std::initializer_list<std::pair<std::string_view, std::uint64_t>> extra = {}) {
    auto wanted = [&](std::string_view n) {
      for (auto e : except)
        if (matches(n, e)) return false;
      return true;
    };
    for (auto pattern : include)
      for (const Named& c : constants())  // in name order
        if (matches(c.name, pattern) && wanted(c.name) && (c.kinds & kIoctl) == 0) add(c.name, as_arg(c.value));
    for (const auto& [n, v] : extra) add(n, v);
    finish();
  }

  // A name, unless its value already has one (an alias, or the same name
  // matched again by a later pattern).
  void add(std::string_view n, std::uint64_t v) {
    if (by_value.emplace(v, n).second) names.emplace_back(n, v);
  }

  // Widest first (O_SYNC before its O_DSYNC bit), then by value (PROT_READ|PROT_EXEC).
  void finish() {
    bits = names;
    std::stable_sort(bits.begin(), bits.end(), [](const auto& a, const auto& b) {
      int pa = std::popcount(a.second), pb = std::popcount(b.second);
      return pa != pb ? pa > pb : a.second < b.second;
    });
  }

  std::optional<std::string_view> name_of(std::uint64_t v) const {
    auto it = by_value.find(v);
    if (it == by_value.end()) return std::nullopt;
    return it->second;
  }

  std::string value(std::uint64_t v) const {
    if (auto n = name_of(v)) return std::string(*n);
    return v < 10 ? std::to_string(v) : hex(v);
  }

  // Bits by name, the widest names first (O_SYNC before O_DSYNC), the rest in hex.
  std::string flags(std::uint64_t v) const {
    if (v == 0) return std::string(name_of(0).value_or("0"));  // PROT_NONE
    std::string out;
    auto join = [&](std::string_view s) {
      if (!out.empty()) out += '|';
      out += s;
    };
    std::uint64_t rest = v;
    for (const auto& [n, b] : bits)
      if (b != 0 && (rest & b) == b) {
        join(n);
        rest &= ~b;
      }
    if (rest != 0 || out.empty()) join(rest < 10 ? std::to_string(rest) : hex(rest));
    return out;
  }
};

std::string join(std::string a, const std::string& b) { return a.empty() ? b : b.empty() ? a : a + "|" + b; }

const Family& open_flags() {
  static const Family f({"O_"},
                        {"O_ACCMODE", "O_RDONLY", "O_WRONLY", "O_RDWR", "O_NDELAY", "O_FSYNC", "O_RSYNC",
                         "O_LARGEFILE"},
                        {{"O_LARGEFILE", 0100000}});  // glibc's O_LARGEFILE is 0 on x86_64; i386 programs pass the bit
  return f;
}

std::string open_flags_text(std::uint64_t v, bool mask) {
  if (mask) return open_flags().flags(v);
  static const char* const kAcc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "3"};
  std::uint64_t rest = v & ~std::uint64_t{3};
  return rest == 0 ? kAcc[v & 3] : std::string(kAcc[v & 3]) + "|" + open_flags().flags(rest);
}

std::string mode_text(std::uint64_t v) {
  static const Family types({"S_IFREG", "S_IFDIR", "S_IFCHR", "S_IFBLK", "S_IFIFO", "S_IFLNK", "S_IFSOCK"});
  char b[32];
  std::uint64_t type = v & 0170000;
  auto t = types.name_of(type);
  if (type != 0 && !t) {
    std::snprintf(b, sizeof b, "0%" PRIo64, v);
    return b;
  }
  std::snprintf(b, sizeof b, "0%03" PRIo64, v & ~std::uint64_t{0170000});
  return t ? std::string(*t) + "|" + b : std::string(b);
}

std::string signal_text(std::uint64_t v) { return v == 0 ? "0" : signal_name(static_cast<int>(v)); }

// The families of the arguments below.
const Family& access_modes() {
  static const Family f({"R_OK", "W_OK", "X_OK"});
  return f;
}
const Family& clone_flags() {
  static const Family f({"CLONE_"}, {"CLONE_ARGS_"});
  return f;
}
const Family& sock_types() {
  static const Family f({"SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET", "SOCK_DCCP",
                         "SOCK_PACKET"});
  return f;
}
const Family& sock_flags() {
  static const Family f({"SOCK_NONBLOCK", "SOCK_CLOEXEC"});
  return f;
}
const Family& address_families() {
  static const Family f({"AF_UNSPEC", "AF_UNIX", "AF_"}, {"AF_LOCAL", "AF_FILE", "AF_ROUTE", "AF_MAX"});
  return f;
}
const Family& ip_protocols() {
  static const Family f({"IPPROTO_IP", "IPPROTO_"}, {"IPPROTO_MAX"});
  return f;
}
const Family& levels() {
  static const Family f({"SOL_SOCKET", "IPPROTO_IP", "IPPROTO_IPV6", "IPPROTO_TCP", "IPPROTO_UDP", "IPPROTO_",
                         "SOL_"},
                        {"IPPROTO_MAX", "IPPROTO_MPTCP", "IPPROTO_HOPOPTS", "IPPROTO_ICMP"});
  return f;
}

const Family* options_of_level(std::uint64_t level) {
  // Each family without the values of its options (TCP states, PMTU modes,
  // encapsulation types) and with the usual name of two that mean the same.
  static const Family so({"SO_"});
  static const Family tcp(
      {"TCP_COOKIE_TRANSACTIONS", "TCP_INQ", "TCP_"},
      {"TCP_ESTABLISHED", "TCP_SYN_SENT", "TCP_SYN_RECV", "TCP_FIN_WAIT1", "TCP_FIN_WAIT2", "TCP_TIME_WAIT",
       "TCP_CLOSE", "TCP_CLOSE_WAIT", "TCP_LAST_ACK", "TCP_LISTEN", "TCP_CLOSING", "TCP_NEW_SYN_RECV",
       "TCP_BOUND_INACTIVE", "TCP_MAX_STATES", "TCP_CA_", "TCP_COOKIE_", "TCP_MD5SIG_FLAG_", "TCP_RECEIVE_ZEROCOPY_",
       "TCP_REPAIR_ON", "TCP_REPAIR_OFF", "TCP_REPAIR_OFF_NO_WP", "TCP_NO_QUEUE", "TCP_RECV_QUEUE", "TCP_SEND_QUEUE",
       "TCP_QUEUES_NR", "TCP_MAX_WINSHIFT", "TCP_S_DATA_", "TCP_RESERVED_BITS", "TCP_CM_INQ", "TCP_MSS", "TCP_MSS_",
       "TCP_MAXWIN", "TCP_MD5SIG_MAXKEYLEN", "TCP_DATA_OFFSET", "TCP_AO_"});
  static const Family ip({"IP_"}, {"IP_PMTUDISC_", "IP_DEFAULT_", "IP_MAX_MEMBERSHIPS", "IP_RECVRETOPTS"});
  static const Family ipv6({"IPV6_"}, {"IPV6_FL_", "IPV6_PMTUDISC_", "IPV6_PREFER_SRC_", "IPV6_PRIORITY_",
                                        "IPV6_RTHDR_LOOSE", "IPV6_RTHDR_STRICT", "IPV6_RTHDR_TYPE_0", "IPV6_TLV_",
                                        "IPV6_ADD_MEMBERSHIP", "IPV6_DROP_MEMBERSHIP", "IPV6_RXDSTOPTS",
                                        "IPV6_RXHOPOPTS"});
  static const Family udp({"UDP_"}, {"UDP_ENCAP_"});
  switch (level) {
    case 1: return &so;  // SOL_SOCKET
    case 0: return &ip;  // IPPROTO_IP
    case 6: return &tcp;
    case 17: return &udp;
    case 41: return &ipv6;
    default: return nullptr;
  }
}

const Family& prctl_options() {
  // The options, not the values of their arguments (PR_SET_MM_*, PR_SPEC_* ...).
  static const Family f({"PR_SET_", "PR_GET_", "PR_CAPBSET_READ", "PR_CAPBSET_DROP", "PR_CAP_AMBIENT", "PR_MCE_KILL",
                         "PR_MCE_KILL_GET", "PR_TASK_PERF_EVENTS_DISABLE", "PR_TASK_PERF_EVENTS_ENABLE",
                         "PR_MPX_ENABLE_MANAGEMENT", "PR_MPX_DISABLE_MANAGEMENT", "PR_SVE_SET_VL", "PR_SVE_GET_VL",
                         "PR_SME_SET_VL", "PR_SME_GET_VL", "PR_PAC_RESET_KEYS", "PR_PAC_SET_ENABLED_KEYS",
                         "PR_PAC_GET_ENABLED_KEYS", "PR_SCHED_CORE", "PR_RISCV_V_SET_CONTROL",
                         "PR_RISCV_V_GET_CONTROL"},
                        {"PR_SET_MM_", "PR_SET_PTRACER_ANY", "PR_SET_VMA_ANON_NAME"});
  return f;
}

const Family& fcntl_commands() {
  static const Family f({"F_"}, {"F_OK", "F_RDLCK", "F_WRLCK", "F_UNLCK", "F_EXLCK", "F_SHLCK", "F_SEAL_", "F_OWNER_",
                                 "F_LINUX_SPECIFIC_BASE", "F_ULOCK", "F_LOCK", "F_TLOCK", "F_TEST", "F_GETLK64",
                                 "F_SETLK64", "F_SETLKW64"});
  return f;
}

const Family& ioctl_requests() {
  // The usual name first where the headers give two (FIONREAD is TIOCINQ,
  // FICLONE is BTRFS_IOC_CLONE), and a name ending in _OLD last.
  static const Family f = [] {
    std::vector<std::pair<std::string_view, std::uint64_t>> first, usual, old;
    for (std::string_view p : {"FIONREAD", "FICLONE", "FICLONERANGE", "FIDEDUPERANGE"})
      if (const Named* c = find(p)) first.emplace_back(c->name, as_arg(c->value));
    for (const Named& c : constants()) {
      if ((c.kinds & kIoctl) == 0) continue;
      bool is_old = c.name.size() > 4 && c.name.substr(c.name.size() - 4) == "_OLD";
      (is_old ? old : usual).emplace_back(c.name, as_arg(c.value));
    }
    Family r;
    for (const auto* list : {&first, &usual, &old})
      for (const auto& [n, v] : *list) r.add(n, v);
    return r;  // a value, never flags: no bits
  }();
  return f;
}

const Family& futex_commands() {
  static const Family f({"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE",
                         "FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI",
                         "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI", "FUTEX_CMP_REQUEUE_PI",
                         "FUTEX_LOCK_PI2"});
  return f;
}

enum class Style : std::uint8_t {
  Value,      // one name for the value
  Flags,      // names of bits
  OpenFlags,  // access mode, then bits
  Mode,       // file type by name, permissions in octal
  Access,     // F_OK, or R_OK|W_OK|X_OK
  Signal,     // SIGTERM
  Clone,      // CLONE_ bits, the exit signal in the low byte
  SockType,   // SOCK_STREAM, SOCK_NONBLOCK|SOCK_CLOEXEC above the low 4 bits
  Futex,      // command, FUTEX_PRIVATE_FLAG|FUTEX_CLOCK_REALTIME
  Ioctl,      // the request (the kernel compares its low 32 bits)
  Level,      // setsockopt's level
  Optname,    // setsockopt's option, by its level
  Protocol,   // socket's protocol, by its domain
};

struct ArgNames {
  std::vector<std::string_view> calls;
  std::string_view arg;
  Style style;
  const Family* (*family)() = nullptr;
};

template <const Family& (*F)()>
const Family* fam() {
  return &F();
}

#define FAMILY(name, ...)             \
  const Family& name() {              \
    static const Family f(__VA_ARGS__); \
    return f;                         \
  }
FAMILY(at_flags, {"AT_SYMLINK_NOFOLLOW", "AT_SYMLINK_FOLLOW", "AT_EMPTY_PATH", "AT_NO_AUTOMOUNT",
                  "AT_STATX_FORCE_SYNC", "AT_STATX_DONT_SYNC", "AT_RECURSIVE"})
FAMILY(unlink_flags, {"AT_REMOVEDIR"})
FAMILY(faccess_flags, {"AT_EACCESS", "AT_SYMLINK_NOFOLLOW", "AT_EMPTY_PATH"})
FAMILY(prot_flags, {"PROT_NONE", "PROT_"})
FAMILY(map_flags, {"MAP_SHARED", "MAP_PRIVATE", "MAP_"},
       {"MAP_HUGE_", "MAP_TYPE", "MAP_FILE", "MAP_ANON", "MAP_FAILED", "MAP_HUGE_MASK", "MAP_HUGE_SHIFT"})
FAMILY(mremap_flags, {"MREMAP_"})
FAMILY(madvise_advice, {"MADV_"})
FAMILY(msg_flags, {"MSG_"}, {"MSG_TRYHARD"})
FAMILY(o_cloexec_nonblock, {"O_CLOEXEC", "O_NONBLOCK", "O_DIRECT", "O_NOTIFICATION_PIPE"})
FAMILY(seccomp_ops, {"SECCOMP_SET_MODE_STRICT", "SECCOMP_SET_MODE_FILTER", "SECCOMP_GET_ACTION_AVAIL",
                     "SECCOMP_GET_NOTIF_SIZES"})
FAMILY(seccomp_flags, {"SECCOMP_FILTER_FLAG_"})
FAMILY(rename_flags, {"RENAME_"})
FAMILY(mount_flags, {"MS_"}, {"MS_ASYNC", "MS_SYNC", "MS_INVALIDATE", "MS_MGC_", "MS_RMT_MASK", "MS_VERBOSE"})
FAMILY(umount_flags, {"MNT_FORCE", "MNT_DETACH", "MNT_EXPIRE", "UMOUNT_NOFOLLOW"})
FAMILY(msync_flags, {"MS_ASYNC", "MS_SYNC", "MS_INVALIDATE"})
FAMILY(memfd_flags, {"MFD_"}, {"MFD_HUGE_"})
FAMILY(eventfd_flags, {"EFD_"})
FAMILY(timerfd_flags, {"TFD_CLOEXEC", "TFD_NONBLOCK"})
FAMILY(signalfd_flags, {"SFD_"})
FAMILY(inotify_flags, {"IN_CLOEXEC", "IN_NONBLOCK"})
FAMILY(epoll_flags, {"EPOLL_CLOEXEC"})
FAMILY(random_flags, {"GRND_"})
FAMILY(mlockall_flags, {"MCL_"})
FAMILY(flock_ops, {"LOCK_SH", "LOCK_EX", "LOCK_NB", "LOCK_UN"})
FAMILY(seek_whence, {"SEEK_"})
FAMILY(shutdown_how, {"SHUT_"})
FAMILY(wait_options, {"WNOHANG", "WUNTRACED", "WEXITED", "WCONTINUED", "WNOWAIT", "WNOTHREAD", "WALL", "WCLONE"})
FAMILY(id_types, {"P_"})
FAMILY(rlimits, {"RLIMIT_"}, {"RLIMIT_OFILE", "RLIMIT_NLIMITS"})
FAMILY(clocks, {"CLOCK_"})
FAMILY(timer_flags, {"TIMER_ABSTIME"})
FAMILY(futex_flags, {"FUTEX_PRIVATE_FLAG", "FUTEX_CLOCK_REALTIME"})
FAMILY(arch_prctl_codes, {"ARCH_"})
FAMILY(fadvise_advice, {"POSIX_FADV_"})
FAMILY(ptrace_requests, {"PTRACE_"},
       {"PTRACE_O_", "PTRACE_EVENT_", "PTRACE_SYSCALL_INFO_", "PTRACE_PEEKSIGINFO_SHARED"})
FAMILY(landlock_rule_types, {"LANDLOCK_RULE_"})
FAMILY(landlock_ruleset_flags, {"LANDLOCK_CREATE_RULESET_"})
FAMILY(landlock_access_fs, {"LANDLOCK_ACCESS_FS_"})
#undef FAMILY

const std::vector<ArgNames>& arg_names() {
  using S = Style;
  static const std::vector<ArgNames> table = {
      {{"open", "openat"}, "flags", S::OpenFlags},
      {{"open", "openat", "creat", "mkdir", "mkdirat", "mknod", "mknodat", "chmod", "fchmod", "fchmodat",
        "fchmodat2"},
       "mode",
       S::Mode},
      {{"umask"}, "mask", S::Mode},
      {{"access", "faccessat", "faccessat2"}, "mode", S::Access},
      {{"newfstatat", "fstatat64", "statx", "fchownat", "utimensat", "linkat", "execveat", "fchmodat2",
        "name_to_handle_at", "open_tree", "mount_setattr"},
       "flags",
       S::Flags,
       fam<at_flags>},
      {{"unlinkat"}, "flags", S::Flags, fam<unlink_flags>},
      {{"faccessat2"}, "flags", S::Flags, fam<faccess_flags>},
      {{"renameat2"}, "flags", S::Flags, fam<rename_flags>},
      {{"socket", "socketpair"}, "domain", S::Value, fam<address_families>},
      {{"socket", "socketpair"}, "type", S::SockType},
      {{"socket", "socketpair"}, "protocol", S::Protocol},
      {{"accept4"}, "flags", S::Flags, fam<sock_flags>},
      {{"setsockopt", "getsockopt"}, "level", S::Level},
      {{"setsockopt", "getsockopt"}, "optname", S::Optname},
      {{"sendto", "sendmsg", "sendmmsg", "recvfrom", "recvmsg", "recvmmsg", "send", "recv"}, "flags", S::Flags,
       fam<msg_flags>},
      {{"shutdown"}, "how", S::Value, fam<shutdown_how>},
      {{"fcntl", "fcntl64"}, "cmd", S::Value, fam<fcntl_commands>},
      {{"ioctl"}, "request", S::Ioctl},
      {{"prctl"}, "option", S::Value, fam<prctl_options>},
      {{"arch_prctl"}, "code", S::Value, fam<arch_prctl_codes>},
      {{"clone"}, "flags", S::Clone},
      {{"unshare"}, "flags", S::Flags, fam<clone_flags>},
      {{"setns"}, "nstype", S::Flags, fam<clone_flags>},
      {{"mmap", "mmap2", "mprotect", "pkey_mprotect"}, "prot", S::Flags, fam<prot_flags>},
      {{"mmap", "mmap2"}, "flags", S::Flags, fam<map_flags>},
      {{"mremap"}, "flags", S::Flags, fam<mremap_flags>},
      {{"madvise", "process_madvise"}, "advice", S::Value, fam<madvise_advice>},
      {{"msync"}, "flags", S::Flags, fam<msync_flags>},
      {{"mlockall"}, "flags", S::Flags, fam<mlockall_flags>},
      {{"memfd_create"}, "flags", S::Flags, fam<memfd_flags>},
      {{"pipe2", "dup3"}, "flags", S::Flags, fam<o_cloexec_nonblock>},
      {{"eventfd2"}, "flags", S::Flags, fam<eventfd_flags>},
      {{"timerfd_create"}, "flags", S::Flags, fam<timerfd_flags>},
      {{"signalfd4"}, "flags", S::Flags, fam<signalfd_flags>},
      {{"inotify_init1"}, "flags", S::Flags, fam<inotify_flags>},
      {{"epoll_create1"}, "flags", S::Flags, fam<epoll_flags>},
      {{"getrandom"}, "flags", S::Flags, fam<random_flags>},
      {{"kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_send_signal"}, "sig", S::Signal},
      {{"seccomp"}, "operation", S::Value, fam<seccomp_ops>},
      {{"seccomp"}, "flags", S::Flags, fam<seccomp_flags>},
      {{"mount"}, "mountflags", S::Flags, fam<mount_flags>},
      {{"umount2"}, "flags", S::Flags, fam<umount_flags>},
      {{"flock"}, "operation", S::Flags, fam<flock_ops>},
      {{"lseek", "_llseek"}, "whence", S::Value, fam<seek_whence>},
      {{"wait4", "waitid", "waitpid"}, "options", S::Flags, fam<wait_options>},
      {{"waitid"}, "idtype", S::Value, fam<id_types>},
      {{"prlimit64", "getrlimit", "setrlimit", "ugetrlimit"}, "resource", S::Value, fam<rlimits>},
      {{"clock_gettime", "clock_settime", "clock_getres", "clock_nanosleep", "clock_adjtime", "timer_create",
        "timerfd_create", "clock_gettime64", "clock_settime64", "clock_getres_time64", "clock_nanosleep_time64",
        "clock_adjtime64"},
       "clockid",
       S::Value,
       fam<clocks>},
      {{"clock_nanosleep", "clock_nanosleep_time64"}, "flags", S::Flags, fam<timer_flags>},
      {{"futex", "futex_time64"}, "futex_op", S::Futex},
      {{"fadvise64", "fadvise64_64"}, "advice", S::Value, fam<fadvise_advice>},
      {{"ptrace"}, "request", S::Value, fam<ptrace_requests>},
      {{"landlock_add_rule"}, "rule_type", S::Value, fam<landlock_rule_types>},
      {{"landlock_create_ruleset"}, "flags", S::Flags, fam<landlock_ruleset_flags>},
  };
  return table;
}

// On the log's hot path: one lookup per argument.
const ArgNames* names_of(std::string_view call, std::string_view arg) {
  static const auto index = [] {
    std::map<std::pair<std::string_view, std::string_view>, const ArgNames*> m;
    for (const ArgNames& a : arg_names())
      for (std::string_view c : a.calls) m.emplace(std::pair{c, a.arg}, &a);  // the first row wins
    return m;
  }();
  auto it = index.find({call, arg});
  return it == index.end() ? nullptr : it->second;
}

// Another argument of the same call, as the kernel reads it.
std::optional<std::uint64_t> other_arg(std::string_view call, std::string_view name, const std::uint64_t* args) {
  if (args == nullptr) return std::nullopt;
  auto r = resolve_arg(find_syscall(call), name, -1);
  if (!r) return std::nullopt;
  std::uint64_t v = args[r->index];
  return is_32bit(r->kind) ? (v & 0xffffffffu) : v;
}

}  // namespace

std::optional<std::int64_t> constant_value(std::string_view name) {
  const Named* n = find(name);
  if (n == nullptr) return std::nullopt;
  return n->value;
}

std::vector<std::string_view> constant_names() {
  std::vector<std::string_view> out;
  for (const auto& n : constants()) out.push_back(n.name);
  return out;
}

bool is_ioctl_request(std::string_view name) {
  const Named* n = find(name);
  return n != nullptr && (n->kinds & kIoctl) != 0;
}

std::optional<std::string> describe_arg(std::string_view call, std::string_view arg, std::uint64_t value,
                                        const std::uint64_t* args, bool mask) {
  const ArgNames* a = names_of(call, arg);
  if (a == nullptr) return std::nullopt;
  switch (a->style) {
    case Style::Value: return a->family()->value(value);
    case Style::Flags: return a->family()->flags(value);
    case Style::OpenFlags: return open_flags_text(value, mask);
    case Style::Mode: return mode_text(value);
    case Style::Access: return value == 0 && !mask ? std::string("F_OK") : access_modes().flags(value);
    case Style::Signal: return signal_text(value);
    case Style::Clone:
      if (mask) return clone_flags().flags(value);
      if ((value & ~std::uint64_t{0xff}) == 0) return signal_text(value);
      return join(clone_flags().flags(value & ~std::uint64_t{0xff}), (value & 0xff) ? signal_text(value & 0xff) : "");
    case Style::SockType: {
      if (mask) return sock_flags().flags(value);
      std::string type = sock_types().value(value & 0xf);
      return (value & ~std::uint64_t{0xf}) ? type + "|" + sock_flags().flags(value & ~std::uint64_t{0xf}) : type;
    }
    case Style::Futex: {
      std::uint64_t flags = value & (0x80 | 0x100);  // FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME
      std::string cmd = futex_commands().value(value & ~flags);
      return flags ? cmd + "|" + futex_flags().flags(flags) : cmd;
    }
    case Style::Ioctl: {
      // The kernel takes the request as an unsigned int.
      std::uint64_t high = value >> 32;
      if (high != 0 && high != 0xffffffffu) return hex(value);
      if (auto n = ioctl_requests().name_of(value & 0xffffffffu)) return std::string(*n);
      return hex(value);
    }
    case Style::Level: return levels().value(value);
    case Style::Optname: {
      auto level = other_arg(call, "level", args);
      const Family* f = level ? options_of_level(*level) : nullptr;
      if (f == nullptr) return std::nullopt;
      return f->value(value);
    }
    case Style::Protocol: {
      auto domain = other_arg(call, "domain", args);
      if (!domain || (*domain != 2 && *domain != 10)) return std::nullopt;  // AF_INET, AF_INET6
      return ip_protocols().value(value);
    }
  }
  return std::nullopt;
}

bool arg_used(std::string_view call, std::string_view arg, const std::uint64_t args[6]) {
  if (arg == "mode" && (call == "open" || call == "openat")) {
    // O_CREAT, or O_TMPFILE's own bit (O_TMPFILE includes O_DIRECTORY).
    static const std::uint64_t creates = [] {
      auto v = [](const char* n) { return static_cast<std::uint64_t>(*constant_value(n)); };
      return v("O_CREAT") | (v("O_TMPFILE") & ~v("O_DIRECTORY"));
    }();
    auto flags = other_arg(call, "flags", args);
    return !flags || (*flags & creates) != 0;
  }
  return true;
}

std::string landlock_fs_rights(std::uint64_t access) {
  std::string s = landlock_access_fs().flags(access);
  std::string out;
  constexpr std::string_view kPrefix = "LANDLOCK_ACCESS_FS_";
  std::size_t at = 0;
  while (at <= s.size()) {
    std::size_t bar = s.find('|', at);
    std::string_view part(s.data() + at, (bar == std::string::npos ? s.size() : bar) - at);
    if (part.substr(0, kPrefix.size()) == kPrefix) part.remove_prefix(kPrefix.size());
    if (!out.empty()) out += '|';
    out += part;
    if (bar == std::string::npos) break;
    at = bar + 1;
  }
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
