#include "trace/task_table.hpp"

#include <linux/kcmp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <set>

namespace sysgate::trace {
namespace {

pid_t read_tgid(pid_t tid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/status", tid);
  std::FILE* f = std::fopen(path, "re");
  if (f == nullptr) return tid;
  char line[256];
  pid_t tgid = tid;
  while (std::fgets(line, sizeof line, f) != nullptr)
    if (std::sscanf(line, "Tgid: %d", &tgid) == 1) break;
  std::fclose(f);
  return tgid;
}

// The thread group of `tid`, made by a task of group `creator_tgid`: a new
// task is either a thread of its creator's group (CLONE_THREAD) or the leader
// of a group of its own. tgkill with signal 0 tells which in one call, where
// reading /proc/TID/status takes four and the kernel formats the whole file.
// The task is our tracee and not yet reaped, so its id names nobody else.
pid_t tgid_of_new(pid_t tid, pid_t creator_tgid) {
  if (syscall(SYS_tgkill, creator_tgid, tid, 0) == 0) return creator_tgid;
  return errno == ESRCH ? tid : read_tgid(tid);
}

// 1: same memory, 0: not, -1: cannot tell (no kcmp, or a task is gone).
int same_memory(pid_t a, pid_t b) {
  long r = syscall(SYS_kcmp, a, b, KCMP_VM, 0, 0);
  return r < 0 ? -1 : (r == 0 ? 1 : 0);
}

}  // namespace

Task* TaskTable::find(pid_t tid) {
  auto it = tasks_.find(tid);
  return it == tasks_.end() ? nullptr : &it->second;
}

std::shared_ptr<AddressSpace> TaskTable::memory_of(pid_t tid, pid_t tgid, pid_t creator_tid, const Task* creator) {
  if (creator != nullptr) {
    // A thread shares its group's memory (CLONE_THREAD needs CLONE_VM);
    // another child its creator's only if made with CLONE_VM (vfork, posix_spawn).
    if (tgid == creator->tgid || same_memory(tid, creator_tid) == 1) return creator->memory;
    return std::make_shared<AddressSpace>(layout_);
  }
  // Its first stop came before its creator's event: its group's memory, or
  // else compare with every address space.
  for (const auto& [other, t] : tasks_)
    if (t.tgid == tgid && other != tid) return t.memory;
  std::set<AddressSpace*> seen;
  for (const auto& [other, t] : tasks_)
    if (other != tid && seen.insert(t.memory.get()).second && same_memory(tid, other) == 1) return t.memory;
  return std::make_shared<AddressSpace>(layout_);
}

Task& TaskTable::add(pid_t tid, pid_t creator) {
  if (Task* t = find(tid)) return *t;
  const Task* c = creator != 0 ? find(creator) : nullptr;
  Task t;
  t.tgid = c != nullptr ? tgid_of_new(tid, c->tgid) : read_tgid(tid);
  t.memory = memory_of(tid, t.tgid, creator, c);
  ++t.memory->tasks;
  return tasks_.emplace(tid, std::move(t)).first->second;
}

void TaskTable::leave_memory(Task& t) {
  if (!t.memory) return;
  if (t.vfork_parent != 0) {
    // The parent shares this memory and wakes now.
    --t.memory->vfork_waiters;
    t.vfork_parent = 0;
  }
  if (t.copy && t.copy->size > 0) t.memory->arena().give_back(t.copy->offset, t.copy->size);
  t.copy.reset();
  --t.memory->tasks;
  t.memory.reset();
}

void TaskTable::remove(pid_t tid) {
  auto it = tasks_.find(tid);
  if (it == tasks_.end()) return;
  Task& t = it->second;
  if (t.creating_task) --pending_tasks;
  leave_memory(t);
  tasks_.erase(it);
}

Task& TaskTable::exec(pid_t tid, pid_t former) {
  Task* before = find(former);
  pid_t tgid = before != nullptr ? before->tgid : tid;
  std::vector<pid_t> gone;
  for (const auto& [other, t] : tasks_)
    if (t.tgid == tgid) gone.push_back(other);
  for (pid_t g : gone) remove(g);
  Task t;
  t.tgid = tid;
  t.memory = std::make_shared<AddressSpace>(layout_);
  t.memory->tasks = 1;
  return tasks_.emplace(tid, std::move(t)).first->second;
}

void TaskTable::vfork_started(pid_t parent, pid_t child) {
  Task* c = find(child);
  Task* p = find(parent);
  if (c == nullptr || p == nullptr || c->vfork_parent != 0 || c->memory != p->memory) return;
  c->vfork_parent = parent;
  ++c->memory->vfork_waiters;
}

std::vector<pid_t> TaskTable::tgids() const {
  std::set<pid_t> s;
  for (const auto& [tid, t] : tasks_) s.insert(t.tgid);
  return {s.begin(), s.end()};
}

std::vector<pid_t> TaskTable::tids() const {
  std::vector<pid_t> out;
  for (const auto& [tid, t] : tasks_) out.push_back(tid);
  return out;
}

void TaskTable::clear() {
  for (pid_t tid : tids()) remove(tid);
  reaped_unknown_.clear();
  pending_tasks = 0;
}

}  // namespace sysgate::trace
