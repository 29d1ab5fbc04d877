// Resolves a path argument the way the kernel will for that call: relative to
// the dirfd or the calling thread's cwd (read through /proc/TID) and inside its
// root (a chroot of its own is honoured), `.`/`..`/`//` handled, symlinks followed
// except a last component the call does not follow, /proc/self and
// /proc/thread-self meaning the caller, /proc/PID/fd/N and cwd/root magic links
// taken to what they point at.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace sysgate::fs {

struct ResolvedPath {
  std::string path;     // absolute, normalised, as the supervisor names the file
  bool exists = false;  // the last component exists (a missing one is resolved parent + name)
  bool is_file = true;  // false: not a file system object (pipe:[..], anon_inode:, deleted file)
  bool via_fd = false;  // an empty path with AT_EMPTY_PATH: the call acts on an open descriptor
  // The same path as the caller names it through /proc/self ("/proc/self/fd/3"
  // for "/proc/1234/fd/3"), so policies can say /proc/self/**; empty otherwise.
  std::string self_alias;
  // Where the walk last started by name: "/" (or the caller's root) for an
  // absolute path or an absolute symlink, the directory of the descriptor
  // (cwd, dirfd) for a relative path, the target of a /proc magic link (an
  // open file, reached without walking its name). A directory the walk enters
  // from above lies below this start (see redirects in sysgate-policy(5)).
  std::string walk_start;
};

constexpr int kCwd = -100;  // AT_FDCWD

// nullopt when the kernel itself would fail the lookup (bad dirfd, ELOOP, ...).
// `through_missing`: a directory on the way that does not exist ends the walk
// by name: the rest is joined lexically and the result does not exist (a
// redirect sends such a path elsewhere, where it may).
// `error`: why not (ENOENT, ENOTDIR, ELOOP, EBADF, ...), the kernel's errno for the same walk.
std::optional<ResolvedPath> resolve_path(pid_t tgid, pid_t tid, int dirfd, const std::string& path, bool follow_last,
                                         bool empty_path_ok, bool through_missing = false, int* error = nullptr);

}  // namespace sysgate::fs
