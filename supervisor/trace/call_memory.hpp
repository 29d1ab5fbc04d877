// The paths and socket addresses of one stopped call, read from the tracee's
// memory and resolved on first use (see compile::CallMemory). Every byte a
// decision read is kept, so that copy-on-check can hand the kernel exactly
// those bytes (trace/checked_copy.hpp).
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compile/plan.hpp"

namespace sysgate::trace {

// Bytes a decision read, and where the program keeps them.
struct CheckedBytes {
  int arg = 0;                // the argument register that points at them
  std::uint64_t address = 0;  // in the program's memory
  std::string bytes;          // exactly what was checked (a path with its NUL)
  // sendmsg/sendmmsg: `bytes` are `count` message headers of `stride` bytes;
  // names[i] is the checked msg_name of header i (empty: none).
  std::size_t stride = 0, count = 0;
  std::vector<std::pair<std::uint64_t, std::string>> names;
  bool redirected = false;  // `bytes` are a redirect's new path, not the program's
};

class TraceeCallMemory : public compile::CallMemory {
 public:
  // At most this many sendmmsg messages are checked (and sent) per call.
  static constexpr std::uint64_t kMaxMessages = 64;

  TraceeCallMemory(pid_t tgid, pid_t tid, Abi abi, std::string call, const std::uint64_t args[6]);

  const fs::ResolvedPath* path(int index, int& error) override;
  const fs::ResolvedPath* named_path(int index, int& error) override;
  const fs::ResolvedPath* redirect(int index, const std::string& to, int& error) override;
  const fs::ResolvedPath* resolve(const std::string& path, bool follow_last, int& error) override;
  const std::vector<net::SocketAddress>* addresses(int& error) override;

  // What was read, for logs and reports: {"path": "/etc/shadow", "addr": "127.0.0.1:80"}.
  std::map<std::string, std::string> seen() const;
  // Every argument whose bytes a decision depended on.
  const std::vector<CheckedBytes>& checked() const { return checked_; }
  // Whether a redirect changed a path: the kernel must then be given the copy.
  bool redirected() const;
  // The sendmmsg count the check covered (the register must say the same).
  std::optional<std::uint64_t> message_count() const { return message_count_; }

 private:
  std::optional<net::SocketAddress> read_address(std::uint64_t ptr, std::uint64_t len, int& error,
                                                 std::string* raw);

  pid_t tgid_, tid_;
  Abi abi_;
  std::string call_;
  std::uint64_t args_[6];
  std::map<int, std::pair<std::optional<fs::ResolvedPath>, int>> paths_;
  std::map<int, fs::ResolvedPath> named_;  // named_path() where path() failed with ENOENT
  std::map<std::string, std::pair<std::optional<fs::ResolvedPath>, int>> extra_paths_;
  std::optional<std::pair<std::optional<std::vector<net::SocketAddress>>, int>> addresses_;
  std::vector<CheckedBytes> checked_;
  std::optional<std::uint64_t> message_count_;
};

}  // namespace sysgate::trace
