// Reading a stopped tracee's memory: bounded and fault-tolerant. A pointer
// that cannot be read yields nothing (the kernel would fail the call with
// EFAULT), never a crash of the supervisor.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace sysgate::trace {

// A NUL-terminated string of at most `max` bytes (PATH_MAX for paths).
std::optional<std::string> read_string(pid_t tid, std::uint64_t address, std::size_t max = 4096);
// Exactly `size` bytes.
std::optional<std::string> read_bytes(pid_t tid, std::uint64_t address, std::size_t size);

}  // namespace sysgate::trace
