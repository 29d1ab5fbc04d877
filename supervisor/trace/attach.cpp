#include "trace/attach.hpp"

#include <dirent.h>
#include <linux/capability.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>

#include "policy/capabilities.hpp"
#include "trace/proc_stat.hpp"

namespace sysgate::trace {
namespace {

// A "Name:\tvalue" line of /proc/PID/status.
std::optional<std::string> status_field(pid_t pid, const std::string& name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.compare(0, name.size() + 1, name + ":") == 0) {
      auto v = line.substr(name.size() + 1);
      auto start = v.find_first_not_of(" \t");
      return start == std::string::npos ? std::string() : v.substr(start);
    }
  return std::nullopt;
}

std::string comm_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string s;
  std::getline(in, s);
  return s;
}

bool is_descendant(pid_t pid) {
  pid_t self = getpid();
  for (int depth = 0; pid > 1 && depth < 4096; ++depth) {
    auto st = read_proc_stat(pid);
    if (!st) return false;
    if (st->ppid == self) return true;
    pid = st->ppid;
  }
  return false;
}

std::vector<pid_t> threads_of(pid_t pid) {
  std::vector<pid_t> out;
  DIR* d = opendir(("/proc/" + std::to_string(pid) + "/task").c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    char* end = nullptr;
    long tid = std::strtol(e->d_name, &end, 10);
    if (*end == '\0' && tid > 0) out.push_back(static_cast<pid_t>(tid));
  }
  closedir(d);
  return out;
}

}  // namespace

std::string attach_obstacle(pid_t pid) {
  const std::string p = std::to_string(pid);
  if (pid <= 0 || !status_field(pid, "Tgid")) return "no process " + p;
  if (auto tgid = status_field(pid, "Tgid"); tgid && std::atol(tgid->c_str()) != pid)
    return p + " is a thread of process " + *tgid + ": attach to the process";
  if (pid == getpid()) return p + " is this sysgate";
  if (auto k = status_field(pid, "Kthread"); k && *k == "1") return p + " (" + comm_of(pid) + ") is a kernel thread";
  if (auto state = status_field(pid, "State"); state && !state->empty() && (*state)[0] == 'Z')
    return p + " (" + comm_of(pid) + ") has exited (a zombie its parent has not reaped)";
  if (auto tracer = status_field(pid, "TracerPid"); tracer && *tracer != "0") {
    pid_t t = static_cast<pid_t>(std::atol(tracer->c_str()));
    return p + " (" + comm_of(pid) + ") is already traced by " + *tracer + " (" + comm_of(t) +
           "): a process has one tracer at a time";
  }
  const bool cap = policy::has_effective_capability(CAP_SYS_PTRACE);
  if (!cap) {
    if (auto uids = status_field(pid, "Uid")) {
      unsigned long real = 0, effective = 0, saved = 0;
      std::sscanf(uids->c_str(), "%lu %lu %lu", &real, &effective, &saved);
      uid_t me = getuid();
      if (real != me || effective != me || saved != me)
        return p + " (" + comm_of(pid) + ") runs as uid " + std::to_string(effective) +
               ": only its own user (or root) may attach to it";
    }
  }
  std::optional<int> scope;
  std::ifstream in("/proc/sys/kernel/yama/ptrace_scope");
  if (int v = 0; in >> v) scope = v;
  if (scope && *scope >= 3)
    return "Yama forbids ptrace on this machine (kernel.yama.ptrace_scope=3), for root too, until the next boot";
  if (scope && *scope == 2 && !cap)
    return "Yama lets only processes with CAP_SYS_PTRACE attach (kernel.yama.ptrace_scope=2): run sysgate attach as root";
  if (scope && *scope == 1 && !cap && !is_descendant(pid))
    return "Yama lets a process attach only to its own descendants (kernel.yama.ptrace_scope=1): run sysgate attach "
           "as root, or allow it with sysctl -w kernel.yama.ptrace_scope=0";
  return {};
}

Seized seize_threads(pid_t pid, unsigned long options) {
  std::set<pid_t> seized;
  std::string error;
  // Threads made meanwhile by threads already seized are traced from birth
  // (PTRACE_O_TRACECLONE); those made by the others show in the next pass.
  for (bool more = true; more && error.empty();) {
    more = false;
    for (pid_t tid : threads_of(pid)) {
      if (seized.count(tid)) continue;
      if (ptrace(PTRACE_SEIZE, tid, nullptr, options) != 0) {
        if (errno == ESRCH) continue;  // exited meanwhile
        if (errno == EPERM && !seized.empty()) {
          // Already ours: born of a seized thread.
          auto tracer = status_field(tid, "TracerPid");
          if (tracer && std::atol(tracer->c_str()) == getpid()) {
            seized.insert(tid);
            more = true;
            continue;
          }
        }
        const int e = errno;
        error = attach_obstacle(pid);
        if (error.empty())
          error = "cannot attach to " + std::to_string(pid) + " (" + comm_of(pid) + ")" +
                  (tid != pid ? ", thread " + std::to_string(tid) : std::string()) + ": ptrace(PTRACE_SEIZE): " +
                  std::strerror(e) +
                  (e == EPERM ? " (the kernel refuses: a process that is not dumpable, such as one running a "
                                "set-user-ID program, or a protected one such as init)"
                              : "");
        break;
      }
      seized.insert(tid);
      more = true;
    }
  }
  if (seized.empty() && error.empty()) error = "no process " + std::to_string(pid);
  for (pid_t tid : seized) ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
  return {{seized.begin(), seized.end()}, error};
}

}  // namespace sysgate::trace
