// ABIs a tracee can call the kernel through, and their syscall numbers. Numbers
// and names come from libseccomp's resolver; nothing here is typed by hand.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sysgate/policy.hpp"

namespace sysgate::arch {

struct AbiInfo {
  Abi abi;
  std::string_view name;     // as written in policies: x86_64, i386, x32
  std::uint32_t audit_arch;  // AUDIT_ARCH_* that seccomp_data.arch carries
  std::uint32_t scmp_arch;   // SCMP_ARCH_*
  std::uint32_t nr_base;     // x32 numbers carry __X32_SYSCALL_BIT
  bool word64;               // arguments are 64-bit words
  int highest_nr;            // highest number libseccomp knows (nr_base included)
};

std::span<const Abi> all_abis();
const AbiInfo& abi_info(Abi abi);
std::optional<Abi> abi_from_name(std::string_view name);

// The ABI of a call, from what seccomp or PTRACE_GET_SYSCALL_INFO report.
std::optional<Abi> abi_of_call(std::uint32_t audit_arch, std::uint64_t nr);

// -1 when the ABI has no such call.
int syscall_number(Abi abi, std::string_view name);
// Empty when libseccomp knows no name for the number.
std::string syscall_name(Abi abi, long nr);

// The ABI this supervisor and its programs natively use.
Abi native_abi();

}  // namespace sysgate::arch
