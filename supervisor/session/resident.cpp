#include "session/resident.hpp"

#include "session/policy_source.hpp"
#include "sysgate/diagnostic.hpp"

namespace sysgate::session {

void Resident::prime_policy(const std::optional<std::string>& policy, const std::string& cwd) {
  try {
    load_policy(policy, cwd, {}, &documents);
  } catch (const PolicyNotFound&) {
  } catch (const InputError&) {
    // The documents that parsed are kept; the run finds the same problems.
  }
}

void Resident::prime_cgroups() {
  if (!cgroups) cgroups = limits::CgroupHome::find();
}

}  // namespace sysgate::session
