// fs::access table: sorted, consistent with the syscall table's argument kinds,
// and access_of / follows_last for the flags that change them.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>

#include <set>
#include <string>

#include "arch/syscall_table.hpp"
#include "fs/access_table.hpp"

namespace sysgate::fs {
namespace {

struct Args {
  std::uint64_t v[6] = {};
};

Args with(int index, std::uint64_t value, int index2 = -1, std::uint64_t value2 = 0) {
  Args a;
  a.v[index] = value;
  if (index2 >= 0) a.v[index2] = value2;
  return a;
}

const PathArg& arg0(const char* call) {
  const PathCall* pc = find_path_call(call);
  EXPECT_NE(pc, nullptr) << call;
  static PathArg none;
  return pc != nullptr ? pc->args[0] : none;
}

TEST(AccessTable, SortedAndFindable) {
  auto all = all_path_calls();
  ASSERT_FALSE(all.empty());
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].name, all[i].name);
  for (const auto& c : all) EXPECT_EQ(find_path_call(c.name), &c) << c.name;
  EXPECT_EQ(find_path_call("read"), nullptr);
  EXPECT_EQ(find_path_call(""), nullptr);
  EXPECT_EQ(find_path_call("zzz"), nullptr);
  EXPECT_EQ(find_path_call("aaa"), nullptr);
}

// Every entry names a Path argument, and a DirFd argument for its dirfd, of the
// syscall table's entry; the flags index is an argument of the call.
TEST(AccessTable, IndexesNameTheRightArguments) {
  for (const auto& c : all_path_calls()) {
    const arch::SyscallSpec* spec = arch::find_syscall(c.name);
    ASSERT_NE(spec, nullptr) << c.name << " is not in the syscall table";
    ASSERT_GE(c.count, 1) << c.name;
    ASSERT_LE(c.count, 2) << c.name;
    for (int i = 0; i < c.count; ++i) {
      const PathArg& a = c.args[i];
      ASSERT_GE(a.path, 0) << c.name;
      ASSERT_LT(a.path, spec->nargs) << c.name;
      EXPECT_EQ(spec->args[a.path].kind, arch::ArgKind::Path)
          << c.name << " arg " << int(a.path) << " (" << spec->args[a.path].name << ") is not a path";
      if (a.dirfd >= 0) {
        ASSERT_LT(a.dirfd, spec->nargs) << c.name;
        EXPECT_EQ(spec->args[a.dirfd].kind, arch::ArgKind::DirFd)
            << c.name << " arg " << int(a.dirfd) << " (" << spec->args[a.dirfd].name << ") is not a dirfd";
      }
      if (a.flags >= 0) {
        EXPECT_LT(a.flags, spec->nargs) << c.name;
      }
      if (a.rule != AccessRule::Fixed || a.follow == Follow::UnlessNoFollow || a.follow == Follow::IfFollow ||
          a.follow == Follow::OpenFlags) {
        EXPECT_GE(a.flags, 0) << c.name << ": its rule reads a flags argument";
      }
      if (a.empty_path_ok) {
        EXPECT_GE(a.dirfd, 0) << c.name;
      }
    }
  }
}

// Where AT_SYMLINK_NOFOLLOW / AT_SYMLINK_FOLLOW / AT_EMPTY_PATH are read, the
// index must be the call's `flags` argument (not its mode).
TEST(AccessTable, FollowFlagsAreReadFromTheFlagsArgument) {
  for (const auto& c : all_path_calls()) {
    const arch::SyscallSpec* spec = arch::find_syscall(c.name);
    ASSERT_NE(spec, nullptr);
    for (int i = 0; i < c.count; ++i) {
      const PathArg& a = c.args[i];
      bool reads_at_flags = a.follow == Follow::UnlessNoFollow || a.follow == Follow::IfFollow || a.empty_path_ok;
      if (!reads_at_flags || a.at_flags < 0) continue;
      EXPECT_EQ(spec->args[a.at_flags].name, "flags")
          << c.name << ": AT_* flags read from arg " << int(a.at_flags) << " (" << spec->args[a.at_flags].name << ")";
    }
  }
}

// Every syscall of the table that takes a Path is either in the access table or
// refused by a built-in rule when a filesystem section exists (openat2,
// open_by_handle_at) or by the default policy's mount rules.
TEST(AccessTable, EveryPathSyscallIsCovered) {
  const std::set<std::string> refused = {"openat2", "fspick", "move_mount", "open_tree", "mount_setattr"};
  for (const auto& s : arch::all_syscalls()) {
    bool takes_path = false;
    for (int i = 0; i < s.nargs; ++i) takes_path = takes_path || s.args[i].kind == arch::ArgKind::Path;
    if (!takes_path || refused.contains(std::string(s.name))) continue;
    EXPECT_NE(find_path_call(s.name), nullptr) << s.name << " takes a path but is not in the access table";
  }
}

