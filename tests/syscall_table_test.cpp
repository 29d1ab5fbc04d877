// The syscall table (our data), the ABI layer (libseccomp's numbers) and the
// symbolic constants.
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <seccomp.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "arch/abi.hpp"
#include "arch/constants.hpp"
#include "arch/syscall_args.hpp"
#include "arch/syscall_table.hpp"

namespace sysgate::arch {
namespace {

// The names written at build time are libseccomp's, number by number and
// name by name (a name of two numbers: the lower one), on every ABI.
TEST(AbiNames, AreLibseccompsForEveryNumber) {
  for (Abi abi : all_abis()) {
    const AbiInfo& info = abi_info(abi);
    std::map<std::string, int> first;
    int known = 0;
    for (int i = 0; i < 1024; ++i) {
      const int nr = static_cast<int>(info.nr_base) + i;
      char* name = seccomp_syscall_resolve_num_arch(info.scmp_arch, nr);
      EXPECT_EQ(syscall_name(abi, nr), name != nullptr ? std::string(name) : std::string()) << to_string(abi) << " " << nr;
      if (name != nullptr) {
        first.emplace(name, nr);
        ++known;
        EXPECT_LE(nr, info.highest_nr);
      }
      std::free(name);
    }
    EXPECT_GT(known, 300) << to_string(abi);
    for (const auto& [name, nr] : first) EXPECT_EQ(syscall_number(abi, name), nr) << to_string(abi) << " " << name;
  }
  EXPECT_EQ(syscall_number(Abi::X86_64, "no_such_call"), -1);
  EXPECT_EQ(syscall_number(Abi::X86_64, ""), -1);
  EXPECT_EQ(syscall_name(Abi::X86_64, -5), "");
  EXPECT_EQ(syscall_name(Abi::X86_64, 100000), "");
}

TEST(SyscallTable, SortedAndUnique) {
  auto all = all_syscalls();
  ASSERT_GT(all.size(), 400u);
  for (std::size_t i = 1; i < all.size(); ++i)
    EXPECT_LT(all[i - 1].name, all[i].name) << "at " << i << ": " << all[i - 1].name << " / " << all[i].name;
}

TEST(SyscallTable, EntriesAreWellFormed) {
  std::string positional_names;
  for (const auto& s : all_syscalls()) {
    EXPECT_FALSE(s.name.empty());
    ASSERT_LE(s.nargs, 6) << s.name;
    std::set<std::string_view> names;
    for (int i = 0; i < 6; ++i) {
      if (i < s.nargs) {
        EXPECT_FALSE(s.args[i].name.empty()) << s.name << " arg " << i;
        EXPECT_TRUE(names.insert(s.args[i].name).second) << s.name << " repeats " << s.args[i].name;
        // argN is how positions are named: no real argument may take such a name.
        const std::string_view arg = s.args[i].name;
        if (arg.size() == 4 && arg.substr(0, 3) == "arg" && arg[3] >= '0' && arg[3] <= '5')
          positional_names += " " + std::string(s.name) + "." + std::string(s.args[i].name) + "@" + std::to_string(i);
      } else {
        EXPECT_TRUE(s.args[i].name.empty()) << s.name << " arg " << i;
      }
    }
    EXPECT_EQ(s.groups & ~0x1ffffu, 0u) << s.name;
    // Every lookup finds its own entry.
    EXPECT_EQ(find_syscall(s.name), &s);
  }
  // BUG: prctl and keyctl name their arguments as the man pages do (option,
  // arg2, arg3, arg4, arg5), but in a policy `argN` is position N (0-based): the
  // loader takes `arg2` as position 2, which is the man page's arg3. A user
  // writing `prctl: {args: {arg2: {eq: ...}}}` after reading prctl(2) tests the
  // wrong register, silently. syscall_table.cpp: rename them (e.g. prctl:
  // option, value2, value3, ...; keyctl: operation, value2, ...), or make the
  // loader refuse argN names that differ from the call's own argument N.
  EXPECT_EQ(positional_names, "") << "arguments named like another position:";
}

TEST(SyscallTable, FindAnchors) {
  const SyscallSpec* openat = find_syscall("openat");
  ASSERT_NE(openat, nullptr);
  EXPECT_EQ(openat->name, "openat");
  EXPECT_EQ(openat->nargs, 4);
  EXPECT_EQ(openat->groups, static_cast<std::uint32_t>(G_DESC | G_FILE));
  EXPECT_EQ(openat->args[0].name, "dirfd");
  EXPECT_EQ(openat->args[0].kind, ArgKind::DirFd);
  EXPECT_EQ(openat->args[1].name, "path");
  EXPECT_EQ(openat->args[1].kind, ArgKind::Path);
  EXPECT_EQ(openat->args[2].name, "flags");
  EXPECT_EQ(openat->args[2].kind, ArgKind::UInt);
  EXPECT_EQ(openat->args[3].name, "mode");
  EXPECT_EQ(openat->args[3].kind, ArgKind::UInt);

  const SyscallSpec* stat = find_syscall("stat");
  ASSERT_NE(stat, nullptr);
  EXPECT_NE(stat->groups & G_STAT_LIKE, 0u);
  EXPECT_NE(stat->groups & G_STAT, 0u);
  EXPECT_NE(stat->groups & G_FILE, 0u);
  EXPECT_EQ(stat->groups & G_DESC, 0u);

  const SyscallSpec* getpid = find_syscall("getpid");
  ASSERT_NE(getpid, nullptr);
  EXPECT_EQ(getpid->groups, static_cast<std::uint32_t>(G_PURE));
  EXPECT_EQ(getpid->nargs, 0);

  const SyscallSpec* read = find_syscall("read");
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(read->groups, static_cast<std::uint32_t>(G_DESC));
  EXPECT_EQ(read->args[0].kind, ArgKind::Fd);
  EXPECT_EQ(read->args[2].name, "count");
  EXPECT_EQ(read->args[2].kind, ArgKind::ULong);

  const SyscallSpec* lseek = find_syscall("lseek");
  ASSERT_NE(lseek, nullptr);
  EXPECT_EQ(lseek->args[1].name, "offset");
  EXPECT_EQ(lseek->args[1].kind, ArgKind::Long);

  const SyscallSpec* clone = find_syscall("clone");
  ASSERT_NE(clone, nullptr);
  EXPECT_EQ(clone->args[0].name, "flags");
  EXPECT_EQ(clone->args[0].kind, ArgKind::ULong);  // 64-bit: CLONE_CLEAR_SIGHAND is bit 32
  EXPECT_NE(clone->groups & G_PROCESS, 0u);

  const SyscallSpec* seccomp = find_syscall("seccomp");
  ASSERT_NE(seccomp, nullptr);
  EXPECT_EQ(seccomp->args[1].name, "flags");

  const SyscallSpec* connect = find_syscall("connect");
  ASSERT_NE(connect, nullptr);
  EXPECT_EQ(connect->groups & G_NETWORK, static_cast<std::uint32_t>(G_NETWORK));
  EXPECT_EQ(connect->args[1].kind, ArgKind::SockAddr);

  EXPECT_NE(find_syscall("kill")->groups & G_SIGNAL, 0u);
  EXPECT_NE(find_syscall("mmap")->groups & G_MEMORY, 0u);
  EXPECT_NE(find_syscall("setuid")->groups & G_CREDS, 0u);
  EXPECT_NE(find_syscall("clock_gettime")->groups & G_CLOCK, 0u);
  EXPECT_NE(find_syscall("msgget")->groups & G_IPC, 0u);
  EXPECT_NE(find_syscall("fstat")->groups & G_FSTAT, 0u);
  EXPECT_NE(find_syscall("lstat")->groups & G_LSTAT, 0u);
  EXPECT_NE(find_syscall("statfs")->groups & G_STATFS_LIKE, 0u);
  EXPECT_NE(find_syscall("fstatfs")->groups & G_FSTATFS, 0u);
  EXPECT_NE(find_syscall("socketcall"), nullptr);  // i386 only, still in the table
  EXPECT_NE(find_syscall("mmap2"), nullptr);

  EXPECT_EQ(find_syscall("opnat"), nullptr);
  EXPECT_EQ(find_syscall(""), nullptr);
  EXPECT_EQ(find_syscall("OPENAT"), nullptr);
  EXPECT_EQ(find_syscall("zzz"), nullptr);
  EXPECT_EQ(find_syscall("_"), nullptr);
}

TEST(SyscallTable, Groups) {
  std::vector<std::string> names;
  std::uint32_t bits = 0;
  for (const auto& g : all_groups()) {
    names.emplace_back(g.name);
    EXPECT_EQ(g.bit & bits, 0u) << g.name;
    EXPECT_EQ(__builtin_popcount(g.bit), 1) << g.name;
    bits |= g.bit;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"file", "network", "process", "signal", "ipc", "memory", "creds", "clock",
                                             "desc", "stat", "lstat", "fstat", "statfs", "fstatfs", "pure", "%stat",
                                             "%statfs"}));
  // Every group has members.
  for (const auto& g : all_groups()) {
    int n = 0;
    for (const auto& s : all_syscalls()) n += (s.groups & g.bit) != 0;
    EXPECT_GT(n, 0) << g.name;
  }
}

