#include <cerrno>
#include <csignal>

#include "sysgate/result.hpp"

namespace sysgate {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::Ok: return "OK";
    case Verdict::NonzeroExit: return "NONZERO_EXIT";
    case Verdict::Signaled: return "SIGNALED";
    case Verdict::Violation: return "VIOLATION";
    case Verdict::SetupError: return "SETUP_ERROR";
    case Verdict::InternalError: return "INTERNAL_ERROR";
  }
  return "?";
}

int RunResult::exit_status() const {
  switch (verdict) {
    case Verdict::Ok:
    case Verdict::NonzeroExit: return exit_code.value_or(0);
    case Verdict::Signaled: return 128 + signal.value_or(0);
    case Verdict::Violation: return 128 + SIGSYS;
    case Verdict::SetupError:
      if (exec_errno == ENOENT) return 127;
      if (exec_errno != 0) return 126;
      return 125;
    case Verdict::InternalError: return 125;
  }
  return 125;
}

}  // namespace sysgate
