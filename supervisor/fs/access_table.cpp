#include "fs/access_table.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

namespace sysgate::fs {
namespace {

using A = Access;
using R = AccessRule;
using F = Follow;

// `flags`: the argument the access rule reads; `at_flags`: the AT_* flags
// argument (the same one unless given).
constexpr PathArg P(int path, int dirfd, A access, F follow = F::Yes, R rule = R::Fixed, int flags = -1,
                    bool empty_ok = false, int at_flags = -2) {
  return PathArg{static_cast<std::int8_t>(path), static_cast<std::int8_t>(dirfd), access, rule, follow,
                 static_cast<std::int8_t>(flags), empty_ok,
                 static_cast<std::int8_t>(at_flags == -2 ? (rule == R::Fixed || rule == R::OpenFlags ? flags : -1) : at_flags)};
}

// Sorted by name. Argument indexes follow the syscall table's order.
constexpr PathCall kCalls[] = {
    {"access", 1, {P(0, -1, A::Stat, F::Yes, R::AccessMode, 1)}},
    {"acct", 1, {P(0, -1, A::Write)}},
    {"chdir", 1, {P(0, -1, A::Stat)}},
    {"chmod", 1, {P(0, -1, A::Write)}},
    {"chown", 1, {P(0, -1, A::Write)}},
    {"chown32", 1, {P(0, -1, A::Write)}},
    {"chroot", 1, {P(0, -1, A::Write)}},
    {"creat", 1, {P(0, -1, A::Write, F::Yes)}},
    {"execve", 1, {P(0, -1, A::Exec)}},
    {"execveat", 1, {P(1, 0, A::Exec, F::UnlessNoFollow, R::Fixed, 4, true)}},
    {"faccessat", 1, {P(1, 0, A::Stat, F::Yes, R::AccessMode, 2)}},
    {"faccessat2", 1, {P(1, 0, A::Stat, F::UnlessNoFollow, R::AccessMode, 2, true, 3)}},
    {"fanotify_mark", 1, {P(4, 3, A::Read)}},
    {"fchmodat", 1, {P(1, 0, A::Write)}},
    {"fchmodat2", 1, {P(1, 0, A::Write, F::UnlessNoFollow, R::Fixed, 3, true)}},
    {"fchownat", 1, {P(1, 0, A::Write, F::UnlessNoFollow, R::Fixed, 4, true)}},
    {"fstatat64", 1, {P(1, 0, A::Stat, F::UnlessNoFollow, R::Fixed, 3, true)}},
    {"futimesat", 1, {P(1, 0, A::Write)}},
    {"getxattr", 1, {P(0, -1, A::Read)}},
    {"inotify_add_watch", 1, {P(1, -1, A::Read)}},
    {"lchown", 1, {P(0, -1, A::Write, F::No)}},
    {"lchown32", 1, {P(0, -1, A::Write, F::No)}},
    {"lgetxattr", 1, {P(0, -1, A::Read, F::No)}},
    {"link", 2, {P(0, -1, A::Write, F::No), P(1, -1, A::Write, F::No)}},
    {"linkat", 2, {P(1, 0, A::Write, F::IfFollow, R::Fixed, 4, true), P(3, 2, A::Write, F::No)}},
    {"listxattr", 1, {P(0, -1, A::Read)}},
    {"llistxattr", 1, {P(0, -1, A::Read, F::No)}},
    {"lremovexattr", 1, {P(0, -1, A::Write, F::No)}},
    {"lsetxattr", 1, {P(0, -1, A::Write, F::No)}},
    {"lstat", 1, {P(0, -1, A::Stat, F::No)}},
    {"lstat64", 1, {P(0, -1, A::Stat, F::No)}},
    {"mkdir", 1, {P(0, -1, A::Write, F::No)}},
    {"mkdirat", 1, {P(1, 0, A::Write, F::No)}},
    {"mknod", 1, {P(0, -1, A::Write, F::No)}},
    {"mknodat", 1, {P(1, 0, A::Write, F::No)}},
    {"mount", 2, {P(0, -1, A::Write), P(1, -1, A::Write)}},
    {"name_to_handle_at", 1, {P(1, 0, A::Stat, F::IfFollow, R::Fixed, 4, true)}},
    {"newfstatat", 1, {P(1, 0, A::Stat, F::UnlessNoFollow, R::Fixed, 3, true)}},
    {"oldlstat", 1, {P(0, -1, A::Stat, F::No)}},
    {"oldstat", 1, {P(0, -1, A::Stat)}},
    {"open", 1, {P(0, -1, A::Read, F::OpenFlags, R::OpenFlags, 1)}},
    {"open_tree", 1, {P(1, 0, A::Read, F::UnlessNoFollow, R::Fixed, 2, true)}},
    {"openat", 1, {P(1, 0, A::Read, F::OpenFlags, R::OpenFlags, 2)}},
    {"pivot_root", 2, {P(0, -1, A::Write), P(1, -1, A::Write)}},
    {"quotactl", 1, {P(1, -1, A::Write)}},
    {"readlink", 1, {P(0, -1, A::Stat, F::No)}},
    {"readlinkat", 1, {P(1, 0, A::Stat, F::No, R::Fixed, -1, true)}},
    {"removexattr", 1, {P(0, -1, A::Write)}},
    {"rename", 2, {P(0, -1, A::Write, F::No), P(1, -1, A::Write, F::No)}},
    {"renameat", 2, {P(1, 0, A::Write, F::No), P(3, 2, A::Write, F::No)}},
    {"renameat2", 2, {P(1, 0, A::Write, F::No), P(3, 2, A::Write, F::No)}},
    {"rmdir", 1, {P(0, -1, A::Write, F::No)}},
    {"setxattr", 1, {P(0, -1, A::Write)}},
    {"stat", 1, {P(0, -1, A::Stat)}},
    {"stat64", 1, {P(0, -1, A::Stat)}},
    {"statfs", 1, {P(0, -1, A::Stat)}},
    {"statfs64", 1, {P(0, -1, A::Stat)}},
    {"statx", 1, {P(1, 0, A::Stat, F::UnlessNoFollow, R::Fixed, 2, true)}},
    {"swapoff", 1, {P(0, -1, A::Write)}},
    {"swapon", 1, {P(0, -1, A::Write)}},
    {"symlink", 1, {P(1, -1, A::Write, F::No)}},
    {"symlinkat", 1, {P(2, 1, A::Write, F::No)}},
    {"truncate", 1, {P(0, -1, A::Write)}},
    {"truncate64", 1, {P(0, -1, A::Write)}},
    {"umount", 1, {P(0, -1, A::Write)}},
    {"umount2", 1, {P(0, -1, A::Write)}},
    {"unlink", 1, {P(0, -1, A::Write, F::No)}},
    {"unlinkat", 1, {P(1, 0, A::Write, F::No)}},
    {"uselib", 1, {P(0, -1, A::Exec)}},
    {"utime", 1, {P(0, -1, A::Write)}},
    {"utimensat", 1, {P(1, 0, A::Write, F::UnlessNoFollow, R::Fixed, 3, true)}},
    {"utimensat_time64", 1, {P(1, 0, A::Write, F::UnlessNoFollow, R::Fixed, 3, true)}},
    {"utimes", 1, {P(0, -1, A::Write)}},
};

constexpr bool sorted() {
  for (std::size_t i = 1; i < std::size(kCalls); ++i)
    if (!(kCalls[i - 1].name < kCalls[i].name)) return false;
  return true;
}
static_assert(sorted(), "kCalls must stay sorted by name");

}  // namespace

std::span<const PathCall> all_path_calls() { return kCalls; }

bool only_looks(std::string_view syscall) {
  const PathCall* c = find_path_call(syscall);
  return c != nullptr && c->count == 1 && c->args[0].access == A::Stat && c->args[0].rule == R::Fixed;
}

const PathCall* find_path_call(std::string_view syscall) {
  auto it = std::lower_bound(std::begin(kCalls), std::end(kCalls), syscall,
                             [](const PathCall& c, std::string_view n) { return c.name < n; });
  return it != std::end(kCalls) && it->name == syscall ? &*it : nullptr;
}

Access access_of(const PathArg& a, const std::uint64_t args[6]) {
  switch (a.rule) {
    case AccessRule::Fixed: return a.access;
    case AccessRule::OpenFlags: {
      auto f = static_cast<std::uint32_t>(args[a.flags]);
      bool writes = (f & O_ACCMODE) != O_RDONLY || (f & (O_CREAT | O_TRUNC)) != 0 || (f & O_TMPFILE) == O_TMPFILE;
      if ((f & O_PATH) != 0 && !writes) return Access::Stat;
      return writes ? Access::Write : Access::Read;
    }
    case AccessRule::AccessMode: {
      auto m = static_cast<std::uint32_t>(args[a.flags]);
      if (m == F_OK) return Access::Stat;
      if ((m & W_OK) != 0) return Access::Write;
      if ((m & X_OK) != 0 && (m & R_OK) == 0) return Access::Stat;  // probing for a program
      return Access::Read;
    }
  }
  return a.access;
}

bool follows_last(const PathArg& a, const std::uint64_t args[6]) {
  auto flags = a.at_flags >= 0 ? static_cast<std::uint32_t>(args[a.at_flags]) : 0u;
  switch (a.follow) {
    case Follow::Yes: return true;
    case Follow::No: return false;
    case Follow::UnlessNoFollow: return (flags & AT_SYMLINK_NOFOLLOW) == 0;
    case Follow::IfFollow: return (flags & AT_SYMLINK_FOLLOW) != 0;
    case Follow::OpenFlags:
      if ((flags & O_NOFOLLOW) != 0) return false;
      return (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
  }
  return true;
}

const char* to_string(Access a) {
  switch (a) {
    case Access::Stat: return "stat";
    case Access::Read: return "read";
    case Access::Write: return "write";
    case Access::Exec: return "exec";
  }
  return "?";
}

bool creates_name(std::string_view call, int i, const PathArg& a, const std::uint64_t args[6]) {
  if (a.rule == AccessRule::OpenFlags) return a.flags >= 0 && (args[a.flags] & O_CREAT) != 0;
  if (call == "creat" || call.starts_with("mkdir") || call.starts_with("mknod") || call.starts_with("symlink"))
    return true;
  return i == 1 && (call.starts_with("link") || call.starts_with("rename"));
}

bool removes_name(std::string_view call, int i) {
  return call.starts_with("unlink") || call == "rmdir" || (i == 0 && call.starts_with("rename"));
}

}  // namespace sysgate::fs
