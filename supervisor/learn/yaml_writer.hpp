// Writes a Policy model back as a policy file (sysgate-policy(5)) that the
// loader reads into the same model: every key the model has, scalar values by
// the names the headers give them (PROT_WRITE, AF_INET, EACCES), directories
// of the run written as ${CWD}, ${HOME}, ${TMPDIR}, and comments where the
// caller has something to say about an entry.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sysgate/policy.hpp"

namespace sysgate::learn {

// An absolute directory written as a variable: {"/home/u/proj", "${CWD}"}.
struct Substitution {
  std::string dir;
  std::string var;
};

// Comments written with a policy.
struct PolicyNotes {
  std::vector<std::string> header;  // lines at the top
  // Lines above a part: "rules", "rule:NAME", "filesystem", "network", "default".
  std::map<std::string, std::vector<std::string>> above;
  // At the end of an entry's line: "rule:NAME:SELECTOR" (SELECTOR as written:
  // read, "%pure", "*", "{nr: 500}"), "read:PATTERN", "write:PATTERN",
  // "exec:PATTERN", "deny:PATTERN", "allow:PATTERN" (patterns expanded, as in
  // the model).
  std::map<std::string, std::string> beside;
};

// The text of `policy` (its rules as the loader returned them, without
// sysgate's built-in rules). `includes` are written as `include`; the model
// holds what they added merged, so a policy loaded with includes is written
// without them. Throws std::invalid_argument for what a policy file cannot
// say (an ABI list that is empty).
std::string write_policy(const Policy& policy, const std::vector<std::string>& includes, const PolicyNotes& notes,
                         const std::vector<Substitution>& substitutions);

// A selector as a policy writes it: "read", "%pure", "*", "{nr: 500}".
std::string selector_text(const SyscallSelector& s);

// `text` as a YAML scalar: plain when that reads back the same, else double-quoted.
std::string yaml_scalar(const std::string& text);

}  // namespace sysgate::learn