// Every name libseccomp resolves for the ABIs we describe is in the table, so a
// policy can name it and argument names resolve.
TEST(SyscallTable, CoversEveryNameLibseccompKnows) {
  for (Abi abi : {Abi::X86_64, Abi::I386}) {
    const AbiInfo& info = abi_info(abi);
    int known = 0;
    for (long nr = info.nr_base; nr <= info.highest_nr; ++nr) {
      std::string name = syscall_name(abi, nr);
      if (name.empty()) continue;
      ++known;
      EXPECT_NE(find_syscall(name), nullptr) << to_string(abi) << " " << nr << " " << name;
    }
    EXPECT_GT(known, 300) << to_string(abi);
  }
}

// BUG (minor, latent): abi.hpp promises "-1 when the ABI has no such call", but
// for i386 libseccomp answers the socketcall/ipc pseudo numbers (< 0) for the
// direct socket and SysV IPC calls the ABI does have (socket is 359 on i386), so
// syscall_number(I386, "socket") is -1. Only the loader uses it today (as a
// fallback after the table), but a caller asking whether i386 has `socket`
// gets the wrong answer. abi.cpp, syscall_number(): when libseccomp answers a
// negative number, look the name up with seccomp_syscall_resolve_num_arch over
// 0..highest_nr (cache a name->number map per ABI built from the same scan as
// highest_nr).
TEST(Abi, NumbersRoundTrip) {
  for (Abi abi : {Abi::X86_64, Abi::I386, Abi::X32}) {
    const AbiInfo& info = abi_info(abi);
    std::string wrong;
    for (long nr = info.nr_base; nr <= info.highest_nr; ++nr) {
      std::string name = syscall_name(abi, nr);
      if (!name.empty() && syscall_number(abi, name) != nr)
        wrong += " " + name + "(" + std::to_string(nr) + "->" + std::to_string(syscall_number(abi, name)) + ")";
    }
    EXPECT_EQ(wrong, "") << to_string(abi) << ": syscall_number(syscall_name(nr)) != nr for";
  }
  EXPECT_EQ(syscall_number(Abi::I386, "socket"), 359);
  EXPECT_EQ(syscall_number(Abi::I386, "shmget"), 395);
}

