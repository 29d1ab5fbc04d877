// Every task (thread) of the sandboxed tree the supervisor knows, with its
// thread group, the address space it shares, and what its next syscall-exit
// stop must do. Counters that depend on tasks (tasks per address space,
// vfork parents asleep, task creations in flight) are kept here and nowhere
// else, so that one event can never leave them half-updated.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "compile/plan.hpp"
#include "report/event_log.hpp"
#include "trace/address_space.hpp"
#include "trace/checked_copy.hpp"
#include "trace/injected_call.hpp"

namespace sysgate::trace {

struct Task {
  pid_t tgid = 0;
  std::shared_ptr<AddressSpace> memory;
  pid_t vfork_parent = 0;      // a vfork child until it execs or exits: its parent sleeps
  bool creating_task = false;  // in a fork/clone the supervisor counts (see TaskTable::pending_tasks)
  // Ptrace engine: resumed from its syscall-entry stop, so its next syscall
  // stop is that call's exit (the kernel reports entry and exit in pairs;
  // event stops in between are not syscall stops). A new task, or one after
  // exec, starts with false: its next stop is read.
  bool in_call = false;
  // What the next syscall-exit stop does:
  std::optional<long> pending_return;    // ptrace engine: a skipped call returns this
  std::optional<HeldCopy> copy;          // registers to restore, region space to give back
  bool check_opened_fd = false;          // a /proc/PID/mem opened for writing is refused
  std::optional<InjectedCall> injection; // a call of ours is running in its place
  bool wants_result = false;             // its logged event waits for the call's result
  std::optional<report::CallEvent> pending_event;
};

class TaskTable {
 public:
  explicit TaskTable(compile::ScratchLayout layout) : layout_(layout) {}

  Task* find(pid_t tid);
  // A task seen for the first time, by its first stop or by its creator's
  // fork/clone event (`creator`, 0 when not known yet): which thread group it
  // is in and which memory it shares are read from the kernel, not guessed.
  Task& add(pid_t tid, pid_t creator = 0);
  // The task is gone: what it held is given back.
  void remove(pid_t tid);
  // `tid` (called `former` before a non-leader exec) now runs a new program
  // in a new address space; the other threads of its group are gone.
  Task& exec(pid_t tid, pid_t former);
  // A vfork parent goes to sleep until `child` execs or exits.
  void vfork_started(pid_t parent, pid_t child);

  // A task that exited before anyone announced it: its creator's event must not add it.
  void reaped_unknown(pid_t tid) { reaped_unknown_.insert(tid); }
  bool forget_if_reaped(pid_t tid) { return reaped_unknown_.erase(tid) > 0; }

  std::size_t size() const { return tasks_.size(); }
  bool empty() const { return tasks_.empty(); }
  std::vector<pid_t> tgids() const;
  std::vector<pid_t> tids() const;
  void clear();

  // Allowed fork/clone calls whose child has not appeared yet (process limit).
  std::uint64_t pending_tasks = 0;

 private:
  std::shared_ptr<AddressSpace> memory_of(pid_t tid, pid_t tgid, pid_t creator_tid, const Task* creator);
  void leave_memory(Task& t);

  compile::ScratchLayout layout_;
  std::unordered_map<pid_t, Task> tasks_;
  std::set<pid_t> reaped_unknown_;
};

}  // namespace sysgate::trace
