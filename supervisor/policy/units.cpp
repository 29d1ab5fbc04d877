#include "policy/units.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace sysgate::policy {
namespace {

// Splits "2.5MiB" into 2.5 and "MiB".
std::pair<double, std::string> split(const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(v) || v < 0) throw std::invalid_argument("");
  std::string unit(end);
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  return {v, unit};
}

}  // namespace

double parse_duration(const std::string& text) {
  try {
    auto [v, unit] = split(text);
    double s = 0;
    if (unit.empty() || unit == "s") s = v;
    else if (unit == "ms") s = v / 1000.0;
    else if (unit == "m") s = v * 60.0;
    else throw std::invalid_argument("");
    if (s <= 0) throw std::invalid_argument("");
    return s;
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument("'" + text + "' is not a duration (a positive number with ms, s or m, e.g. 2s, 500ms)");
  }
}

std::uint64_t parse_size(const std::string& text) {
  try {
    auto [v, unit] = split(text);
    double mult = 0;
    if (unit.empty() || unit == "B") mult = 1;
    else if (unit == "KiB" || unit == "K" || unit == "k") mult = 1024.0;
    else if (unit == "MiB" || unit == "M") mult = 1024.0 * 1024;
    else if (unit == "GiB" || unit == "G") mult = 1024.0 * 1024 * 1024;
    else throw std::invalid_argument("");
    double bytes = std::floor(v * mult);
    if (bytes < 1 || bytes > 9.0e18) throw std::invalid_argument("");
    return static_cast<std::uint64_t>(bytes);
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument("'" + text + "' is not a size (a positive number with B, KiB, MiB or GiB, e.g. 256MiB)");
  }
}

std::uint64_t parse_count(const std::string& text) {
  char* end = nullptr;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v == 0 || text[0] == '-')
    throw std::invalid_argument("'" + text + "' is not a positive whole number");
  return v;
}

}  // namespace sysgate::policy