TEST(SyscallTable, CoversX32Names) {
  const AbiInfo& info = abi_info(Abi::X32);
  for (long nr = info.nr_base; nr <= info.highest_nr; ++nr) {
    std::string name = syscall_name(Abi::X32, nr);
    if (!name.empty()) {
      EXPECT_NE(find_syscall(name), nullptr) << "x32 " << nr << " " << name;
    }
  }
}

TEST(Abi, Info) {
  const AbiInfo& x64 = abi_info(Abi::X86_64);
  EXPECT_EQ(x64.name, "x86_64");
  EXPECT_EQ(x64.audit_arch, static_cast<std::uint32_t>(AUDIT_ARCH_X86_64));
  EXPECT_EQ(x64.nr_base, 0u);
  EXPECT_TRUE(x64.word64);
  const AbiInfo& i386 = abi_info(Abi::I386);
  EXPECT_EQ(i386.name, "i386");
  EXPECT_EQ(i386.audit_arch, static_cast<std::uint32_t>(AUDIT_ARCH_I386));
  EXPECT_FALSE(i386.word64);
  const AbiInfo& x32 = abi_info(Abi::X32);
  EXPECT_EQ(x32.name, "x32");
  EXPECT_EQ(x32.audit_arch, static_cast<std::uint32_t>(AUDIT_ARCH_X86_64));
  EXPECT_EQ(x32.nr_base, 0x40000000u);
  EXPECT_FALSE(x32.word64);
  for (Abi a : all_abis()) {
    const AbiInfo& info = abi_info(a);
    EXPECT_EQ(info.abi, a);
    // highest_nr is the highest number libseccomp names.
    ASSERT_GE(info.highest_nr, static_cast<long>(info.nr_base) + 400) << info.name;
    EXPECT_FALSE(syscall_name(a, info.highest_nr).empty()) << info.name;
    for (long nr = info.highest_nr + 1; nr < static_cast<long>(info.nr_base) + 1024; ++nr)
      EXPECT_TRUE(syscall_name(a, nr).empty()) << info.name << " " << nr;
    EXPECT_EQ(abi_from_name(info.name), a);
  }
  EXPECT_EQ(abi_from_name("x86-64"), std::nullopt);
  EXPECT_EQ(abi_from_name(""), std::nullopt);
  EXPECT_EQ(native_abi(), Abi::X86_64);
  EXPECT_EQ(all_abis().size(), 3u);
}

