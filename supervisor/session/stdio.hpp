// The program's descriptors 0, 1 and 2 as --stdin/--stdout/--stderr name
// them: a file (relative to the caller's directory), or "-" (the caller's own).
// One file named for both stdout and stderr is opened once and shared, as a
// shell's `>f 2>&1` does, so neither overwrites the other.
#pragma once

#include <stdexcept>
#include <string>

#include "session/run_config.hpp"

namespace sysgate::session {

struct StdioError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ProgramStdio {
 public:
  // Throws StdioError naming the option.
  explicit ProgramStdio(const StdioConfig& config);
  ~ProgramStdio();
  ProgramStdio(const ProgramStdio&) = delete;
  ProgramStdio& operator=(const ProgramStdio&) = delete;

  int in() const { return fd_[0]; }  // -1: the caller's
  int out() const { return fd_[1]; }
  int err() const { return fd_[2]; }
  // Whether `path` is a file the program writes as stdout or stderr.
  bool writes_to(const std::string& path) const;

 private:
  int fd_[3] = {-1, -1, -1};
  bool err_shares_out_ = false;
};

}  // namespace sysgate::session