TEST(AccessTable, CallsOfTheIssueAreListed) {
  for (const char* c : {"open", "openat", "creat", "stat", "lstat", "newfstatat", "statx", "access", "faccessat",
                        "faccessat2", "readlink", "readlinkat", "execve", "execveat", "unlink", "unlinkat", "rename",
                        "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat", "mkdir", "mkdirat", "rmdir",
                        "mknod", "mknodat", "chmod", "fchmodat", "chown", "lchown", "fchownat", "truncate", "utime",
                        "utimes", "utimensat", "futimesat", "setxattr", "lsetxattr", "getxattr", "listxattr",
                        "removexattr", "chdir", "chroot", "mount", "umount2", "inotify_add_watch",
                        "name_to_handle_at", "statfs"})
    EXPECT_NE(find_path_call(c), nullptr) << c;
}

TEST(AccessTable, FixedKinds) {
  auto kind = [](const char* call, int i = 0) {
    const PathCall* pc = find_path_call(call);
    EXPECT_NE(pc, nullptr) << call;
    Args a;
    return pc ? access_of(pc->args[i], a.v) : Access::Stat;
  };
  EXPECT_EQ(kind("execve"), Access::Exec);
  EXPECT_EQ(kind("execveat"), Access::Exec);
  EXPECT_EQ(kind("stat"), Access::Stat);
  EXPECT_EQ(kind("lstat"), Access::Stat);
  EXPECT_EQ(kind("newfstatat"), Access::Stat);
  EXPECT_EQ(kind("statx"), Access::Stat);
  EXPECT_EQ(kind("readlink"), Access::Stat);
  EXPECT_EQ(kind("readlinkat"), Access::Stat);
  EXPECT_EQ(kind("chdir"), Access::Stat);
  EXPECT_EQ(kind("statfs"), Access::Stat);
  for (const char* w : {"unlink", "unlinkat", "rmdir", "mkdir", "mkdirat", "mknod", "mknodat", "chmod", "fchmodat",
                        "chown", "lchown", "fchownat", "truncate", "utimensat", "utimes", "setxattr", "removexattr",
                        "symlink", "symlinkat", "creat"})
    EXPECT_EQ(kind(w), Access::Write) << w;
  for (const char* two : {"rename", "renameat", "renameat2", "link", "linkat"}) {
    EXPECT_EQ(find_path_call(two)->count, 2) << two;
    EXPECT_EQ(kind(two, 0), Access::Write) << two;
    EXPECT_EQ(kind(two, 1), Access::Write) << two;
  }
  EXPECT_EQ(kind("getxattr"), Access::Read);
  EXPECT_EQ(kind("listxattr"), Access::Read);
}

TEST(AccessTable, OpenFlags) {
  const PathArg& at = arg0("openat");
  const PathArg& op = arg0("open");
  auto acc = [&](std::uint64_t flags) { return access_of(at, with(2, flags).v); };
  EXPECT_EQ(acc(O_RDONLY), Access::Read);
  EXPECT_EQ(acc(O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_DIRECTORY), Access::Read);
  EXPECT_EQ(acc(O_WRONLY), Access::Write);
  EXPECT_EQ(acc(O_RDWR), Access::Write);
  EXPECT_EQ(acc(O_RDONLY | O_CREAT), Access::Write);
  EXPECT_EQ(acc(O_RDONLY | O_TRUNC), Access::Write);
  EXPECT_EQ(acc(O_WRONLY | O_APPEND), Access::Write);
  EXPECT_EQ(acc(O_TMPFILE | O_RDWR), Access::Write);
  EXPECT_EQ(acc(O_PATH), Access::Stat);
  EXPECT_EQ(acc(O_PATH | O_NOFOLLOW | O_CLOEXEC), Access::Stat);
  EXPECT_EQ(acc(3), Access::Write);  // O_ACCMODE 3: the kernel treats it as read+write (ioctl access)
  EXPECT_EQ(access_of(op, with(1, O_RDONLY).v), Access::Read);
  EXPECT_EQ(access_of(op, with(1, O_WRONLY | O_CREAT).v), Access::Write);
  // The flags argument is an int: bits above 32 are not the call's.
  EXPECT_EQ(acc(0x100000000ull | O_RDONLY), Access::Read);
}

TEST(AccessTable, AccessModes) {
  const PathArg& a = arg0("access");
  const PathArg& at = arg0("faccessat");
  const PathArg& at2 = arg0("faccessat2");
  EXPECT_EQ(access_of(a, with(1, F_OK).v), Access::Stat);
  EXPECT_EQ(access_of(a, with(1, R_OK).v), Access::Read);
  EXPECT_EQ(access_of(a, with(1, W_OK).v), Access::Write);
  EXPECT_EQ(access_of(a, with(1, R_OK | W_OK).v), Access::Write);
  EXPECT_EQ(access_of(a, with(1, X_OK).v), Access::Stat);
  EXPECT_EQ(access_of(at, with(2, F_OK).v), Access::Stat);
  EXPECT_EQ(access_of(at, with(2, R_OK).v), Access::Read);
  EXPECT_EQ(access_of(at2, with(2, W_OK).v), Access::Write);
  EXPECT_EQ(access_of(at2, with(2, F_OK, 3, AT_SYMLINK_NOFOLLOW).v), Access::Stat);
}

