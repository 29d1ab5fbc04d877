#include "trace/tracee_memory.hpp"

#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sysgate::trace {
namespace {

constexpr std::uint64_t kPage = 4096;

// Reads up to `size` bytes without crossing into an unmapped page: a string
// may end just before one.
ssize_t read_some(pid_t tid, std::uint64_t address, char* out, std::size_t size) {
  iovec local{out, size};
  iovec remote{reinterpret_cast<void*>(address), size};
  return process_vm_readv(tid, &local, 1, &remote, 1, 0);
}

}  // namespace

std::optional<std::string> read_string(pid_t tid, std::uint64_t address, int& error, std::size_t max) {
  error = EFAULT;
  if (address == 0) return std::nullopt;
  std::string out;
  char buf[kPage];
  while (out.size() < max) {
    std::size_t chunk = kPage - (address % kPage);  // to the end of this page
    if (chunk > max - out.size()) chunk = max - out.size();
    ssize_t n = read_some(tid, address, buf, chunk);
    if (n <= 0) {
      if (n < 0 && errno == ESRCH) error = ESRCH;  // the task is exiting: its memory is gone
      return std::nullopt;
    }
    const void* nul = std::memchr(buf, '\0', static_cast<std::size_t>(n));
    if (nul != nullptr) {
      out.append(buf, static_cast<const char*>(nul) - buf);
      return out;
    }
    out.append(buf, static_cast<std::size_t>(n));
    address += static_cast<std::uint64_t>(n);
  }
  error = ENAMETOOLONG;
  return std::nullopt;
}

std::optional<std::string> read_bytes(pid_t tid, std::uint64_t address, std::size_t size) {
  if (address == 0 && size > 0) return std::nullopt;
  std::string out(size, '\0');
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = read_some(tid, address + done, out.data() + done, size - done);
    if (n <= 0) return std::nullopt;
    done += static_cast<std::size_t>(n);
  }
  return out;
}

}  // namespace sysgate::trace
