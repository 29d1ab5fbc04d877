// What the supervisor does with one system call, and why.
#pragma once

#include "sysgate/policy.hpp"

namespace sysgate {

struct Decision {
  enum class Source : std::uint8_t {
    Rule,           // a rule of the policy (or a sysgate built-in rule)
    Default,        // the policy's default
    UnknownNumber,  // a number above every call libseccomp knows: ENOSYS
    ForeignAbi,     // an ABI the policy does not list: the sandbox is killed
    Filesystem,     // the policy's filesystem section
    Network,        // the policy's network section
    CopyOnCheck,    // an allowed call whose checked argument could not be copied (no room, no region)
  };
  Action action;
  bool log = false;  // record it (log action, `log: true`, every deny and kill)
  Source source = Source::Default;
  const Rule* rule = nullptr;  // for Source::Rule
  std::uint8_t notes = 0;  // Rule::Note bits of the built-in rules the call matched

  // The rule's label, "default", ...; for logs and reports.
  std::string reason() const;
};

}  // namespace sysgate
