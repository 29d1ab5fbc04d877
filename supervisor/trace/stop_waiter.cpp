#include "trace/stop_waiter.hpp"

#include <sys/wait.h>
#include <time.h>

#include <cerrno>

namespace sysgate::trace {
namespace {

std::int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

pid_t StopWaiter::next(int& status) {
  const std::int64_t start = now_ns();
  if (armed_) {
    for (;;) {
      pid_t tid = waitpid(-1, &status, __WALL | WNOHANG);
      if (tid != 0) return tid;  // a stop, or an error such as ECHILD
      if (interrupted_()) {
        errno = EINTR;
        return -1;
      }
      if (now_ns() - start > kSpinNs) break;
    }
  }
  pid_t tid = waitpid(-1, &status, __WALL);
  armed_ = tid > 0 && now_ns() - start < kRearmGapNs;
  return tid;
}

}  // namespace sysgate::trace
