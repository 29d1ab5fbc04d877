#include "trace/ticker.hpp"

#include <signal.h>

namespace sysgate::trace {

Ticker::Ticker(pid_t tracer_tid, bool on) {
  if (!on) return;
  sigevent ev{};
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev.sigev_signo = SIGALRM;
  ev._sigev_un._tid = tracer_tid;
  if (timer_create(CLOCK_MONOTONIC, &ev, &timer_) != 0) return;
  armed_ = true;
  itimerspec its{{0, 10000000}, {0, 10000000}};  // 10 ms
  timer_settime(timer_, 0, &its, nullptr);
}

Ticker::~Ticker() {
  if (armed_) timer_delete(timer_);
}

}  // namespace sysgate::trace