TEST(AccessTable, FollowsLastOpen) {
  const PathArg& at = arg0("openat");
  auto follows = [&](std::uint64_t flags) { return follows_last(at, with(2, flags).v); };
  EXPECT_TRUE(follows(O_RDONLY));
  EXPECT_TRUE(follows(O_WRONLY | O_CREAT));
  EXPECT_TRUE(follows(O_WRONLY | O_CREAT | O_TRUNC));
  EXPECT_FALSE(follows(O_RDONLY | O_NOFOLLOW));
  EXPECT_FALSE(follows(O_PATH | O_NOFOLLOW));
  EXPECT_FALSE(follows(O_WRONLY | O_CREAT | O_EXCL));  // the kernel never follows then
  EXPECT_TRUE(follows(O_RDONLY | O_EXCL));             // O_EXCL alone means nothing for follow
  EXPECT_TRUE(follows_last(arg0("open"), with(1, O_RDONLY).v));
  EXPECT_FALSE(follows_last(arg0("open"), with(1, O_NOFOLLOW).v));
  EXPECT_FALSE(follows_last(arg0("open"), with(1, O_CREAT | O_EXCL | O_WRONLY).v));
  EXPECT_TRUE(follows_last(arg0("creat"), Args{}.v));
}

TEST(AccessTable, FollowsLastAtFlags) {
  EXPECT_TRUE(follows_last(arg0("newfstatat"), with(3, 0).v));
  EXPECT_FALSE(follows_last(arg0("newfstatat"), with(3, AT_SYMLINK_NOFOLLOW).v));
  EXPECT_TRUE(follows_last(arg0("statx"), with(2, AT_EMPTY_PATH).v));
  EXPECT_FALSE(follows_last(arg0("statx"), with(2, AT_SYMLINK_NOFOLLOW).v));
  EXPECT_FALSE(follows_last(arg0("utimensat"), with(3, AT_SYMLINK_NOFOLLOW).v));
  EXPECT_FALSE(follows_last(arg0("fchownat"), with(4, AT_SYMLINK_NOFOLLOW).v));
  EXPECT_TRUE(follows_last(arg0("fchownat"), with(4, 0).v));
  EXPECT_FALSE(follows_last(arg0("execveat"), with(4, AT_SYMLINK_NOFOLLOW).v));
  EXPECT_TRUE(follows_last(arg0("execveat"), with(4, 0).v));
  // linkat: the old path is followed only with AT_SYMLINK_FOLLOW; the new one never.
  const PathCall* l = find_path_call("linkat");
  ASSERT_NE(l, nullptr);
  EXPECT_FALSE(follows_last(l->args[0], with(4, 0).v));
  EXPECT_TRUE(follows_last(l->args[0], with(4, AT_SYMLINK_FOLLOW).v));
  EXPECT_FALSE(follows_last(l->args[1], with(4, AT_SYMLINK_FOLLOW).v));
  EXPECT_FALSE(follows_last(arg0("name_to_handle_at"), with(4, 0).v));
  EXPECT_TRUE(follows_last(arg0("name_to_handle_at"), with(4, AT_SYMLINK_FOLLOW).v));
  // Calls that never follow the last component, and those that always do.
  for (const char* no : {"lstat", "readlink", "readlinkat", "unlink", "unlinkat", "rmdir", "mkdir", "mkdirat",
                         "mknod", "symlink", "symlinkat", "lchown", "lgetxattr", "lsetxattr", "rename", "renameat2"})
    EXPECT_FALSE(follows_last(arg0(no), Args{}.v)) << no;
  for (const char* yes : {"stat", "chdir", "chmod", "chown", "truncate", "execve", "access", "faccessat", "getxattr"})
    EXPECT_TRUE(follows_last(arg0(yes), Args{}.v)) << yes;
}

// faccessat2(dirfd, path, mode, flags): AT_SYMLINK_NOFOLLOW is in `flags`
// (argument 3), and AT_EMPTY_PATH is honoured there too.
TEST(AccessTable, Faccessat2ReadsItsFlagsArgument) {
  const PathArg& a = arg0("faccessat2");
  EXPECT_FALSE(follows_last(a, with(2, F_OK, 3, AT_SYMLINK_NOFOLLOW).v))
      << "faccessat2(..., F_OK, AT_SYMLINK_NOFOLLOW) does not follow the last symlink";
  EXPECT_TRUE(follows_last(a, with(2, F_OK, 3, 0).v));
  EXPECT_TRUE(a.empty_path_ok) << "faccessat2 honours AT_EMPTY_PATH";
}

TEST(AccessTable, ToString) {
  EXPECT_STREQ(to_string(Access::Stat), "stat");
  EXPECT_STREQ(to_string(Access::Read), "read");
  EXPECT_STREQ(to_string(Access::Write), "write");
  EXPECT_STREQ(to_string(Access::Exec), "exec");
}

}  // namespace
}  // namespace sysgate::fs
