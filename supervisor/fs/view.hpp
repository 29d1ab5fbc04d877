// The filesystem view of `view: true`: before exec, the program gets a private
// mount namespace whose root is an empty read-only tmpfs into which each
// existing tree and file the read, write and exec entries name is bound at its
// own path. The directories on the way to them exist with the real ones'
// mode and owner, and hold the real ones' symlinks that lead into the view
// (/lib -> usr/lib); nothing else exists. Deny entries are masked inside it as
// without a view (masked_paths.hpp).
//
// In that namespace the kernel itself answers a stat-like call exactly as the
// section would decide it, but for its denials, which see ENOENT: a path the
// entries allow (or a directory on the way to one) is there, every other path
// is not. So those calls (stat, lstat, newfstatat, statx, readlink, statfs,
// chdir) do not stop; every other path call still stops and is decided, and
// reported, by the supervisor, which resolves paths in its own namespace,
// where they name the same files.
#pragma once

#include <string>
#include <vector>

#include "sysgate/policy.hpp"

namespace sysgate::fs {

struct ViewNode {
  std::string path;    // in the view, as in the real file system
  std::string staged;  // where it is built before the view becomes the root
  bool directory = true;
  unsigned mode = 0755;  // skeleton directories: the real directory's
  unsigned uid = 0, gid = 0;
  std::string target;  // links: the symlink's text
};

struct ViewPlan {
  bool present = false;
  std::vector<ViewNode> dirs;   // skeleton directories, parents first
  std::vector<ViewNode> binds;  // real trees and files bound in, outermost only
  std::vector<ViewNode> links;  // symlinks of skeleton directories
  std::vector<std::string> notes;  // entries that show nothing (for explain)
  static constexpr std::size_t kMaxBinds = 512;
};

// Where the view is assembled before it becomes the root: a directory that
// exists in every mount namespace (it is covered only in the program's).
inline constexpr const char* kViewStaging = "/proc";

// The view of `fs` for `program` (whose ELF interpreter it also shows, as the
// kernel reaches it). Throws std::runtime_error naming the entry when it
// cannot be built: a write entry that does not exist (the program could not
// create it where the run would see it), or more than kMaxBinds trees.
ViewPlan plan_view(const FilesystemSection& fs, const std::string& program);

// Whether `path` (absolute, resolved) exists in the view.
bool in_view(const ViewPlan& plan, const std::string& path);

// In the child before exec, with CAP_SYS_ADMIN (or in a user namespace of its
// own) and before the masks and Landlock: builds the view and makes it the
// root; the working directory is "/" afterwards. Returns 0 or an errno. Only
// system calls, no allocation (the caller is a forked child).
int apply_view(const ViewPlan& plan);

}  // namespace sysgate::fs
