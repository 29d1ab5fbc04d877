#include "trace/supervisor_process.hpp"

#include <signal.h>
#include <sys/prctl.h>

#include <initializer_list>

namespace sysgate::trace {

SupervisorProcess::SupervisorProcess() {
  prctl(PR_SET_DUMPABLE, 0);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  struct sigaction sa{};
  sa.sa_handler = [](int) {};
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGALRM}) sigaction(sig, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

}  // namespace sysgate::trace
