// The policy model: what a policy file means once loaded, validated, merged with
// its includes and expanded. Every front end (loader, explain, tests) builds and
// reads this one model.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sysgate {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when the fact has no place in a file
  int column = 0;  // 1-based
  std::string str() const;  // "file:line:column"
  bool operator==(const SourceLocation&) const = default;
};

enum class Abi : std::uint8_t { X86_64, I386, X32 };

// One change of a scalar argument by a `rewrite` action: `flags: {set: [O_CLOEXEC]}`
// is {arg "flags", Or, O_CLOEXEC}.
struct ArgEdit {
  enum class Op : std::uint8_t { Set, Or, Clear, Max, Min };
  std::string arg;    // as written: "mode" or "arg3"
  int position = -1;  // for argN; -1 when named (resolved per syscall)
  Op op = Op::Set;
  std::uint64_t value = 0;  // the value, the bits, or the bound
  SourceLocation where;
  bool operator==(const ArgEdit&) const = default;
  // The argument's new value (`is32`: a 32-bit argument, compared and kept as such).
  std::uint64_t apply(std::uint64_t old, bool is32, bool is_signed) const;
};

// What a rule or the default does with a call. Allow, Log, Deny, Kill and
// Return decide it; Redirect and Rewrite change its arguments and let the
// later rules, the sections and the default decide it with the new values.
struct Action {
  enum class Kind : std::uint8_t { Allow, Log, Deny, Kill, Return, Redirect, Rewrite };
  Action() = default;
  Action(Kind k, int errno_value = 0) : kind(k), error(errno_value) {}  // NOLINT: {Kind, errno} reads well
  Kind kind = Kind::Allow;
  int error = 0;            // errno for Deny
  std::int64_t value = 0;   // Return: what the call returns (-errno for a failure)
  std::string target;       // Redirect: the new path; ending in "/**", the matched tail is kept
  std::vector<ArgEdit> edits;  // Rewrite
  double delay_s = 0;       // the call is held this long before it runs (or returns)
  bool operator==(const Action&) const = default;
  // Whether the decision goes on to the later rules (Redirect, Rewrite).
  bool passes_on() const { return kind == Kind::Redirect || kind == Kind::Rewrite; }
};

// A rule's `when`: on which of its matches it fires, counting the matches of
// its syscalls and argument tests over the whole tree or per process. A rule
// that does not fire does not match.
struct Schedule {
  std::uint64_t from = 1, every = 1, until = UINT64_MAX;  // {nth: N} is from N until N
  std::optional<double> probability;     // fires with this probability (0 < p <= 1)
  std::optional<std::uint64_t> seed;     // of the probability; unset: the run's seed
  bool per_process = false;
  bool operator==(const Schedule&) const = default;
  // Whether match number `count` (from 1) fires, `seed` being the seed in force
  // and `rule_key` telling rules apart.
  bool fires(std::uint64_t count, std::uint64_t seed, std::uint64_t rule_key) const;
};

// One entry of a rule's `syscalls` list.
struct SyscallSelector {
  enum class Kind : std::uint8_t { Name, Group, All, Number };
  Kind kind = Kind::Name;
  std::string name;         // Name: the syscall; Group: the group without '%'
  std::uint32_t group = 0;  // Group: the table's bit
  long number = -1;         // Number: {nr: N}
  SourceLocation where;
};

// One test on one argument: `flags: {any: [O_CREAT]}` is {arg "flags", Any, {O_CREAT}}.
struct ArgTest {
  enum class Op : std::uint8_t {
    Eq, Ne, Lt, Le, Gt, Ge, In, NotIn, All, Any, None, AccMode,  // scalar tests (in BPF)
    PathEq, PathPrefix, PathGlob,                                // on the resolved path (traced)
    AddrIn, AddrNotIn,                                           // on a socket address (traced)
  };
  std::string arg;    // as written: "fd" or "arg0"
  int position = -1;  // for argN; -1 when named (resolved per syscall)
  Op op = Op::Eq;
  std::vector<std::int64_t> values;  // one for scalar ops, the set for In/NotIn/AccMode, bits for flag ops
  std::vector<std::string> texts;    // path patterns (expanded) or address patterns
  SourceLocation where;
  bool scalar() const { return op <= Op::AccMode; }
};

