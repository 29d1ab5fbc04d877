// What supervising changes in this whole process, owned by the front end for
// as long as it supervises: no tracee may read or trace the supervisor (not
// dumpable), orphans of the sandboxed tree come to it (child subreaper) so
// none outlives the run, and a SIGINT/SIGTERM/SIGHUP/SIGALRM that arrives
// outside a run does not kill it. During a run the tracer takes those signals
// itself (trace/stop_waiter.hpp); one that came before, while the run was
// being prepared, is remembered and raised again when the tracer starts
// waiting (take_early_signals), so that a Ctrl-C is never lost.
#pragma once

namespace sysgate::trace {

class SupervisorProcess {
 public:
  SupervisorProcess();
  SupervisorProcess(const SupervisorProcess&) = delete;
  SupervisorProcess& operator=(const SupervisorProcess&) = delete;
};

// SIGINT, SIGTERM and SIGHUP received since the last call (the handler of
// SupervisorProcess notes them), as a mask of bits 1 << signal; cleared.
unsigned take_early_signals();

}  // namespace sysgate::trace
