// What supervising changes in this whole process, owned by the front end for
// as long as it supervises: no tracee may read or trace the supervisor (not
// dumpable), orphans of the sandboxed tree come to it (child subreaper) so
// none outlives the run, and a SIGINT/SIGTERM/SIGHUP/SIGALRM that arrives
// outside a run (while the report is written) does not kill it. During a run
// the tracer takes those signals itself (trace/stop_waiter.hpp).
#pragma once

namespace sysgate::trace {

class SupervisorProcess {
 public:
  SupervisorProcess();
  SupervisorProcess(const SupervisorProcess&) = delete;
  SupervisorProcess& operator=(const SupervisorProcess&) = delete;
};

}  // namespace sysgate::trace
