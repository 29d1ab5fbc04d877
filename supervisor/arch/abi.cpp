#include "arch/abi.hpp"

#include "arch/inline_text.hpp"

#include <linux/audit.h>
#include <seccomp.h>

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <string_view>

namespace sysgate::arch {
namespace {

constexpr std::uint32_t kX32Bit = 0x40000000;

// Names inside the entries, so the tables need no relocation (inline_text.hpp).
using CallName = InlineText<32>;
struct NumberOf {
  CallName name;
  int nr;
};
#include "syscall_names.inc"  // kNames_ABI (by index from the base, "" for none), kNumbers_ABI (sorted by name)

// Every name libseccomp knows for an ABI, written at build time
// (scripts/gen_syscall_names.cpp): resolving names was the bulk of a policy's
// compile time, and scanning libseccomp for them 6 % of a run's.
struct Names {
  std::span<const CallName> by_index;
  std::span<const NumberOf> numbers;
};

struct Table {
  std::array<AbiInfo, 3> info;
  std::array<Names, 3> names;
};

Table make_table() {
  Table t{{{
              {Abi::X86_64, "x86_64", AUDIT_ARCH_X86_64, SCMP_ARCH_X86_64, 0, true, 0},
              {Abi::I386, "i386", AUDIT_ARCH_I386, SCMP_ARCH_X86, 0, false, 0},
              {Abi::X32, "x32", AUDIT_ARCH_X86_64, SCMP_ARCH_X32, kX32Bit, false, 0},
          }},
          {{{kNames_x86_64, kNumbers_x86_64}, {kNames_i386, kNumbers_i386}, {kNames_x32, kNumbers_x32}}}};
  for (std::size_t i = 0; i < t.info.size(); ++i)
    t.info[i].highest_nr = static_cast<int>(t.info[i].nr_base) + static_cast<int>(t.names[i].by_index.size()) - 1;
  return t;
}

const Table& table() {
  static const Table t = make_table();
  return t;
}

constexpr std::array<Abi, 3> kAbis{Abi::X86_64, Abi::I386, Abi::X32};

}  // namespace

std::span<const Abi> all_abis() { return kAbis; }

const AbiInfo& abi_info(Abi abi) { return table().info[static_cast<std::size_t>(abi)]; }

std::optional<Abi> abi_from_name(std::string_view name) {
  for (const auto& info : table().info)
    if (info.name == name) return info.abi;
  return std::nullopt;
}

std::optional<Abi> abi_of_call(std::uint32_t audit_arch, std::uint64_t nr) {
  // x32 numbers are 0x40000000..0x7fffffff; a negative number (syscall(-1)) is not x32.
  if (audit_arch == AUDIT_ARCH_X86_64)
    return (nr & 0xffffffffu) >> 30 == 1 ? Abi::X32 : Abi::X86_64;
  if (audit_arch == AUDIT_ARCH_I386) return Abi::I386;
  return std::nullopt;
}

int syscall_number(Abi abi, std::string_view name) {
  // Includes i386's direct socket and IPC calls, for which libseccomp's name
  // lookup answers its socketcall/ipc pseudo numbers.
  const Names& n = table().names[static_cast<std::size_t>(abi)];
  auto it = std::lower_bound(n.numbers.begin(), n.numbers.end(), name,
                             [](const NumberOf& e, std::string_view v) { return e.name.view() < v; });
  return it == n.numbers.end() || it->name.view() != name ? -1 : it->nr;
}

std::string syscall_name(Abi abi, long nr) {
  const AbiInfo& info = abi_info(abi);
  const Names& n = table().names[static_cast<std::size_t>(abi)];
  long i = nr - static_cast<long>(info.nr_base);
  if (i < 0 || static_cast<std::size_t>(i) >= n.by_index.size()) return {};
  return std::string(n.by_index[static_cast<std::size_t>(i)].view());
}

Abi native_abi() {
#if defined(__x86_64__)
  return Abi::X86_64;
#else
#error "sysgate supports x86_64 hosts only for now"
#endif
}

}  // namespace sysgate::arch
