// What a batch's runs came to: DIR/summary.json and DIR/summary.csv, made from
// the reports in DIR/reports (so a resumed batch, or the shards of a cluster
// batch, sum up the same way as one uninterrupted run).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "batch/job.hpp"

namespace sysgate::batch {

struct Outcome {
  std::string id;
  bool done = false;          // a report exists
  std::string verdict;        // "NOT_RUN" when not done
  std::string expect_verdict;
  bool as_expected = false;
  double cpu_time_s = 0, wall_time_s = 0;
  std::uint64_t memory_peak_bytes = 0;
  std::uint64_t denials = 0;
};

struct Summary {
  std::vector<Outcome> runs;            // in the job file's order
  std::map<std::string, int> verdicts;  // verdict -> runs
  int done = 0, as_expected = 0;
  bool all_as_expected() const { return done == static_cast<int>(runs.size()) && as_expected == done; }
};

// Writes `text` to `path` by rename, so that no reader sees it half-written,
// even when processes on several machines write into one shared directory.
void write_atomically(const std::string& path, const std::string& text);

// The report of run `id` under `dir` (DIR/reports/ID.json).
std::string report_path(const std::string& dir, const std::string& id);

// Reads the reports of `jobs` that exist under `dir`.
Summary summarise(const std::string& dir, const std::vector<Job>& jobs);

// Writes DIR/summary.json and DIR/summary.csv (each by rename, never half-written).
void write_summary(const std::string& dir, const Summary& s);

}  // namespace sysgate::batch