TEST(Abi, SyscallNumbers) {
  EXPECT_EQ(syscall_number(Abi::X86_64, "read"), 0);
  EXPECT_EQ(syscall_number(Abi::X86_64, "openat"), 257);
  EXPECT_EQ(syscall_number(Abi::X86_64, "getppid"), 110);
  EXPECT_EQ(syscall_number(Abi::X86_64, "clone3"), 435);
  EXPECT_EQ(syscall_number(Abi::I386, "openat"), 295);
  EXPECT_EQ(syscall_number(Abi::I386, "restart_syscall"), 0);
  EXPECT_EQ(syscall_number(Abi::I386, "socketcall"), 102);
  EXPECT_EQ(syscall_number(Abi::X32, "read"), 0x40000000);
  EXPECT_EQ(syscall_number(Abi::X32, "openat"), 0x40000000 + 257);
  // Calls an ABI lacks (libseccomp's negative pseudo numbers) are -1.
  EXPECT_EQ(syscall_number(Abi::X86_64, "socketcall"), -1);
  EXPECT_EQ(syscall_number(Abi::X86_64, "mmap2"), -1);
  EXPECT_EQ(syscall_number(Abi::I386, "arch_prctl") == -1 || syscall_number(Abi::I386, "arch_prctl") == 384, true);
  EXPECT_EQ(syscall_number(Abi::X86_64, "no_such_call"), -1);
  EXPECT_EQ(syscall_number(Abi::X86_64, ""), -1);

  EXPECT_EQ(syscall_name(Abi::X86_64, 0), "read");
  EXPECT_EQ(syscall_name(Abi::X86_64, 257), "openat");
  EXPECT_EQ(syscall_name(Abi::I386, 0), "restart_syscall");
  EXPECT_EQ(syscall_name(Abi::I386, 102), "socketcall");
  EXPECT_EQ(syscall_name(Abi::X32, 0x40000000), "read");
  EXPECT_EQ(syscall_name(Abi::X86_64, -1), "");
  EXPECT_EQ(syscall_name(Abi::X86_64, 0x80000000L), "");
  EXPECT_EQ(syscall_name(Abi::X86_64, 100000), "");
  EXPECT_EQ(syscall_name(Abi::X86_64, 400), "");  // the gap between 334 and 424
}

