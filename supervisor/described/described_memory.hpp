// The memory of a described call (call_description.hpp): its quoted paths
// resolved as the kernel would resolve them for this process, from its
// working directory and root, on this machine now (fs::resolve_path on
// getpid()), and its socket addresses as written. A pointer the description
// gave as a number (NULL, 0x1000) cannot be read: EFAULT, as a program
// passing it would get.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compile/plan.hpp"
#include "described/call_description.hpp"
#include "fs/access_table.hpp"

namespace sysgate::described {

class DescribedMemory : public compile::CallMemory {
 public:
  explicit DescribedMemory(const DescribedCall& call);

  const fs::ResolvedPath* path(int index, int& error) override;
  const fs::ResolvedPath* named_path(int index, int& error) override;
  const fs::ResolvedPath* redirect(int index, const std::string& to, int& error) override;
  const fs::ResolvedPath* resolve(const std::string& path, bool follow_last, int& error) override;
  const std::vector<net::SocketAddress>* addresses(int& error) override;

 private:
  fs::PathArg how(int index) const;

  const DescribedCall& call_;
  int pid_;
  std::map<int, std::pair<std::optional<fs::ResolvedPath>, int>> paths_;
  std::map<int, fs::ResolvedPath> named_;
  std::map<std::string, std::pair<std::optional<fs::ResolvedPath>, int>> extra_paths_;
  std::optional<std::pair<std::optional<std::vector<net::SocketAddress>>, int>> addresses_;
};

}  // namespace sysgate::described
