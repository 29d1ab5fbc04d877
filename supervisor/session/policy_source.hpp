// The one place a policy is found and loaded, for every command: a file, or
// the name of a shipped policy ("grade-c", also "grade-c.yaml" as the man
// page's examples write it), or the built-in default.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "policy/documents.hpp"
#include "sysgate/policy.hpp"

namespace sysgate::session {

// The file cannot be read and names no shipped policy; says which ones exist.
struct PolicyNotFound : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `cwd` is what ${CWD} expands to, `rundir` ${RUNDIR} (none: a stand-in).
// `documents`: parsed trees to reuse (policy/documents.hpp). Throws
// PolicyNotFound, or InputError with every problem of the policy.
Policy load_policy(const std::optional<std::string>& file_or_name, const std::string& cwd,
                   const std::string& rundir = {}, policy::DocumentCache* documents = nullptr);

}  // namespace sysgate::session
