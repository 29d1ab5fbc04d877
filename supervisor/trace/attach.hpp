// Attaching to processes that are already running (sysgate attach): why it
// would not be permitted, told before anything is seized, and seizing every
// thread of a process. The tracer loop itself is Monitor::attach.
#pragma once

#include <sys/types.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace sysgate::trace {

// Attaching is not permitted, or the process is gone: one sentence naming why.
struct AttachError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Empty when this process may attach to `pid`; else why not: no such process,
// sysgate itself, another tracer (named), another user's process, Yama's
// ptrace_scope (with its fix).
std::string attach_obstacle(pid_t pid);

// Seizes every thread of `pid` with `options` and interrupts each (its stop
// is reported to the tracer's wait); threads that appear meanwhile are seized
// too. `error` is set when a thread could not be seized: the threads in
// `seized` (interrupted too) must then be detached.
struct Seized {
  std::vector<pid_t> seized;
  std::string error;
};
Seized seize_threads(pid_t pid, unsigned long options);

}  // namespace sysgate::trace
