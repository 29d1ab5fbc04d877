#include "trace/scratch_arena.hpp"

#include <iterator>

namespace sysgate::trace {

ScratchArena::ScratchArena(std::uint64_t size) {
  if (size >= kGranule) free_.emplace(0, size / kGranule * kGranule);
}

std::optional<std::uint64_t> ScratchArena::take(std::uint64_t bytes) {
  const std::uint64_t need = rounded(bytes == 0 ? 1 : bytes);
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    if (it->second < need) continue;
    std::uint64_t offset = it->first;
    std::uint64_t left = it->second - need;
    free_.erase(it);
    if (left > 0) free_.emplace(offset + need, left);
    return offset;
  }
  return std::nullopt;
}

void ScratchArena::give_back(std::uint64_t offset, std::uint64_t bytes) {
  std::uint64_t size = rounded(bytes == 0 ? 1 : bytes);
  auto next = free_.lower_bound(offset);
  if (next != free_.end() && offset + size == next->first) {  // join the following block
    size += next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == offset) {  // join the preceding block
      prev->second += size;
      return;
    }
  }
  free_.emplace(offset, size);
}

std::uint64_t ScratchArena::free_bytes() const {
  std::uint64_t n = 0;
  for (const auto& [offset, size] : free_) n += size;
  return n;
}

}  // namespace sysgate::trace
