#include "fs/view.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include "fs/landlock.hpp"
#include "fs/path_pattern.hpp"

namespace sysgate::fs {
namespace {

std::string parent_of(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == 0 ? "/" : p.substr(0, slash);
}

std::string staged(const std::string& p) { return p == "/" ? kViewStaging : kViewStaging + p; }

struct Builder {
  std::map<std::string, bool> binds;  // path -> directory
  std::set<std::string> dirs;
  std::map<std::string, std::string> links;

  bool bound(const std::string& p) const {
    return std::any_of(binds.begin(), binds.end(), [&](const auto& b) { return within(p, b.first); });
  }

  // Shows `path` as the kernel walks it: each symlink on the way becomes a
  // link of the view, each directory a skeleton one, the file at the end a
  // bind (an ELF interpreter that the entries do not reach by that name).
  void expose(const std::string& path, int depth = 0) {
    if (depth > 40 || path.empty() || path[0] != '/') return;
    std::filesystem::path rel = std::filesystem::path(path).lexically_normal().relative_path();
    std::string cur = "/";
    for (auto it = rel.begin(); it != rel.end(); ++it) {
      const std::string next = (cur == "/" ? "" : cur) + "/" + it->string();
      if (bound(next)) return;
      struct stat st{};
      if (lstat(next.c_str(), &st) != 0) return;
      if (S_ISLNK(st.st_mode)) {
        char buf[PATH_MAX];
        ssize_t n = readlink(next.c_str(), buf, sizeof buf);
        if (n <= 0) return;
        std::string target(buf, static_cast<std::size_t>(n));
        links[next] = target;
        std::filesystem::path rest;
        for (auto r = std::next(it); r != rel.end(); ++r) rest /= *r;
        std::filesystem::path to = target[0] == '/' ? std::filesystem::path(target) : std::filesystem::path(cur) / target;
        expose((to / rest).lexically_normal().string(), depth + 1);
        return;
      }
      if (S_ISDIR(st.st_mode)) {
        dirs.insert(next);
        cur = next;
        continue;
      }
      if (std::next(it) == rel.end()) binds[next] = false;
      return;
    }
  }
};

}  // namespace

ViewPlan plan_view(const FilesystemSection& section, const std::string& program) {
  ViewPlan plan;
  Builder b;
  std::vector<std::string> named;  // entries whose path, as written, goes through a symlink
  std::set<std::string> bare_dirs;  // directories named without /**: shown, their contents not
  auto add = [&](const std::string& entry, bool write) {
    std::string literal = entry;
    const bool tree = entry == "/**" || (literal.size() > 3 && literal.ends_with("/**"));
    if (tree) literal.resize(entry == "/**" ? 1 : literal.size() - 3);
    std::string real = real_path(literal);
    struct stat st{};
    if (real.empty() || stat(real.c_str(), &st) != 0) {
      if (write)
        throw std::runtime_error("filesystem view: the write entry '" + entry +
                                 "' does not exist, and what the program made there would be outside the view; "
                                 "create it before the run or name the directory that will hold it");
      plan.notes.push_back("'" + entry + "': does not exist, not in the view");
      return;
    }
    if (real != literal) named.push_back(literal);
    if (S_ISDIR(st.st_mode) && !tree) {
      bare_dirs.insert(real);  // the entry allows the directory, not what it holds
      return;
    }
    b.binds[real] = S_ISDIR(st.st_mode);
  };
  for (const auto& e : section.read) add(e, false);
  for (const auto& e : section.exec) add(e, false);
  for (const auto& e : section.write) add(e, true);
  if (b.binds.count("/") != 0) {
    plan.notes.push_back("an entry is the whole tree: the view is the real root");
    return plan;
  }
  plan.present = true;
  // The kernel opens the ELF interpreter by the name the program gives; an
  // entry written through a symlink is reached by that name too.
  for (const std::string& interp : {interpreter_of(program), std::string("/lib64/ld-linux-x86-64.so.2")})
    if (!interp.empty()) b.expose(interp);
  for (const auto& n : named) b.expose(n);
  for (const auto& d : bare_dirs) b.dirs.insert(d);

  // Outermost binds only: a tree bound recursively brings what lies beneath.
  std::vector<std::pair<std::string, bool>> outer;
  for (const auto& bind : b.binds) {  // sorted: a parent comes before its children
    auto covers = [&](const std::pair<std::string, bool>& o) { return o.second && within(bind.first, o.first); };
    if (std::none_of(outer.begin(), outer.end(), covers)) outer.emplace_back(bind);
  }
  b.binds.clear();
  for (const auto& o : outer) b.binds.insert(o);
  if (b.binds.size() > ViewPlan::kMaxBinds)
    throw std::runtime_error("filesystem view: the entries name " + std::to_string(b.binds.size()) +
                             " separate trees, more than " + std::to_string(ViewPlan::kMaxBinds));

  // The directories on the way, and the root.
  for (const auto& [path, dir] : b.binds)
    for (std::string p = parent_of(path); p != "/"; p = parent_of(p)) b.dirs.insert(p);
  for (const auto& [path, target] : b.links)
    for (std::string p = parent_of(path); p != "/"; p = parent_of(p)) b.dirs.insert(p);
  std::erase_if(b.dirs, [&](const std::string& d) { return b.bound(d); });
  std::erase_if(b.links, [&](const auto& l) { return b.bound(l.first); });
  b.dirs.insert("/");

  // Their symlinks that lead into the view (/bin -> usr/bin), so that paths
  // through them reach what they reach outside.
  for (const auto& d : b.dirs) {
    DIR* dir = opendir(d.c_str());
    if (dir == nullptr) continue;
    while (dirent* e = readdir(dir)) {
      if (e->d_type != DT_LNK) continue;
      std::string path = (d == "/" ? "" : d) + "/" + e->d_name;
      std::string to = real_path(path);
      if (to.empty() || !(b.bound(to) || b.dirs.count(to) != 0)) continue;
      char buf[PATH_MAX];
      ssize_t n = readlink(path.c_str(), buf, sizeof buf);
      if (n > 0) b.links.emplace(path, std::string(buf, static_cast<std::size_t>(n)));
    }
    closedir(dir);
  }

  for (const auto& d : b.dirs) {  // sorted: parents first
    struct stat st{};
    if (lstat(d.c_str(), &st) != 0) continue;
    plan.dirs.push_back({d, staged(d), true, st.st_mode & 07777, st.st_uid, st.st_gid, {}});
  }
  for (const auto& [path, dir] : b.binds) plan.binds.push_back({path, staged(path), dir, 0, 0, 0, {}});
  for (const auto& [path, target] : b.links) plan.links.push_back({path, staged(path), false, 0, 0, 0, target});
  return plan;
}

bool in_view(const ViewPlan& plan, const std::string& path) {
  if (!plan.present) return true;
  for (const auto& b : plan.binds)
    if (within(path, b.path)) return true;
  for (const auto& d : plan.dirs)
    if (d.path == path) return true;
  return false;
}

int apply_view(const ViewPlan& plan) {
  if (!plan.present) return 0;
  if (plan.binds.size() > ViewPlan::kMaxBinds) return E2BIG;
  if (unshare(CLONE_NEWNS) != 0) return errno;
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return errno;

  // Every tree is taken before the staging directory is covered.
  int trees[ViewPlan::kMaxBinds];
  std::size_t n = 0;
  auto fail = [&](int e) {
    for (std::size_t i = 0; i < n; ++i)
      if (trees[i] >= 0) close(trees[i]);
    return e;
  };
  for (const auto& b : plan.binds) {
    trees[n] = open_tree(AT_FDCWD, b.path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (trees[n] < 0 && errno != ENOENT) return fail(errno);  // ENOENT: gone since planning, nothing to show
    ++n;
  }
  int fsfd = fsopen("tmpfs", FSOPEN_CLOEXEC);
  if (fsfd < 0) return fail(errno);
  int rc = fsconfig(fsfd, FSCONFIG_SET_STRING, "size", "1m", 0);
  if (rc == 0) rc = fsconfig(fsfd, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0);
  int root = rc == 0 ? fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC) : -1;
  int e = errno;
  close(fsfd);
  if (root < 0) return fail(e);
  if (move_mount(root, "", AT_FDCWD, kViewStaging, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
    e = errno;
    close(root);
    return fail(e);
  }
  for (const auto& d : plan.dirs)
    if (mkdir(d.staged.c_str(), 0700) != 0 && errno != EEXIST) return fail(errno);
  for (const auto& l : plan.links)
    if (symlink(l.target.c_str(), l.staged.c_str()) != 0) return fail(errno);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& b = plan.binds[i];
    if (trees[i] < 0) continue;
    if (b.directory) {
      if (mkdir(b.staged.c_str(), 0700) != 0) return fail(errno);
    } else {
      int f = open(b.staged.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
      if (f < 0) return fail(errno);
      close(f);
    }
    if (move_mount(trees[i], "", AT_FDCWD, b.staged.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0) return fail(errno);
    close(trees[i]);
    trees[i] = -1;
  }
  // The skeleton looks like the directories it stands for, and nothing can be
  // added to it.
  for (auto d = plan.dirs.rbegin(); d != plan.dirs.rend(); ++d) {
    (void)lchown(d->staged.c_str(), d->uid, d->gid);  // fails in a user namespace: the caller's own then
    if (chmod(d->staged.c_str(), d->mode) != 0) return fail(errno);
  }
  mount_attr ro{};
  ro.attr_set = MOUNT_ATTR_RDONLY;
  if (mount_setattr(root, "", AT_EMPTY_PATH, &ro, sizeof ro) != 0) {
    e = errno;
    close(root);
    return fail(e);
  }
  close(root);
  // The view becomes the root; the old root, stacked beneath it by
  // pivot_root(".", "."), is detached (pivot_root(2)).
  if (chdir(kViewStaging) != 0) return errno;
  if (syscall(SYS_pivot_root, ".", ".") != 0) return errno;
  if (umount2(".", MNT_DETACH) != 0) return errno;
  if (chdir("/") != 0) return errno;
  return 0;
}

}  // namespace sysgate::fs
