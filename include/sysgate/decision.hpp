// What the supervisor does with one system call, and why.
#pragma once

#include <string>
#include <utility>
#include <vector>

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
  Decision() = default;
  Decision(Action a, bool log_it, Source from, const Rule* by = nullptr)
      : action(std::move(a)), log(log_it), source(from), rule(by) {}
  Action action;
  bool log = false;  // record it (log action, `log: true`, every deny and kill)
  Source source = Source::Default;
  const Rule* rule = nullptr;  // for Source::Rule
  std::uint8_t notes = 0;  // Rule::Note bits of the built-in rules the call matched

  // What Redirect and Rewrite rules changed on the way (the call runs with
  // these values when it is allowed; the program's registers are restored).
  struct ArgChange {
    int index = 0;
    std::uint64_t from = 0, to = 0;
  };
  struct PathChange {
    int index = 0;
    std::string from, to;  // resolved paths
  };
  std::vector<ArgChange> edits;
  std::vector<PathChange> redirects;
  // Rules whose `when` fired, with the count they fired at.
  std::vector<std::pair<const Rule*, std::uint64_t>> fired;
  double delay_s = 0;  // the longest delay of the rules that applied
  // A path outside every list that does not exist: ENOENT, as without the
  // sandbox; recorded (log, access report) but not a denial.
  bool probe = false;
  // The kernel would fail the call the same way without the sandbox (a path
  // it cannot look up): not the policy's refusal, not a denial.
  bool native = false;
  // Audit mode: this is what enforce mode would do; the call ran unchanged.
  bool audit = false;
  // For the filesystem and network sections: the entry that decided, with its
  // place ("deny entry \"/etc/shadow\" at p.yaml:9:11"), or that none matched.
  std::string entry;
  // When a missing allowance refused the call: the smallest policy text that
  // would allow it (`filesystem: {write: ["/etc/passwd"]}`); empty otherwise.
  std::string suggest;
  bool rewrites() const { return !edits.empty() || !redirects.empty() || action.kind == Action::Kind::Return; }

  // The rule's label, "default", ...; for logs and reports.
  std::string reason() const;
};

}  // namespace sysgate
