// The syscall table: our own data about each system call (argument names and
// kinds, strace trace classes). Numbers are not here: they come from libseccomp
// per ABI (see abi.hpp), so one entry serves every ABI that has the call.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "arch/inline_text.hpp"

namespace sysgate::arch {

// What one argument is. Width and signedness decide how BPF compares it: the
// kernel truncates an `int` argument to 32 bits, so a test on it must look at
// the low 32 bits only (else 0x100000005 would slip past a test for 5).
enum class ArgKind : std::uint8_t {
  Int,       // signed 32-bit value (int, pid_t, clockid_t, signal number)
  UInt,      // unsigned 32-bit value (unsigned int, flags, mode_t, uid_t, gid_t)
  Long,      // signed word (long, off_t, loff_t, ssize_t)
  ULong,     // unsigned word (unsigned long, size_t, an address used as a value)
  Fd,        // int file descriptor
  DirFd,     // int directory descriptor, AT_FDCWD allowed
  Path,      // const char * naming a file
  String,    // const char * that is not a path (memfd name, xattr name, ...)
  Pointer,   // any other user pointer (buffer, struct, array)
  SockAddr,  // const struct sockaddr *
};

// strace 6.1 trace classes, as bits (`%file` is File, `%%stat` is StatLike ...).
enum Group : std::uint32_t {
  G_FILE = 1u << 0,      // %file     TF
  G_NETWORK = 1u << 1,   // %network  TN
  G_PROCESS = 1u << 2,   // %process  TP
  G_SIGNAL = 1u << 3,    // %signal   TS
  G_IPC = 1u << 4,       // %ipc      TI
  G_MEMORY = 1u << 5,    // %memory   TM
  G_CREDS = 1u << 6,     // %creds    TC
  G_CLOCK = 1u << 7,     // %clock    TCL
  G_DESC = 1u << 8,      // %desc     TD
  G_STAT = 1u << 9,      // %stat     TST
  G_LSTAT = 1u << 10,    // %lstat    TLST
  G_FSTAT = 1u << 11,    // %fstat    TFST
  G_STATFS = 1u << 12,   // %statfs   TSF
  G_FSTATFS = 1u << 13,  // %fstatfs  TFSF
  G_PURE = 1u << 14,     // %pure     PU
  G_STAT_LIKE = 1u << 15,    // %%stat   TSTA
  G_STATFS_LIKE = 1u << 16,  // %%statfs TSFA
};

// The names are inside the entries, so the table needs no relocation
// (inline_text.hpp); they convert to std::string_view.
struct ArgSpec {
  InlineText<16> name;
  ArgKind kind;
};

struct SyscallSpec {
  InlineText<32> name;
  std::uint32_t groups;
  std::uint8_t nargs;
  std::array<ArgSpec, 6> args;
};

// Every entry, sorted by name.
std::span<const SyscallSpec> all_syscalls();
// The entry for a name, if the table has one.
const SyscallSpec* find_syscall(std::string_view name);

struct GroupName {
  std::string_view name;  // without the leading '%': "file", "%stat"
  std::uint32_t bit;
};
std::span<const GroupName> all_groups();

}  // namespace sysgate::arch
