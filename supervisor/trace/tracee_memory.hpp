// Reading a stopped tracee's memory: bounded and fault-tolerant. A pointer
// that cannot be read yields nothing (the kernel would fail the call with
// EFAULT), never a crash of the supervisor.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace sysgate::trace {

// A NUL-terminated string shorter than `max` bytes (PATH_MAX for paths), as
// the kernel's getname() reads it: `error` is EFAULT when a byte before the
// NUL cannot be read, ENAMETOOLONG when `max` bytes hold no NUL, ESRCH when
// the task is exiting (its call will never run).
std::optional<std::string> read_string(pid_t tid, std::uint64_t address, int& error, std::size_t max = 4096);
// Exactly `size` bytes (errno ESRCH when the task is exiting).
std::optional<std::string> read_bytes(pid_t tid, std::uint64_t address, std::size_t size);

}  // namespace sysgate::trace
