// Where decisions are recorded: one readable line each on stderr and, with
// --log FILE, one JSON object per line. The two carry the same facts.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "arch/syscall_table.hpp"
#include "sysgate/decision.hpp"

namespace sysgate::report {

struct CallEvent {
  pid_t pid = 0;  // thread group
  pid_t tid = 0;
  std::string abi;  // "x86_64", or "arch 0x..." for one sysgate does not know
  long nr = -1;
  std::string name;  // empty when the number has no name
  const arch::SyscallSpec* spec = nullptr;
  std::uint64_t args[6] = {};
  Decision decision;
};

class EventLog {
 public:
  // human: stderr, or nullptr for none; json_path: empty for none. Throws on open failure.
  EventLog(std::FILE* human, const std::string& json_path);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  void record(const CallEvent& e);
  void flush();

  // "openat(dirfd=AT_FDCWD, path=0x7ffc..., flags=0x241, mode=0644)"
  static std::string format_call(const CallEvent& e);
  static std::string format_line(const CallEvent& e);
  static std::string format_json(const CallEvent& e);

 private:
  std::FILE* human_;
  std::FILE* json_ = nullptr;
};

}  // namespace sysgate::report