TEST(Abi, AbiOfCall) {
  EXPECT_EQ(abi_of_call(AUDIT_ARCH_X86_64, 0), Abi::X86_64);
  EXPECT_EQ(abi_of_call(AUDIT_ARCH_X86_64, 257), Abi::X86_64);
  EXPECT_EQ(abi_of_call(AUDIT_ARCH_X86_64, 0x3fffffff), Abi::X86_64);
  EXPECT_EQ(abi_of_call(AUDIT_ARCH_X86_64, 0x40000000), Abi::X32);
  EXPECT_EQ(abi_of_call(AUDIT_ARCH_X86_64, 0x40000101), Abi::X32);
  EXPECT_EQ(abi_of_call(AUDIT_ARCH_X86_64, 0x7fffffff), Abi::X32);
  // A negative number (syscall(-1)), however it is widened, is not x32.
  EXPECT_EQ(abi_of_call(AUDIT_ARCH_X86_64, 0xffffffffu), Abi::X86_64);
  EXPECT_EQ(abi_of_call(AUDIT_ARCH_X86_64, ~0ull), Abi::X86_64);
  EXPECT_EQ(abi_of_call(AUDIT_ARCH_X86_64, 0x80000000u), Abi::X86_64);
  EXPECT_EQ(abi_of_call(AUDIT_ARCH_X86_64, 0xc0000000u), Abi::X86_64);
  EXPECT_EQ(abi_of_call(AUDIT_ARCH_I386, 5), Abi::I386);
  EXPECT_EQ(abi_of_call(AUDIT_ARCH_I386, 0x40000000), Abi::I386);  // no x32 bit on i386
  EXPECT_EQ(abi_of_call(AUDIT_ARCH_AARCH64, 5), std::nullopt);
  EXPECT_EQ(abi_of_call(0, 5), std::nullopt);
}

TEST(SyscallArgs, Resolve) {
  const SyscallSpec* openat = find_syscall("openat");
  auto flags = resolve_arg(openat, "flags", -1);
  ASSERT_TRUE(flags);
  EXPECT_EQ(flags->index, 2);
  EXPECT_EQ(flags->kind, ArgKind::UInt);
  auto a1 = resolve_arg(openat, "arg1", 1);
  ASSERT_TRUE(a1);
  EXPECT_EQ(a1->index, 1);
  EXPECT_EQ(a1->kind, ArgKind::Path);
  // Past the call's own arguments, and for calls named by number: unsigned words.
  auto a5 = resolve_arg(openat, "arg5", 5);
  ASSERT_TRUE(a5);
  EXPECT_EQ(a5->kind, ArgKind::ULong);
  auto n3 = resolve_arg(nullptr, "arg3", 3);
  ASSERT_TRUE(n3);
  EXPECT_EQ(n3->index, 3);
  EXPECT_EQ(n3->kind, ArgKind::ULong);
  EXPECT_FALSE(resolve_arg(nullptr, "fd", -1));
  EXPECT_FALSE(resolve_arg(openat, "fd", -1));
  EXPECT_FALSE(resolve_arg(openat, "arg6", 6));

  EXPECT_TRUE(is_32bit(ArgKind::Int));
  EXPECT_TRUE(is_32bit(ArgKind::UInt));
  EXPECT_TRUE(is_32bit(ArgKind::Fd));
  EXPECT_TRUE(is_32bit(ArgKind::DirFd));
  EXPECT_FALSE(is_32bit(ArgKind::Long));
  EXPECT_FALSE(is_32bit(ArgKind::ULong));
  EXPECT_FALSE(is_32bit(ArgKind::Pointer));
  EXPECT_TRUE(is_signed(ArgKind::Int));
  EXPECT_TRUE(is_signed(ArgKind::Long));
  EXPECT_TRUE(is_signed(ArgKind::Fd));
  EXPECT_TRUE(is_signed(ArgKind::DirFd));
  EXPECT_FALSE(is_signed(ArgKind::UInt));
  EXPECT_FALSE(is_signed(ArgKind::ULong));
  EXPECT_TRUE(is_pointer(ArgKind::Path));
  EXPECT_TRUE(is_pointer(ArgKind::SockAddr));
  EXPECT_FALSE(is_pointer(ArgKind::ULong));
}

