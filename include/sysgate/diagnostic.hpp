// Errors about user input, each with the place it refers to.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "sysgate/policy.hpp"

namespace sysgate {

struct Diagnostic {
  SourceLocation where;
  std::string message;
  std::string str() const;  // "file:line:column: message"
};

// Thrown when input is invalid; carries every error found, not only the first.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace sysgate
