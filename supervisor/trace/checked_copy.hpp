// Copy-on-check (docs/race-safety.md): the bytes a decision read are written
// into the tracee's scratch region, which the program cannot write, and the
// argument registers are pointed there until the call's exit stop. The kernel
// then reads exactly what was checked, whatever another thread or process
// does to the program's own memory meanwhile.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "trace/call_memory.hpp"

namespace sysgate::trace {

// The checked bytes laid out for region address `at`: the image to write
// there and the value each argument register takes. Message headers are
// copied with their msg_name pointing at the copied names.
struct CopyImage {
  std::string bytes;
  std::vector<std::pair<int, std::uint64_t>> args;  // (argument index, address in the region)
  // sendmmsg: where the copied headers start (the kernel writes msg_len there).
  std::uint64_t headers = 0;
};
CopyImage lay_out(const std::vector<CheckedBytes>& checked, std::uint64_t at, bool word64);

// What a copied call holds until its exit stop.
struct HeldCopy {
  Abi abi = Abi::X86_64;
  std::uint64_t offset = 0, size = 0;                     // its space in the region
  std::vector<std::pair<int, std::uint64_t>> saved_args;  // the program's register values
  // sendmmsg: msg_len of each sent message goes back to the program's headers.
  std::uint64_t copied_headers = 0, program_headers = 0;
  std::size_t stride = 0, len_offset = 0;
};

}  // namespace sysgate::trace
