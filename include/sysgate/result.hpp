// How a run ended.
#pragma once

#include <optional>
#include <string>

namespace sysgate {

enum class Verdict { Ok, NonzeroExit, Signaled, Violation, SetupError, InternalError };
const char* to_string(Verdict v);

struct RunResult {
  Verdict verdict = Verdict::InternalError;
  std::optional<int> exit_code;  // when the program exited
  std::optional<int> signal;     // when it died of a signal
  std::string violation;         // the call that killed, when Violation
  std::string error;             // what failed, for SetupError and InternalError
  int exec_errno = 0;            // the initial execve failed with this
  long denials = 0;

  // The exit status of `sysgate run` (see sysgate(1)).
  int exit_status() const;
};

}  // namespace sysgate
