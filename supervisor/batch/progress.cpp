#include "batch/progress.hpp"

#include <unistd.h>

#include <string>


namespace sysgate::batch {

Progress::Progress(int total, int already_done, std::FILE* to)
    : total_(total), done_(already_done), to_(to), terminal_(isatty(fileno(to)) != 0) {
  if (terminal_) draw();
}

void Progress::finished(const std::string& id, const std::string& verdict, const std::string& expected) {
  ++done_;
  ++done_here_;
  ++verdicts_[verdict];
  if (terminal_) {
    if (verdict != expected) {
      std::fprintf(to_, "\r\033[K%s: %s (expected %s)\n", id.c_str(), verdict.c_str(), expected.c_str());
    }
    draw();
    return;
  }
  std::fprintf(to_, "[%d/%d] %s %s%s\n", done_, total_, id.c_str(), verdict.c_str(),
               verdict == expected ? "" : (" (expected " + expected + ")").c_str());
  std::fflush(to_);
}

void Progress::draw() {
  constexpr int kWidth = 24;
  int filled = total_ > 0 ? done_ * kWidth / total_ : kWidth;
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kWidth - filled), '.');
  std::string counts;
  for (const auto& [v, n] : verdicts_) counts += " " + v + " " + std::to_string(n);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = s > 0 ? done_here_ / s : 0;
  char tail[96] = "";
  if (rate > 0) {
    long left = static_cast<long>((total_ - done_) / rate + 0.5);
    std::snprintf(tail, sizeof tail, "  %.1f runs/s  ETA %ld:%02ld", rate, left / 60, left % 60);
  }
  std::fprintf(to_, "\r\033[K[%s] %d/%d%s%s", bar.c_str(), done_, total_, counts.c_str(), tail);
  std::fflush(to_);
}

void Progress::end() {
  if (terminal_) std::fprintf(to_, "\n");
  std::fflush(to_);
}

}  // namespace sysgate::batch
