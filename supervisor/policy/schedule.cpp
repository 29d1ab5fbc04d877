// `when` schedules: which matches of a rule fire. Probabilities are drawn
// from a hash of (seed, rule, count), not from a generator's state, so a run
// is replayed exactly by its seed whatever else the program does.
#include "sysgate/policy.hpp"

namespace sysgate {
namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

bool Schedule::fires(std::uint64_t count, std::uint64_t run_seed, std::uint64_t rule_key) const {
  if (count < from || count > until || (count - from) % every != 0) return false;
  if (!probability) return true;
  std::uint64_t draw = mix(mix(mix(seed.value_or(run_seed)) ^ rule_key) ^ count);
  // The top 53 bits as a fraction in [0, 1).
  double u = static_cast<double>(draw >> 11) * 0x1.0p-53;
  return u < *probability;
}

}  // namespace sysgate
