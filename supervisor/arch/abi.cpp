#include "arch/abi.hpp"

#include <linux/audit.h>
#include <seccomp.h>

#include <array>
#include <cstdlib>

namespace sysgate::arch {
namespace {

constexpr std::uint32_t kX32Bit = 0x40000000;

int scan_highest(std::uint32_t scmp_arch, std::uint32_t base) {
  int highest = -1;
  for (int nr = 0; nr < 1024; ++nr) {
    char* name = seccomp_syscall_resolve_num_arch(scmp_arch, static_cast<int>(base) + nr);
    if (name != nullptr) {
      highest = static_cast<int>(base) + nr;
      std::free(name);
    }
  }
  return highest;
}

std::array<AbiInfo, 3> make_table() {
  std::array<AbiInfo, 3> t{{
      {Abi::X86_64, "x86_64", AUDIT_ARCH_X86_64, SCMP_ARCH_X86_64, 0, true, 0},
      {Abi::I386, "i386", AUDIT_ARCH_I386, SCMP_ARCH_X86, 0, false, 0},
      {Abi::X32, "x32", AUDIT_ARCH_X86_64, SCMP_ARCH_X32, kX32Bit, false, 0},
  }};
  for (auto& info : t) info.highest_nr = scan_highest(info.scmp_arch, info.nr_base);
  return t;
}

const std::array<AbiInfo, 3>& table() {
  static const std::array<AbiInfo, 3> t = make_table();
  return t;
}

constexpr std::array<Abi, 3> kAbis{Abi::X86_64, Abi::I386, Abi::X32};

}  // namespace

std::span<const Abi> all_abis() { return kAbis; }

const AbiInfo& abi_info(Abi abi) { return table()[static_cast<std::size_t>(abi)]; }

std::optional<Abi> abi_from_name(std::string_view name) {
  for (const auto& info : table())
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
  std::string n(name);
  if (name.empty()) return -1;
  const AbiInfo& info = abi_info(abi);
  int nr = seccomp_syscall_resolve_name_arch(info.scmp_arch, n.c_str());
  if (nr >= 0) return nr;
  // libseccomp answers pseudo numbers (< 0) for calls this ABI lacks, and for
  // i386's direct socket and IPC calls (it prefers socketcall/ipc): search.
  for (int i = static_cast<int>(info.nr_base); i <= info.highest_nr; ++i)
    if (syscall_name(abi, i) == name) return i;
  return -1;
}

std::string syscall_name(Abi abi, long nr) {
  if (nr < 0 || nr > 0x7fffffff) return {};
  char* name = seccomp_syscall_resolve_num_arch(abi_info(abi).scmp_arch, static_cast<int>(nr));
  if (name == nullptr) return {};
  std::string out(name);
  std::free(name);
  return out;
}

Abi native_abi() {
#if defined(__x86_64__)
  return Abi::X86_64;
#else
#error "sysgate supports x86_64 hosts only for now"
#endif
}

}  // namespace sysgate::arch
