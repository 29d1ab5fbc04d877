// One tracee address space (an mm: the tasks that share memory). The task
// table gives every task a pointer to its AddressSpace; this file owns what
// the supervisor knows and keeps open about that memory: how many tasks could
// race a check, the scratch region where checked arguments are copied, and
// the /proc descriptors used to query and write it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "compile/plan.hpp"
#include "trace/scratch_arena.hpp"

namespace sysgate::trace {

// Whether this kernel refuses to open a running executable for writing
// (ETXTBSY): probed once on sysgate's own binary.
bool executable_is_write_protected();


class AddressSpace {
 public:
  enum class Region : std::uint8_t {
    Unknown,      // not looked at yet (a forked copy may have inherited it)
    Absent,       // to be made by an injected mmap
    Ready,        // mapped, read-only to the program, ours to write
    Unavailable,  // something else occupies the address: racy calls are refused
  };

  // Every call names a live task of this address space (`tid`): the /proc
  // descriptors are opened through the first one used and kept.
  explicit AddressSpace(compile::ScratchLayout layout);
  ~AddressSpace();
  AddressSpace(const AddressSpace&) = delete;
  AddressSpace& operator=(const AddressSpace&) = delete;

  int tasks = 0;          // live tasks using this memory
  int vfork_waiters = 0;  // of them, parents asleep in vfork() until a child execs or exits
  // Another task could write this memory while a call is stopped.
  bool shared() const { return tasks - vfork_waiters > 1; }

  // True when [address, address + size) lies entirely in memory that nothing
  // but this address space's own tasks can change: private anonymous memory,
  // or a private mapping of the running executable, which the kernel keeps
  // anyone from writing while it runs (ETXTBSY; probed once, see
  // executable_is_write_protected). Files other than the executable, and
  // shared memory, could be written by another process.
  bool private_to(pid_t tid, std::uint64_t address, std::uint64_t size);

  Region region(pid_t tid);  // resolves Unknown by looking at the mapping at the region's address
  void set_region(Region r) { region_ = r; }
  // After an injected mmap failed with EEXIST: is what is there our region
  // (inherited over fork, or made by a sibling's injection)?
  bool region_mapped(pid_t tid);
  const compile::ScratchLayout& layout() const { return layout_; }
  ScratchArena& arena() { return arena_; }

  // Writes into the region through /proc/PID/mem (the program maps it read-only).
  bool write(pid_t tid, std::uint64_t address, const std::string& bytes);
  bool read(pid_t tid, std::uint64_t address, void* out, std::size_t size);

 private:
  int maps_fd(pid_t tid);
  int mem_fd(pid_t tid);

  compile::ScratchLayout layout_;
  Region region_ = Region::Unknown;
  ScratchArena arena_;
  int maps_ = -1, mem_ = -1;
  bool exe_known_ = false;
  std::uint64_t exe_dev_ = 0, exe_ino_ = 0;  // of /proc/TID/exe, when known
};

}  // namespace sysgate::trace