struct Rule {
  std::string name;  // as written, or empty
  std::vector<SyscallSelector> syscalls;
  std::vector<ArgTest> args;  // all must hold
  std::optional<Schedule> when;
  Action action;
  bool log = false;      // `log: true`, or action log
  bool builtin = false;  // added by sysgate itself, not by the policy
  bool quiet = false;    // `log: false` on a deny rule: counted and reported, not printed
  // Built-in rules that only tell the supervisor about a call (decision goes on):
  // kCheckOpenedFd, the descriptor an open returns is looked at in its exit stop
  // (a /proc/PID/mem opened for writing is closed again and refused);
  // kTaskCreation, the call may create a task the supervisor counts.
  enum Note : std::uint8_t { kNoNote = 0, kCheckOpenedFd = 1, kTaskCreation = 2 };
  std::uint8_t note = kNoNote;
  SourceLocation where;
  std::string label() const;  // name, or "rule at file:line"
};

// The `filesystem` section: consulted for path calls no rule decided.
struct FilesystemSection {
  bool present = false;
  std::vector<std::string> read, write, exec, deny;  // globs, variables expanded
  // Where each entry was written, by "list:pattern" ("deny:/etc/shadow"); the
  // first file that names it (entries added by sysgate have none).
  std::map<std::string, SourceLocation> where_of;
  int error = 13;  // EACCES
  // `view: true`: the program's mount namespace shows only the entries' trees
  // (fs/view.hpp), and stat-like calls are answered there by the kernel
  // without a stop. Every entry is then `P` or `P/**`.
  bool view = false;
  // Set by the session for --access-report and --declared: every path call
  // stops to be recorded, the view's stat-like ones too.
  bool every_call_stops = false;
  SourceLocation where;
};

// The `network` section: consulted for socket calls no rule decided.
struct NetworkSection {
  bool present = false;
  std::vector<std::string> allow;  // address patterns (see sysgate-policy(5))
  std::map<std::string, SourceLocation> where_of;  // by pattern
  int error = 111;                 // ECONNREFUSED
  SourceLocation where;
};

// What a fork or clone beyond the `processes` limit does to the run.
enum class ProcessLimitAction : std::uint8_t {
  End,   // the run ends with PROCESS_LIMIT (the default)
  Fail,  // the call fails with EAGAIN and the run goes on (as under isolate)
};

// Resource limits of a run; empty means unlimited. `processes` counts tasks
// (threads included), as pids.max does.
struct Limits {
  std::optional<double> cpu_time_s;
  std::optional<double> wall_time_s;
  std::optional<std::uint64_t> memory;
  std::optional<std::uint64_t> processes;
  std::optional<std::uint64_t> output;
  std::optional<std::uint64_t> file_size;
  std::optional<std::uint64_t> open_files;
  std::optional<std::uint64_t> stack;
  std::optional<ProcessLimitAction> on_process_limit;  // unset: End
  // sysgate attach: file_size, open_files and stack lower only the soft
  // rlimit of a running process (the hard one stays, so that the detach can
  // give it back); a built-in rule refuses raising them while attached.
  bool soft_rlimits = false;
  // Each unset field of *this takes `other`'s; each set limit takes the
  // smaller (a set on_process_limit is kept).
  void merge_smaller(const Limits& other);
};

struct Policy {
  int version = 1;
  std::string name;
  std::vector<Abi> abis{Abi::X86_64};
  Action default_action{Action::Kind::Allow, 0};
  SourceLocation default_where;
  std::vector<Rule> rules;               // in decision order, includes merged
  Limits limits;
  FilesystemSection filesystem;
  NetworkSection network;
  // `capabilities`: the capabilities the program keeps, bit N for capability N
  // (CAP_CHOWN is bit 0, see <linux/capability.h>); 0, the default, keeps none.
  // Unioned over includes.
  std::uint64_t keep_caps = 0;
  // `mode: audit`: every decision is made and logged, none is carried out.
  bool audit = false;
  // `tmp: private`: /tmp (and $TMPDIR) are redirected to the run's own directory.
  bool private_tmp = false;
  // `user: NAME`: who the program runs as when sysgate runs as root and no
  // --user or --group is given (a name of the passwd database, or a number).
  std::optional<std::string> user;
  // Set by the session for a private /tmp: (directory, where it is sent).
  std::vector<std::pair<std::string, std::string>> tmp_redirects;
  std::vector<std::string> sources;      // files read, the top one first
  std::string canonical;                 // merged, expanded form (for hashing)
};

const char* to_string(Abi abi);
const char* to_string(Action::Kind kind);
const char* to_string(ArgTest::Op op);
const char* to_string(ProcessLimitAction action);  // "end", "fail"

}  // namespace sysgate
