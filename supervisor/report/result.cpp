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
    case Verdict::CpuTimeLimit: return "CPU_TIME_LIMIT";
    case Verdict::WallTimeLimit: return "WALL_TIME_LIMIT";
    case Verdict::MemoryLimit: return "MEMORY_LIMIT";
    case Verdict::OutputLimit: return "OUTPUT_LIMIT";
    case Verdict::ProcessLimit: return "PROCESS_LIMIT";
    case Verdict::Denied: return "DENIED";
    case Verdict::UndeclaredAccess: return "UNDECLARED_ACCESS";
  }
  return "?";
}

bool is_limit(Verdict v) {
  return v == Verdict::CpuTimeLimit || v == Verdict::WallTimeLimit || v == Verdict::MemoryLimit ||
         v == Verdict::OutputLimit || v == Verdict::ProcessLimit;
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
    case Verdict::Denied: return kExitDenied;
    case Verdict::UndeclaredAccess: return kExitUndeclared;
    case Verdict::CpuTimeLimit:
    case Verdict::WallTimeLimit:
    case Verdict::MemoryLimit:
    case Verdict::OutputLimit:
    case Verdict::ProcessLimit: return 128 + SIGKILL;
  }
  return 125;
}

}  // namespace sysgate
