// Durations (`2s`, `500ms`, `1.5m`) and sizes (`256MiB`, `64KiB`, `1024`) as
// written in policies and on the command line.
#pragma once

#include <cstdint>
#include <string>

namespace sysgate::policy {

// Both throw std::invalid_argument with a message naming the accepted units.
double parse_duration(const std::string& text);       // seconds; units ms s m (s when omitted)
std::uint64_t parse_size(const std::string& text);    // bytes; units B KiB MiB GiB (also K M G)
std::uint64_t parse_count(const std::string& text);   // a plain positive integer

}  // namespace sysgate::policy
