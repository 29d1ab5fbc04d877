// The one place a policy is found and loaded, for every command: a file, or
// the name of a shipped policy ("grade-c", also "grade-c.yaml" as the man
// page's examples write it), or the built-in default.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "sysgate/policy.hpp"

namespace sysgate::session {

// The file cannot be read and names no shipped policy; says which ones exist.
struct PolicyNotFound : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `cwd` is what ${CWD} expands to, `rundir` ${RUNDIR} (none: a stand-in).
// Throws PolicyNotFound, or InputError with every problem of the policy.
Policy load_policy(const std::optional<std::string>& file_or_name, const std::string& cwd,
                   const std::string& rundir = {});

}  // namespace sysgate::session
