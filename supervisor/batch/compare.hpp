// A program's output against the expected output, as graders compare them:
//   exact   byte for byte
//   lines   line by line, trailing whitespace of each line and of the file ignored (as Judge0)
//   tokens  whitespace-separated tokens, any run of whitespace alike (as DMOJ's standard checker)
//   float   tokens; where the expected token is a number, the output's must be one within
//           epsilon (absolute, relative, or either); NaN never matches; other tokens exactly
//           (as DMOJ's floats checker)
// Bytes are bytes: no encoding is assumed, and invalid UTF-8 compares like any other byte.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "batch/job.hpp"

namespace sysgate::batch {

struct Difference {
  std::uint64_t line = 0;   // 1-based, in the output (the expected output's for a missing line)
  std::uint64_t token = 0;  // 1-based index of the token (tokens, float); 0 for exact and lines
  std::string expected;     // the expected line or token, at most kShown bytes ("" at its end)
  std::string got;          // the output's
  std::string why;          // "differs", "output ends early", "output goes on", "not a number", ...
  static constexpr std::size_t kShown = 200;
};

struct Comparison {
  bool matched = false;
  std::optional<Difference> first_difference;
};

// Compares two texts held in memory.
Comparison compare_text(std::string_view expected, std::string_view got, const CompareSpec& spec);

// Compares files. An output larger than max(2 * the expected size, 64 MiB)
// is not read: it does not match ("output is N bytes, ..."). Throws
// std::runtime_error when the expected file cannot be read.
Comparison compare_files(const std::string& expected_path, const std::string& got_path, const CompareSpec& spec);

}  // namespace sysgate::batch
