// Which file access each path-taking system call makes: for every path
// argument, the directory descriptor it is relative to, the access kind
// (read, write, exec, or only a look at metadata) and whether the last
// component's symlink is followed. One table, documented in sysgate-policy(5).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace sysgate::fs {

enum class Access : std::uint8_t {
  Stat,   // metadata only (stat, access F_OK, readlink, chdir, statfs): allowed on ancestors too
  Read,
  Write,  // create, truncate, unlink, rename, mkdir, chmod, chown, xattr changes, ...
  Exec,
};

enum class AccessRule : std::uint8_t {
  Fixed,        // `access` as given
  OpenFlags,    // from open(2) flags: O_WRONLY/O_RDWR/O_CREAT/O_TRUNC -> Write, else Read
  AccessMode,   // access(2) mode: F_OK -> Stat, else Read (W_OK -> Write)
};

enum class Follow : std::uint8_t {
  Yes,            // the last symlink is followed
  No,             // never followed (lstat, unlink, rename, mkdir, readlink, ...)
  UnlessNoFollow, // followed unless the flags argument has AT_SYMLINK_NOFOLLOW
  IfFollow,       // followed only if the flags argument has AT_SYMLINK_FOLLOW (linkat, name_to_handle_at)
  OpenFlags,      // followed unless O_NOFOLLOW, or O_CREAT|O_EXCL
};

struct PathArg {
  std::int8_t path = -1;   // argument index of the path
  std::int8_t dirfd = -1;  // argument index of the directory fd, -1: cwd
  Access access = Access::Read;
  AccessRule rule = AccessRule::Fixed;
  Follow follow = Follow::Yes;
  std::int8_t flags = -1;     // argument index of the flags/mode the access rule reads
  bool empty_path_ok = false;  // AT_EMPTY_PATH is honoured (the path may be "")
  std::int8_t at_flags = -1;   // argument index of the AT_* flags (follow, AT_EMPTY_PATH)
};

struct PathCall {
  std::string_view name;
  std::uint8_t count;
  PathArg args[2];
};

const PathCall* find_path_call(std::string_view syscall);
// Whether the call only looks at metadata, whatever its arguments: stat,
// lstat, newfstatat, statx, readlink(at), statfs, chdir, name_to_handle_at.
bool only_looks(std::string_view syscall);
std::span<const PathCall> all_path_calls();

// The access a call makes through one path argument, given its arguments.
Access access_of(const PathArg& a, const std::uint64_t args[6]);
bool follows_last(const PathArg& a, const std::uint64_t args[6]);
const char* to_string(Access a);
// Whether path argument `i` (of `call`, in the table's order) makes a new name:
// open with O_CREAT, creat, mkdir, mknod, symlink, and the new name of link
// and rename.
bool creates_name(std::string_view call, int i, const PathArg& a, const std::uint64_t args[6]);
// Whether it removes the name: unlink, rmdir, and the old name of rename.
bool removes_name(std::string_view call, int i);

}  // namespace sysgate::fs
