#include "fs/path_resolver.hpp"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <vector>

#include "fs/path_pattern.hpp"

namespace sysgate::fs {
namespace {

constexpr int kMaxLinks = 40;  // the kernel's MAXSYMLINKS

std::optional<std::string> read_link(const std::string& p) {
  char buf[PATH_MAX];
  ssize_t n = readlink(p.c_str(), buf, sizeof buf);
  if (n < 0) return std::nullopt;
  return std::string(buf, static_cast<std::size_t>(n));
}

std::string join(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& c : parts) s += "/" + c;
  return s.empty() ? "/" : s;
}

// A magic link's target that is no file system path: "pipe:[12]",
// "anon_inode:[eventfd]", "/memfd:x (deleted)", "/tmp/f (deleted)".
bool not_a_path(const std::string& target) {
  if (target.empty() || target[0] != '/') return true;
  static const std::string deleted = " (deleted)";
  return target.size() > deleted.size() && target.compare(target.size() - deleted.size(), deleted.size(), deleted) == 0;
}

}  // namespace

std::optional<ResolvedPath> resolve_path(pid_t tgid, pid_t tid, int dirfd, const std::string& path, bool follow_last,
                                         bool empty_path_ok, bool through_missing, int* error) {
  auto fail = [error](int e) -> std::optional<ResolvedPath> {
    if (error != nullptr) *error = e;
    return std::nullopt;
  };
  const std::string proc = "/proc/" + std::to_string(tid);
  // Walked in the supervisor's own view, from the caller's root as the
  // supervisor sees it ("/" unless it chrooted, in a user namespace of its
  // own). Its mount namespace is a private copy of ours that differs only by
  // the masks over deny entries (masked_paths.hpp; Landlock forbids the
  // program mounts of its own), and the policy decides on the files beneath
  // those masks: a denied path inside a masked tree is still named and
  // reported as the policy's denial, and a chrooted caller's paths are named
  // as the files they are.
  auto root_link = read_link(proc + "/root");
  if (!root_link || not_a_path(*root_link)) return fail(ESRCH);
  const std::vector<std::string> root_parts = components(*root_link);
  const std::size_t k = root_parts.size();
  std::vector<std::string> cur = root_parts;
  std::string walk_start = join(cur);
  if (path.empty() || path[0] != '/') {
    if (path.empty() && !empty_path_ok) return fail(ENOENT);
    auto base = read_link(dirfd == kCwd ? proc + "/cwd" : proc + "/fd/" + std::to_string(dirfd));
    if (!base) return fail(EBADF);
    if (path.empty()) {
      std::string p = not_a_path(*base) ? *base : normalize(*base);
      return ResolvedPath{p, true, !not_a_path(*base), true, {}, p};
    }
    if (not_a_path(*base)) return ResolvedPath{*base, true, false, false, {}, *base};
    cur = components(*base);
    walk_start = join(cur);
  }
  std::deque<std::string> todo;
  for (auto& c : components(path)) todo.push_back(std::move(c));
  // "dir/" must be a directory: the kernel follows a trailing symlink then.
  if (!path.empty() && path.back() == '/') follow_last = true;
  int links = 0;
  bool exists = true;
  while (!todo.empty()) {
    std::string c = std::move(todo.front());
    todo.pop_front();
    if (c == ".") continue;
    if (c == "..") {
      if (!cur.empty() && cur != root_parts) cur.pop_back();  // `..` of the root is the root
      continue;
    }
    cur.push_back(std::move(c));
    // /proc/self and /proc/thread-self mean the caller, not the supervisor.
    // Both are symlinks: following one counts toward the kernel's limit.
    const bool proc_self = cur.size() == k + 2 && cur[k] == "proc" && (cur[k + 1] == "self" || cur[k + 1] == "thread-self");
    if (proc_self && (!todo.empty() || follow_last) && ++links > kMaxLinks) return fail(ELOOP);
    if (cur.size() == k + 2 && cur[k] == "proc" && cur[k + 1] == "self") {
      cur[k + 1] = std::to_string(tgid);
      continue;
    }
    if (cur.size() == k + 2 && cur[k] == "proc" && cur[k + 1] == "thread-self") {
      cur[k + 1] = std::to_string(tgid);
      cur.push_back("task");
      cur.push_back(std::to_string(tid));
      continue;
    }
    bool last = todo.empty();
    struct stat st{};
    if (lstat(join(cur).c_str(), &st) != 0) {
      if (last) {
        exists = false;
        break;
      }
      if (!through_missing || errno != ENOENT) return fail(errno);  // ENOENT or ENOTDIR on the way: the kernel fails it
      for (auto& rest : todo) {
        if (rest == "..") {
          if (!cur.empty() && cur != root_parts) cur.pop_back();
        } else if (rest != ".") {
          cur.push_back(std::move(rest));
        }
      }
      exists = false;
      break;
    }
    if (!S_ISLNK(st.st_mode) || (last && !follow_last)) continue;
    if (++links > kMaxLinks) return fail(ELOOP);
    auto target = read_link(join(cur));
    if (!target) return fail(ENOENT);
    bool magic = cur.size() >= k + 3 && cur[k] == "proc";
    if (magic && not_a_path(*target)) {
      if (!last) return fail(ENOTDIR);
      return ResolvedPath{*target, true, false, false, {}, *target};
    }
    cur.pop_back();
    // A magic link's target is named in the supervisor's view already; a
    // symlink's absolute target starts at the caller's root.
    if (!target->empty() && (*target)[0] == '/') {
      cur = magic ? std::vector<std::string>{} : root_parts;
      walk_start = magic ? normalize(*target) : join(root_parts);
    }
    auto parts = components(*target);
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) todo.push_front(*it);
  }
  ResolvedPath out{join(cur), exists, true, false, {}, walk_start};
  if (k == 0 && cur.size() >= 2 && cur[0] == "proc" && cur[1] == std::to_string(tgid)) {
    cur[1] = "self";
    out.self_alias = join(cur);
  }
  return out;
}

}  // namespace sysgate::fs
