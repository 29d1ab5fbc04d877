// Capability names (CAP_CHOWN ... CAP_CHECKPOINT_RESTORE) and sets of them as
// 64-bit masks (bit N = capability N), for the policy's `capabilities` key and
// the command line's --keep-caps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sysgate::policy {

// The highest capability number this sysgate knows (CAP_LAST_CAP of its headers).
int last_capability();
// "CAP_CHOWN" for 0; nullptr beyond last_capability().
const char* capability_name(int cap);
// The number of a capability: "CAP_CHOWN", "cap_chown" and "CHOWN" all give 0.
std::optional<int> capability_from_name(std::string_view name);
// Every known name, with its CAP_ prefix (for suggestions).
std::vector<std::string_view> capability_names();
// Every capability this sysgate knows, as a mask (what `all` means).
std::uint64_t all_capabilities();
// "CAP_CHOWN,CAP_FOWNER", "all" or "" for none: a mask. Throws
// std::invalid_argument naming an unknown entry (with a did-you-mean).
std::uint64_t parse_capabilities(const std::string& comma_separated);
// The names in a mask, comma-separated ("" for none).
std::string capabilities_text(std::uint64_t mask);
// The names in a mask, in capability order.
std::vector<std::string> capabilities_list(std::uint64_t mask);
// Whether this process has capability `cap` (CAP_SYS_PTRACE, ...) in its effective set.
bool has_effective_capability(int cap);

}  // namespace sysgate::policy
