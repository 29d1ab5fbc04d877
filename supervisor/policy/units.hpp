// Durations (`2s`, `500ms`, `1.5m`) and sizes (`256MiB`, `64KiB`, `512B`) as
// written in policies and on the command line.
//
// A number without a unit is taken in the base unit only where no other
// reading is likely: a size without a unit is bytes and must be at least
// kMinBareSize (1 MiB), so that `--memory 10` or `--memory 4096` meant as MiB,
// or 262144 meant as KiB, is refused instead of becoming a limit of a few
// bytes; a duration without a unit is seconds (as timeout(1) and isolate read
// it) and must be below kMaxBareSeconds, so that `--cpu-time 2000` meant as
// milliseconds is refused instead of allowing half an hour. With a unit, any
// positive value is taken.
#pragma once

#include <cstdint>
#include <string>

#include "sysgate/policy.hpp"

namespace sysgate::policy {

inline constexpr std::uint64_t kMinBareSize = 1024 * 1024;
inline constexpr double kMaxBareSeconds = 1000;

// Both throw std::invalid_argument with a message naming the accepted units.
double parse_duration(const std::string& text);       // seconds; units ms s m
std::uint64_t parse_size(const std::string& text);    // bytes; units B KiB MiB GiB (also K M G)
std::uint64_t parse_count(const std::string& text);   // a plain positive integer
// `on_process_limit`: "end" or "fail".
ProcessLimitAction parse_process_limit_action(const std::string& text);

}  // namespace sysgate::policy
