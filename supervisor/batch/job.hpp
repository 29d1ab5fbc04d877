// One run of a batch, as the job file describes it once its defaults are
// applied and its paths resolved (sysgate-batch(5)).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compile/plan.hpp"
#include "sysgate/policy.hpp"

namespace sysgate::batch {

// How the program's stdout is compared with the expected output.
struct CompareSpec {
  enum class Mode { Exact, Lines, Tokens, Float };
  enum class Error { Absolute, Relative, Either };
  Mode mode = Mode::Exact;
  double epsilon = 1e-6;  // Float only
  Error error = Error::Either;
};
const char* to_string(CompareSpec::Mode m);
const char* to_string(CompareSpec::Error e);

struct Job {
  std::string id;                        // [A-Za-z0-9._-], unique in the file; names the run's files
  std::vector<std::string> command;      // PROGRAM and its arguments
  std::optional<std::string> cwd;        // a directory copied into the run's fresh working directory
  std::optional<std::string> policy;     // a file (absolute) or a shipped policy's name; none: the default
  compile::Engine engine = compile::Engine::Seccomp;
  std::optional<std::string> stdin_path;       // absolute; none: /dev/null
  std::optional<std::string> expect_stdout;    // absolute; none: stdout is not compared
  CompareSpec compare;
  Limits limits;
  std::vector<std::string> env;          // NAME=VALUE, set over sysgate's environment
  std::string expect_verdict = "OK";     // a verdict name, or WRONG_ANSWER
  SourceLocation where;                  // the run's place in the job file
};

}  // namespace sysgate::batch
