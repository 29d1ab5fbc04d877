#include "trace/checked_copy.hpp"

#include <cstring>

namespace sysgate::trace {
namespace {

constexpr std::size_t kAlign = 16;

std::size_t place(std::string& image, const std::string& bytes) {
  image.resize((image.size() + kAlign - 1) / kAlign * kAlign, '\0');
  std::size_t at = image.size();
  image += bytes;
  return at;
}

}  // namespace

CopyImage lay_out(const std::vector<CheckedBytes>& checked, std::uint64_t at, bool word64) {
  CopyImage out;
  for (const auto& c : checked) {
    std::size_t where = place(out.bytes, c.bytes);
    out.args.emplace_back(c.arg, at + where);
    if (c.stride == 0) continue;
    out.headers = at + where;
    for (std::size_t i = 0; i < c.count && i < c.names.size(); ++i) {
      const auto& [program_name, name] = c.names[i];
      if (program_name == 0) continue;
      std::uint64_t copied = at + place(out.bytes, name);
      // msg_name is the first word of a header.
      std::memcpy(out.bytes.data() + where + i * c.stride, &copied, word64 ? 8 : 4);
    }
  }
  return out;
}

}  // namespace sysgate::trace
