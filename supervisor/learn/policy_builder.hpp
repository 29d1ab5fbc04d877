// From what runs did (Observations) to a policy that allows exactly that and
// refuses the rest, with comments saying where each entry comes from:
//   rules:   no-writable-executable-memory (mmap/mprotect with PROT_WRITE and
//            PROT_EXEC both set refused, unless the run made such a mapping);
//            calls-made (the calls that no section decides, by %group where
//            the run made every call of a group); calls-not-made (the path
//            and socket calls the run did not make, refused before the
//            sections would decide them);
//   filesystem: read, write and exec lists (path_generaliser.hpp);
//   network: the addresses named, and a pattern per socket family used;
//   default: {deny: EPERM}.
// A base policy is included; what it already allows is not added again, and
// calls its rules decide are left to them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "learn/observations.hpp"
#include "learn/path_generaliser.hpp"
#include "learn/yaml_writer.hpp"
#include "sysgate/policy.hpp"

namespace sysgate::learn {

struct LearnOptions {
  Generalise generalise = Generalise::Dirs;
  int depth = 3;  // of trees
  std::string name = "learned";
  // The run's directories, written as ${CWD}, ${HOME}, ${TMPDIR} (empty or
  // "/": not substituted).
  std::string cwd, home, tmpdir;
  std::optional<std::string> base;      // written as `include`
  const Policy* base_policy = nullptr;  // the same, loaded
  std::vector<std::string> sources;     // what was learned from (the header says)
};

struct LearnedPolicy {
  Policy policy;
  std::vector<std::string> includes;
  PolicyNotes notes;
  std::vector<Substitution> substitutions;
  std::vector<std::string> summary;   // one line per rule or list: what it adds
  std::vector<std::string> warnings;  // what the policy cannot reproduce, or only saw failing
  std::string text() const { return write_policy(policy, includes, notes, substitutions); }
};

inline constexpr const char* kRuleNoWx = "no-writable-executable-memory";
inline constexpr const char* kRuleMade = "calls-made";
inline constexpr const char* kRuleNotMade = "calls-not-made";

LearnedPolicy build_policy(const Observations& observations, const LearnOptions& options, const FileSystemView& fs);

}  // namespace sysgate::learn
