// Space in a tracee's scratch region (see docs/race-safety.md): each copied
// call takes what its checked bytes need and gives it back at its exit stop.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

namespace sysgate::trace {

class ScratchArena {
 public:
  static constexpr std::uint64_t kGranule = 16;  // keeps msghdr copies aligned

  explicit ScratchArena(std::uint64_t size);

  // An offset into the region, or nothing when it is full.
  std::optional<std::uint64_t> take(std::uint64_t bytes);
  void give_back(std::uint64_t offset, std::uint64_t bytes);
  std::uint64_t free_bytes() const;

 private:
  static std::uint64_t rounded(std::uint64_t bytes) { return (bytes + kGranule - 1) / kGranule * kGranule; }
  std::map<std::uint64_t, std::uint64_t> free_;  // offset -> size, never adjacent
};

}  // namespace sysgate::trace
