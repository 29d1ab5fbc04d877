// sysgate test: decides described system calls by a policy without running
// anything (see sysgate(1), COMMANDS):
//   sysgate test [--abi x86_64|i386|x32] [--seed N] POLICY 'openat(AT_FDCWD, "/etc/passwd", O_RDONLY)'
//   sysgate test [--abi ...] [--seed N] POLICY --file CASES
// Option parsing and printing only; the call is read by
// described/call_description.hpp and decided by described/evaluation.hpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "described/call_description.hpp"
#include "described/evaluation.hpp"

namespace sysgate::cli {

// `args` are the arguments after "test". Returns the exit status: 0 (decided;
// every case as expected), 1 (a case not as expected, or an invalid policy), 2
// (a call or a case line that cannot be read); throws UsageError
// (cli/options.hpp) for a mistake on the command line.
int cmd_test(const std::vector<std::string>& args);

// The usage line of test, for `sysgate --help`.
const char* test_usage();

// "deny EPERM", "return 1000", "redirect /etc/hosts -> /box/hosts, then allow",
// "rewrite flags O_RDONLY -> O_RDONLY|O_CLOEXEC, then allow".
std::string outcome_text(const described::DescribedCall& call, const described::Evaluation& e);
// What made the decision: "rule \"no-tracing\" at default.yaml:11:5", "the
// filesystem section: deny entry \"/etc/shadow\" at p.yaml:9:11", "the
// default at p.yaml:4:10".
std::string decided_by(const described::Evaluation& e);
// The line `sysgate test POLICY CALL` prints: the outcome, (decided by ...),
// and "(kernel: allowed without a stop)" when the filter decides alone.
std::string outcome_line(const described::DescribedCall& call, const described::Evaluation& e);

// The EXPECTED part of a case line: allow, log, kill, deny, deny ERRNO,
// return VALUE, redirect PATH.
struct Expectation {
  enum class Kind : std::uint8_t { Allow, Log, Deny, Kill, Return, Redirect };
  Kind kind = Kind::Allow;
  int error = 0;           // Deny: 0 for any errno
  std::int64_t value = 0;  // Return
  std::string path;        // Redirect: where the path is sent
  std::string text;        // as written
  bool matches(const described::Evaluation& e) const;
};
// `text` from its `offset` on (columns are counted in `text`). Throws
// described::CallError.
Expectation parse_expectation(std::string_view text, std::size_t offset = 0);

}  // namespace sysgate::cli
