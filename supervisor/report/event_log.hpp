// Where decisions are recorded: one readable line each on stderr (one write(2)
// of at most PIPE_BUF bytes, so it never interleaves with the program's output)
// and, with --log FILE, one JSON object per line. The two carry the same facts.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "arch/syscall_table.hpp"
#include "report/json_writer.hpp"
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
  std::map<std::string, std::string> resolved;  // paths and addresses read from memory
  std::optional<long> result;  // what the call returned (-errno for a failure), once known
};

class EventLog {
 public:
  // human: stderr, or nullptr for none; json_path: empty for none; json_max:
  // the JSON log's size cap in bytes (0: none). Throws on open failure.
  EventLog(std::FILE* human, const std::string& json_path, std::uint64_t json_max = 0);

  // Bounds, so that a program repeating a refused call cannot fill the disk or
  // drown the terminal: on stderr a line identical to the one before is
  // counted, not printed ("... repeated N more times"); the same call with the
  // same arguments and decision (whatever the process or thread) is printed
  // kSameBurst times, then kSamePerSecond a second; all lines together
  // kBurst, then kPerSecond a second (the rest counted, "N more lines not
  // shown"); kills are always printed. The JSON log stops at its cap with a
  // last line that says so. The report's counts are made before any of this: exact.
  static constexpr double kSameBurst = 20;
  static constexpr double kSamePerSecond = 1;
  static constexpr double kBurst = 10000;
  static constexpr double kPerSecond = 1000;
  static constexpr std::uint64_t kDefaultJsonMax = 100ull << 20;
  bool json_cut() const { return json_cut_; }
  std::uint64_t json_not_logged() const { return json_not_logged_; }
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Logs `e` where it should go; remembers denials and kills for the report.
  void record(const CallEvent& e);
  // The same in two steps, for a call whose result is logged: the stderr line
  // and the report's counts at its decision, the JSON line once it returned.
  void record_decision(const CallEvent& e);
  void record_json(const CallEvent& e);
  bool has_json() const { return json_ != nullptr; }
  void flush();

  std::uint64_t denial_count() const { return denial_count_; }
  const std::vector<Json>& first_denials() const { return first_denials_; }
  const Json& violation() const { return violation_; }
  // Calls a rule rewrote, redirected or answered (`return`).
  std::uint64_t rewrite_count() const { return rewrite_count_; }
  // Audit mode: the calls enforce mode would have refused, killed or changed.
  std::uint64_t would_deny_count() const { return would_deny_count_; }
  const std::vector<Json>& would_deny() const { return would_deny_; }
  // Paths outside every list that did not exist (ENOENT, not denials).
  std::uint64_t probe_count() const { return probe_count_; }
  const std::vector<Json>& first_rewrites() const { return first_rewrites_; }
  static constexpr std::size_t kFirstDenials = 100;

  // "openat(dirfd=AT_FDCWD, path=0x7ffc..., flags=0x241, mode=0644) path=/x"; the
  // resolved values with control characters and invalid UTF-8 escaped.
  static std::string format_call(const CallEvent& e);
  // The readable line, without its newline: at most PIPE_BUF - 1 bytes.
  // `colour`: the decision and the suggestion in colour (a terminal).
  static std::string format_line(const CallEvent& e, bool colour = false);
  // The call object of the JSON log and the report (json_text() writes it).
  static Json to_json(const CallEvent& e);

 private:
  // One write(2), coalesced and rate-limited (`same`: the call and decision) unless `always`.
  void say(const std::string& line, const std::string& same, bool always);
  void say_held_back();               // the counts of lines coalesced or not shown

  std::FILE* human_;
  bool colour_ = false;
  std::string last_line_;             // the last line printed, to coalesce repeats
  std::uint64_t repeats_ = 0;         // of last_line_, not printed
  struct Bucket {
    double tokens, at;  // tokens left, when last refilled (monotonic seconds)
    bool take(double burst, double per_second, double now);
  };
  Bucket all_{kBurst, 0};                  // every line
  std::map<std::string, Bucket> same_;     // per call and decision (bounded: cleared at 10000)
  std::uint64_t not_shown_ = 0;       // lines over the rate limit
  std::FILE* json_ = nullptr;
  std::uint64_t json_max_ = 0, json_bytes_ = 0, json_not_logged_ = 0;
  bool json_cut_ = false;
  std::string json_line_;  // reused buffer
  std::uint64_t denial_count_ = 0;
  std::vector<Json> first_denials_;
  std::uint64_t rewrite_count_ = 0;
  std::uint64_t probe_count_ = 0;
  std::uint64_t would_deny_count_ = 0;
  std::vector<Json> would_deny_;
  std::vector<Json> first_rewrites_;
  Json violation_;
};

}  // namespace sysgate::report
