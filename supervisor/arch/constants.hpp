// Symbolic names users write in policies (O_CREAT, AF_INET, CLONE_NEWUSER, EACCES,
// SIGKILL ...) and their values on this architecture. The values come from the
// system headers the supervisor is built against, so they cannot drift.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sysgate::arch {

std::optional<std::int64_t> constant_value(std::string_view name);
std::vector<std::string_view> constant_names();

std::optional<int> errno_from_name(std::string_view name);
std::string errno_name(int error);  // "EACCES", or the number as text
std::vector<std::string> errno_names();

std::string signal_name(int signal);  // "SIGKILL", or the number as text

}  // namespace sysgate::arch