TEST(Constants, Values) {
  EXPECT_EQ(constant_value("O_CREAT"), 0100);
  EXPECT_EQ(constant_value("O_RDONLY"), 0);
  EXPECT_EQ(constant_value("O_WRONLY"), 1);
  EXPECT_EQ(constant_value("O_RDWR"), 2);
  EXPECT_EQ(constant_value("O_SYNC"), 04010000);
  EXPECT_EQ(constant_value("CLONE_NEWUSER"), 0x10000000);
  EXPECT_EQ(constant_value("CLONE_UNTRACED"), 0x00800000);
  EXPECT_EQ(constant_value("CLONE_NEWTIME"), 0x80);
  EXPECT_EQ(constant_value("CLONE_CLEAR_SIGHAND"), 0x100000000LL);
  EXPECT_EQ(constant_value("AT_FDCWD"), -100);
  EXPECT_EQ(constant_value("AF_INET"), 2);
  EXPECT_EQ(constant_value("AF_INET6"), 10);
  EXPECT_EQ(constant_value("PROT_EXEC"), 4);
  EXPECT_EQ(constant_value("SECCOMP_FILTER_FLAG_NEW_LISTENER"), 8);
  EXPECT_EQ(constant_value("PER_LINUX"), 0);
  EXPECT_EQ(constant_value("SIGKILL"), 9);
  EXPECT_EQ(constant_value("O_CRAET"), std::nullopt);
  EXPECT_EQ(constant_value(""), std::nullopt);
  EXPECT_EQ(constant_value("o_creat"), std::nullopt);
  auto names = constant_names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "O_TMPFILE"), names.end());
}

TEST(Constants, ErrnoAndSignals) {
  EXPECT_EQ(errno_from_name("EPERM"), 1);
  EXPECT_EQ(errno_from_name("EACCES"), 13);
  EXPECT_EQ(errno_from_name("ENOSYS"), 38);
  EXPECT_EQ(errno_from_name("ECONNREFUSED"), 111);
  EXPECT_EQ(errno_from_name("EACCESS"), std::nullopt);
  EXPECT_EQ(errno_from_name("eperm"), std::nullopt);
  EXPECT_EQ(errno_from_name(""), std::nullopt);
  EXPECT_EQ(errno_name(13), "EACCES");
  EXPECT_EQ(errno_name(1), "EPERM");
  EXPECT_EQ(errno_name(38), "ENOSYS");
  EXPECT_EQ(errno_name(4000), "4000");
  auto names = errno_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "EROFS"), names.end());
  EXPECT_GT(names.size(), 100u);
  EXPECT_EQ(signal_name(9), "SIGKILL");
  EXPECT_EQ(signal_name(31), "SIGSYS");
  EXPECT_EQ(signal_name(15), "SIGTERM");
  EXPECT_EQ(signal_name(1000), "1000");
}

}  // namespace
}  // namespace sysgate::arch
