#include "trace/supervisor_process.hpp"

#include <signal.h>
#include <sys/prctl.h>

#include <atomic>
#include <initializer_list>

namespace sysgate::trace {
namespace {

std::atomic<unsigned> g_early{0};

}  // namespace

unsigned take_early_signals() { return g_early.exchange(0); }

SupervisorProcess::SupervisorProcess() {
  prctl(PR_SET_DUMPABLE, 0);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  struct sigaction sa{};
  sa.sa_handler = [](int sig) {
    if (sig != SIGALRM) g_early.fetch_or(1u << sig);
  };
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGALRM}) sigaction(sig, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

}  // namespace sysgate::trace
