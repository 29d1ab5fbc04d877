// A periodic SIGALRM (every 10 ms) to the tracer thread, while limits or a
// detach deadline need watching: the tracer sleeps in its wait, and the
// signal wakes it (trace/stop_waiter.hpp takes SIGALRM).
#pragma once

#include <sys/types.h>

#include <ctime>

namespace sysgate::trace {

class Ticker {
 public:
  Ticker(pid_t tracer_tid, bool on);
  ~Ticker();
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

 private:
  timer_t timer_{};
  bool armed_ = false;
};

}  // namespace sysgate::trace
