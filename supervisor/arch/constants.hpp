// Symbolic names users write in policies (O_CREAT, AF_INET, TIOCSTI, PR_SET_TSC,
// EACCES, SIGKILL ...) and their values on this architecture, and the same
// names the other way round, to show arguments in logs and `explain`
// (O_RDONLY|O_CLOEXEC, SOCK_STREAM|SOCK_CLOEXEC). The table is generated from
// the C library's and the kernel's headers (constants_table.inc, written by
// scripts/gen_constants.py and checked against the headers by a unit test), so
// it cannot drift.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sysgate::arch {

std::optional<std::int64_t> constant_value(std::string_view name);
std::vector<std::string_view> constant_names();  // sorted
// Whether `name` is an ioctl request (an _IO() encoding, or one of the old numbered ones).
bool is_ioctl_request(std::string_view name);

std::optional<int> errno_from_name(std::string_view name);
std::string errno_name(int error);  // "EACCES", or the number as text
std::vector<std::string> errno_names();

std::string signal_name(int signal);  // "SIGKILL", or the number as text

// Argument `arg` of system call `call` with `value` (already cut to the
// argument's width) by name, as the headers name it: "O_RDONLY|O_CLOEXEC",
// "AF_INET", "SOCK_STREAM|SOCK_CLOEXEC", "TIOCSTI", "0644", "SIGTERM"; bits or
// values without a name are kept as hexadecimal ("O_RDONLY|0x40000000").
// `args`: the call's six arguments when known (some arguments are named by
// another: setsockopt's optname by its level), else null. `mask`: `value` is a
// set of bits a policy tests (any/all/none), not an argument, so no access mode
// or type is read from its low bits. nullopt when the argument has no names.
std::optional<std::string> describe_arg(std::string_view call, std::string_view arg, std::uint64_t value,
                                        const std::uint64_t* args = nullptr, bool mask = false);

// Whether the kernel reads argument `arg` of `call` with these arguments at
// all: open's and openat's mode only with O_CREAT or O_TMPFILE.
bool arg_used(std::string_view call, std::string_view arg, const std::uint64_t args[6]);

// Landlock filesystem access rights by name, without the common prefix:
// "EXECUTE|READ_FILE" (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE).
std::string landlock_fs_rights(std::uint64_t access);

}  // namespace sysgate::arch
