#include "fs/masked_paths.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include "fs/path_pattern.hpp"
#include "policy/capabilities.hpp"

namespace sysgate::fs {

MaskPlan plan_masks(const FilesystemSection& fs) {
  MaskPlan plan;
  for (const auto& entry : fs.deny) {
    std::string literal = entry;
    if (literal.size() > 3 && literal.ends_with("/**")) literal.resize(literal.size() - 3);
    if (literal.find('*') != std::string::npos) {
      plan.notes.push_back("deny '" + entry + "': a glob, enforced by the supervisor's check alone");
      continue;
    }
    // Patterns match resolved paths, and a deny entry also denies its inode:
    // the node to cover is what the path leads to.
    char real[PATH_MAX];
    struct stat st{};
    if (realpath(literal.c_str(), real) == nullptr || stat(real, &st) != 0) {
      plan.notes.push_back("deny '" + entry + "': does not exist yet, enforced by the supervisor's check alone");
      continue;
    }
    if (std::string(real) == "/") {
      plan.notes.push_back("deny '" + entry + "': the root cannot be masked, enforced by the supervisor's check alone");
      continue;
    }
    plan.masks.push_back({real, S_ISDIR(st.st_mode)});
  }
  // A path beneath a masked directory is already unreachable, and could not be
  // mounted on once its parent is masked: keep the outermost masks only.
  std::sort(plan.masks.begin(), plan.masks.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  std::vector<MaskedPath> outermost;
  for (auto& m : plan.masks) {
    bool covered = std::any_of(outermost.begin(), outermost.end(), [&](const MaskedPath& o) {
      return m.path == o.path || (o.directory && m.path.starts_with(o.path + "/"));
    });
    if (!covered) outermost.push_back(std::move(m));
  }
  plan.masks = std::move(outermost);
  return plan;
}

bool can_mask() { return policy::has_effective_capability(CAP_SYS_ADMIN); }

int apply_masks(const MaskPlan& plan) {
  if (plan.masks.empty()) return 0;
  if (unshare(CLONE_NEWNS) != 0) return errno;
  // Nothing done below may reach the caller's namespace, and nothing mounted
  // there later may uncover a mask.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return errno;

  // One detached tmpfs: its root (mode 000) masks directories, the empty file
  // `f` (mode 000) masks files. Without capabilities the program cannot enter
  // or open either, even as uid 0; read-only, so it cannot fill them either.
  int fsfd = fsopen("tmpfs", FSOPEN_CLOEXEC);
  if (fsfd < 0) return errno;
  int rc = fsconfig(fsfd, FSCONFIG_SET_STRING, "mode", "0", 0);
  if (rc == 0) rc = fsconfig(fsfd, FSCONFIG_SET_STRING, "size", "4k", 0);
  if (rc == 0) rc = fsconfig(fsfd, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0);
  int mnt = rc == 0 ? fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC) : -1;
  int e = errno;
  close(fsfd);
  if (mnt < 0) return e;
  int file = openat(mnt, "f", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0);
  if (file < 0) {
    e = errno;
    close(mnt);
    return e;
  }
  close(file);
  mount_attr ro{};
  ro.attr_set = MOUNT_ATTR_RDONLY;
  if (mount_setattr(mnt, "", AT_EMPTY_PATH, &ro, sizeof ro) != 0) {
    e = errno;
    close(mnt);
    return e;
  }
  for (const auto& m : plan.masks) {
    int tree = m.directory ? open_tree(mnt, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)
                           : open_tree(mnt, "f", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (tree < 0) {
      e = errno;
      close(mnt);
      return e;
    }
    // The target was resolved at planning time; a symlink put in its place
    // since must not redirect the mask (move_mount does not follow it).
    if (move_mount(tree, "", AT_FDCWD, m.path.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0) {
      e = errno;
      close(tree);
      // Gone since planning (another user's home removed meanwhile): nothing
      // is there to mask, as for an entry that never existed, and the
      // supervisor's check still refuses the path.
      if (e == ENOENT) continue;
      close(mnt);
      return e;
    }
    close(tree);
  }
  close(mnt);
  return 0;
}

}  // namespace sysgate::fs
