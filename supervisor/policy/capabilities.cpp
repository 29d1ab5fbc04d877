#include "policy/capabilities.hpp"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cctype>
#include <iterator>
#include <stdexcept>

#include "policy/suggest.hpp"

namespace sysgate::policy {
namespace {

// capabilities(7), by number.
// clang-format off
constexpr const char* kNames[] = {
    /*  0 */ "CAP_CHOWN",             "CAP_DAC_OVERRIDE",      "CAP_DAC_READ_SEARCH",   "CAP_FOWNER",
    /*  4 */ "CAP_FSETID",            "CAP_KILL",              "CAP_SETGID",            "CAP_SETUID",
    /*  8 */ "CAP_SETPCAP",           "CAP_LINUX_IMMUTABLE",   "CAP_NET_BIND_SERVICE",  "CAP_NET_BROADCAST",
    /* 12 */ "CAP_NET_ADMIN",         "CAP_NET_RAW",           "CAP_IPC_LOCK",          "CAP_IPC_OWNER",
    /* 16 */ "CAP_SYS_MODULE",        "CAP_SYS_RAWIO",         "CAP_SYS_CHROOT",        "CAP_SYS_PTRACE",
    /* 20 */ "CAP_SYS_PACCT",         "CAP_SYS_ADMIN",         "CAP_SYS_BOOT",          "CAP_SYS_NICE",
    /* 24 */ "CAP_SYS_RESOURCE",      "CAP_SYS_TIME",          "CAP_SYS_TTY_CONFIG",    "CAP_MKNOD",
    /* 28 */ "CAP_LEASE",             "CAP_AUDIT_WRITE",       "CAP_AUDIT_CONTROL",     "CAP_SETFCAP",
    /* 32 */ "CAP_MAC_OVERRIDE",      "CAP_MAC_ADMIN",         "CAP_SYSLOG",            "CAP_WAKE_ALARM",
    /* 36 */ "CAP_BLOCK_SUSPEND",     "CAP_AUDIT_READ",        "CAP_PERFMON",           "CAP_BPF",
    /* 40 */ "CAP_CHECKPOINT_RESTORE",
};
// clang-format on
constexpr int kCount = static_cast<int>(std::size(kNames));
// The table follows the headers sysgate is built with: a newer header adds a
// capability this table must name (tests/units_test.cpp checks each number).
static_assert(kCount == CAP_LAST_CAP + 1, "capability table out of date with <linux/capability.h>");
static_assert(kCount <= 64, "capabilities must fit a 64-bit mask");

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// "CAP_X" for "x" and "cap_x".
std::string canonical(std::string_view name) {
  std::string u = upper(name);
  return u.compare(0, 4, "CAP_") == 0 ? u : "CAP_" + u;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

int last_capability() { return kCount - 1; }

const char* capability_name(int cap) { return cap >= 0 && cap < kCount ? kNames[cap] : nullptr; }

std::optional<int> capability_from_name(std::string_view name) {
  std::string u = canonical(name);
  for (int i = 0; i < kCount; ++i)
    if (u == kNames[i]) return i;
  return std::nullopt;
}

std::vector<std::string_view> capability_names() { return {std::begin(kNames), std::end(kNames)}; }

std::uint64_t all_capabilities() { return kCount == 64 ? ~0ull : (1ull << kCount) - 1; }

std::uint64_t parse_capabilities(const std::string& text) {
  std::uint64_t mask = 0;
  std::string::size_type start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    std::string item = trim(std::string_view(text).substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) {
      if (text.find_first_not_of(" \t") == std::string::npos) break;  // "" means none
      throw std::invalid_argument("empty capability name in '" + text + "'");
    }
    if (item == "all" || item == "ALL") {
      mask |= all_capabilities();
      continue;
    }
    auto cap = capability_from_name(item);
    if (!cap) {
      std::string hint = nearest(canonical(item), capability_names());
      throw std::invalid_argument("unknown capability '" + item + "'" +
                                  (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                                  " (names as in capabilities(7), e.g. CAP_CHOWN, or 'all')");
    }
    mask |= 1ull << *cap;
  }
  return mask;
}

std::string capabilities_text(std::uint64_t mask) {
  std::string out;
  for (int i = 0; i < kCount; ++i)
    if (mask & (1ull << i)) out += (out.empty() ? "" : ",") + std::string(kNames[i]);
  return out;
}

}  // namespace sysgate::policy

namespace sysgate::policy {

std::vector<std::string> capabilities_list(std::uint64_t mask) {
  std::vector<std::string> out;
  for (int cap = 0; cap <= 63; ++cap)
    if (((mask >> cap) & 1u) != 0) {
      const char* name = capability_name(cap);
      out.emplace_back(name != nullptr ? name : "CAP_" + std::to_string(cap));
    }
  return out;
}

bool has_effective_capability(int cap) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  return cap >= 0 && cap < 64 && syscall(SYS_capget, &header, data) == 0 &&
         (data[cap / 32].effective & (1u << (cap % 32))) != 0;
}

}  // namespace sysgate::policy
