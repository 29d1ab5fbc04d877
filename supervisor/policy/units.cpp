#include "policy/units.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "policy/suggest.hpp"

namespace sysgate::policy {
namespace {

// Splits "2.5MiB" into 2.5 and "MiB"; throws `bad` when there is no number.
std::pair<double, std::string> split(const std::string& text, const std::string& bad) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(v) || v < 0) throw std::invalid_argument(bad);
  std::string unit(end);
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  return {v, unit};
}

}  // namespace

double parse_duration(const std::string& text) {
  const std::string bad = "'" + text + "' is not a duration (a positive number with ms, s or m, e.g. 2s, 500ms)";
  auto [v, unit] = split(text, bad);
  double s = 0;
  if (unit.empty()) {
    if (v >= kMaxBareSeconds)
      throw std::invalid_argument("'" + text + "' has no unit; a duration without one is seconds, and from 1000 on "
                                  "needs its unit: write " + text + "ms or " + text + "s (units ms, s, m)");
    s = v;
  } else if (unit == "s") {
    s = v;
  } else if (unit == "ms") {
    s = v / 1000.0;
  } else if (unit == "m") {
    s = v * 60.0;
  } else {
    throw std::invalid_argument(bad);
  }
  if (s <= 0) throw std::invalid_argument(bad);
  return s;
}

std::uint64_t parse_size(const std::string& text) {
  const std::string bad = "'" + text + "' is not a size (a positive number with B, KiB, MiB or GiB, e.g. 256MiB)";
  auto [v, unit] = split(text, bad);
  double mult = 0;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "KiB" || unit == "K" || unit == "k") mult = 1024.0;
  else if (unit == "MiB" || unit == "M") mult = 1024.0 * 1024;
  else if (unit == "GiB" || unit == "G") mult = 1024.0 * 1024 * 1024;
  else throw std::invalid_argument(bad);
  double bytes = std::floor(v * mult);
  if (bytes < 1 || bytes > 9.0e18) throw std::invalid_argument(bad);
  if (unit.empty() && bytes < static_cast<double>(kMinBareSize))
    throw std::invalid_argument("'" + text + "' has no unit; a size without one is bytes, and below 1MiB needs its "
                                "unit: write " + text + "MiB, " + text + "KiB or " + text + "B (units B, KiB, MiB, GiB)");
  return static_cast<std::uint64_t>(bytes);
}

ProcessLimitAction parse_process_limit_action(const std::string& text) {
  if (text == "end") return ProcessLimitAction::End;
  if (text == "fail") return ProcessLimitAction::Fail;
  throw std::invalid_argument("unknown value '" + text + "'" + did_you_mean(text, {"end", "fail"}) +
                              ": end ends the run with PROCESS_LIMIT, fail makes the fork fail with EAGAIN "
                              "and the run go on");
}

std::uint64_t parse_count(const std::string& text) {
  char* end = nullptr;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v == 0 || text[0] == '-')
    throw std::invalid_argument("'" + text + "' is not a positive whole number");
  return v;
}

}  // namespace sysgate::policy
