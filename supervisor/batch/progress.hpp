// A batch's progress on stderr: on a terminal one line redrawn in place (a
// bar, runs done of all, verdict counts, rate, time left); otherwise a plain
// line for each finished run.
#pragma once

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

namespace sysgate::batch {

class Progress {
 public:
  Progress(int total, int already_done, std::FILE* to);
  void finished(const std::string& id, const std::string& verdict, const std::string& expected);
  void end();  // leaves the terminal's line

 private:
  void draw();
  int total_, done_, done_here_ = 0;
  std::FILE* to_;
  bool terminal_;
  std::map<std::string, int> verdicts_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace sysgate::batch
