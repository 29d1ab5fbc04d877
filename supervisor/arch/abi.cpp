#include "arch/abi.hpp"

#include <linux/audit.h>
#include <seccomp.h>

#include <array>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

namespace sysgate::arch {
namespace {

constexpr std::uint32_t kX32Bit = 0x40000000;

// Every name libseccomp knows for an ABI, by number (index = nr - base),
// read once: resolving names is the bulk of a policy's compile time otherwise.
struct Names {
  std::vector<std::string> by_index;
  std::unordered_map<std::string, int> numbers;
};

Names scan(std::uint32_t scmp_arch, std::uint32_t base) {
  Names n;
  for (int nr = 0; nr < 1024; ++nr) {
    char* name = seccomp_syscall_resolve_num_arch(scmp_arch, static_cast<int>(base) + nr);
    if (name == nullptr) continue;
    if (n.by_index.size() <= static_cast<std::size_t>(nr)) n.by_index.resize(static_cast<std::size_t>(nr) + 1);
    n.by_index[static_cast<std::size_t>(nr)] = name;
    n.numbers.emplace(name, static_cast<int>(base) + nr);
    std::free(name);
  }
  return n;
}

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
          {}};
  for (std::size_t i = 0; i < t.info.size(); ++i) {
    t.names[i] = scan(t.info[i].scmp_arch, t.info[i].nr_base);
    t.info[i].highest_nr = static_cast<int>(t.info[i].nr_base) + static_cast<int>(t.names[i].by_index.size()) - 1;
  }
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
  auto it = n.numbers.find(std::string(name));
  return it == n.numbers.end() ? -1 : it->second;
}

std::string syscall_name(Abi abi, long nr) {
  const AbiInfo& info = abi_info(abi);
  const Names& n = table().names[static_cast<std::size_t>(abi)];
  long i = nr - static_cast<long>(info.nr_base);
  if (i < 0 || static_cast<std::size_t>(i) >= n.by_index.size()) return {};
  return n.by_index[static_cast<std::size_t>(i)];
}

Abi native_abi() {
#if defined(__x86_64__)
  return Abi::X86_64;
#else
#error "sysgate supports x86_64 hosts only for now"
#endif
}

}  // namespace sysgate::arch
