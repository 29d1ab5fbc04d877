// The command line's one parser: Boost.Program_options with abbreviations off.
// Where `run`'s options end and PROGRAM begins is decided from the same option
// table Boost parses with, so the two can never disagree.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sysgate/policy.hpp"

namespace sysgate::cli {

// A mistake on the command line: one line, then "try 'sysgate CMD --help'".
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ParsedCommand {
  boost::program_options::variables_map options;
  // `run`: PROGRAM and its arguments (everything from the first argument that
  // is not an option, or after "--"). Other commands: the operands.
  std::vector<std::string> operands;
};

// `operands_end_options`: the first operand ends the options (run's PROGRAM).
ParsedCommand parse_command(const std::vector<std::string>& args,
                            const boost::program_options::options_description& table, bool operands_end_options);

// An option's value, when given.
template <typename T>
std::optional<T> opt_value(const boost::program_options::variables_map& vm, const char* name) {
  if (!vm.count(name)) return std::nullopt;
  return vm[name].as<T>();
}

// The limit options given (--cpu-time, --wall-time, --memory, --output,
// --file-size, --stack, --processes, --open-files) override `limits`;
// UsageError names an option whose value does not parse.
void limit_options(const boost::program_options::variables_map& vm, Limits& limits);

// Whether a run may use cgroups: no --no-cgroups, and SYSGATE_NO_CGROUPS unset or 0.
bool cgroups_wanted(const boost::program_options::variables_map& vm);

}  // namespace sysgate::cli
