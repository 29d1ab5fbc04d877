// The paths and socket addresses of one stopped call, read from the tracee's
// memory and resolved on first use (see compile::CallMemory).
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compile/plan.hpp"

namespace sysgate::trace {

class TraceeCallMemory : public compile::CallMemory {
 public:
  // `shared_maps`: the process has memory shared with other processes; an
  // argument read from such memory is refused (EFAULT), as another process
  // could rewrite it after the check.
  TraceeCallMemory(pid_t tgid, pid_t tid, Abi abi, std::string call, const std::uint64_t args[6], bool shared_maps);

  const fs::ResolvedPath* path(int index, int& error) override;
  const fs::ResolvedPath* resolve(const std::string& path, bool follow_last, int& error) override;
  const std::vector<net::SocketAddress>* addresses(int& error) override;

  // What was read, for logs and reports: {"path": "/etc/shadow", "addr": "127.0.0.1:80"}.
  std::map<std::string, std::string> seen() const;

 private:
  std::optional<net::SocketAddress> read_address(std::uint64_t ptr, std::uint64_t len, int& error);

  bool in_shared_memory(std::uint64_t address, std::uint64_t size);
  pid_t tgid_, tid_;
  bool shared_maps_;
  Abi abi_;
  std::string call_;
  std::uint64_t args_[6];
  std::map<int, std::pair<std::optional<fs::ResolvedPath>, int>> paths_;
  std::map<std::string, std::pair<std::optional<fs::ResolvedPath>, int>> extra_paths_;
  std::optional<std::pair<std::optional<std::vector<net::SocketAddress>>, int>> addresses_;
};

}  // namespace sysgate::trace
