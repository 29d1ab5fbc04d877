// The compiled plan: for every (ABI, syscall number) the candidate rules in
// decision order with their tests normalised to what the kernel compares, and
// whether the kernel can decide alone. The BPF filter and the user-space
// decision are both read off this one structure, so they cannot disagree.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "arch/syscall_table.hpp"
#include "fs/path_pattern.hpp"
#include "fs/path_resolver.hpp"
#include "net/socket_address.hpp"
#include "sysgate/decision.hpp"
#include "sysgate/policy.hpp"

namespace sysgate::compile {

enum class Engine : std::uint8_t { Seccomp, Ptrace };

// One argument test as the kernel sees the argument: 32-bit arguments (and all
// arguments of a 32-bit ABI) compare their low half only.
struct CompiledTest {
  int index = 0;
  bool is32 = false;
  bool is_signed = false;
  ArgTest::Op op = ArgTest::Op::Eq;
  std::vector<std::uint64_t> values;  // truncated to 32 bits when is32
  // On a 32-bit ABI a value wider than 32 bits can never be an argument: the
  // test is then decided without looking (eq never holds, ne always does ...).
  enum class Fixed : std::uint8_t { No, Always, Never } fixed = Fixed::No;
  std::vector<fs::PathPattern> paths;       // path tests
  std::vector<net::AddressPattern> addrs;   // socket address tests
  bool scalar() const { return paths.empty() && addrs.empty(); }
  bool holds(std::uint64_t arg) const;  // scalar tests only
};

struct CompiledFilesystem {
  bool present = false;
  std::vector<fs::PathPattern> read, write, exec, deny;
  std::vector<std::pair<unsigned long, unsigned long>> deny_inodes;  // (dev, ino) of existing denied files
  int error = 0;
  // Stat-like calls are answered by the kernel in the view (fs/view.hpp), not
  // stopped: `view: true`, enforced (not audit mode), no private /tmp to
  // redirect them to, no access report to record them in.
  bool view_answers_stat = false;
};

struct CompiledNetwork {
  bool present = false;
  std::vector<net::AddressPattern> allow;
  int error = 0;
};

// What a decision needs from the tracee's memory, read lazily: only a call
// whose rules or sections look at a path or an address pays for reading it.
class CallMemory {
 public:
  virtual ~CallMemory() = default;
  // The resolved path of argument `index`; nullptr with `error` set when the
  // kernel would fail the lookup (EFAULT, ENOENT, ELOOP, EBADF ...).
  virtual const fs::ResolvedPath* path(int index, int& error) = 0;
  // The path of argument `index` as named, also where a directory on the way
  // does not exist (the rest joined lexically): what a redirect rule's test
  // reads, since the directory may exist where the redirect leads.
  virtual const fs::ResolvedPath* named_path(int index, int& error) = 0;
  // Redirect: argument `index` names `to` from now on (for the later tests,
  // the sections, and the bytes the kernel is given). nullptr with `error`
  // set when `to` cannot be resolved as the call would resolve it.
  virtual const fs::ResolvedPath* redirect(int index, const std::string& to, int& error) = 0;
  // A path that is not an argument (a UNIX socket's), resolved against the cwd.
  virtual const fs::ResolvedPath* resolve(const std::string& path, bool follow_last, int& error) = 0;
  // Every destination address the call names (empty: none, e.g. sendto on a
  // connected socket); nullptr with `error` set when unreadable.
  virtual const std::vector<net::SocketAddress>* addresses(int& error) = 0;
};

// A `rewrite` edit resolved for one call: which register, and its width.
struct CompiledEdit {
  int index = 0;
  bool is32 = false;
  bool is_signed = false;
  const ArgEdit* edit = nullptr;
};

struct CompiledRule {
  const Rule* rule = nullptr;
  std::vector<CompiledTest> tests;  // all must hold; empty matches always
  std::vector<CompiledEdit> edits;  // Rewrite
  // Redirect: the path argument replaced (the one its path test reads). With
  // `redirect_tail`, the path's part below `redirect_from` (the test's
  // resolved base) is kept below `redirect_to`; else the path becomes it.
  int redirect_index = -1;
  bool redirect_tail = false;
  std::string redirect_from, redirect_to;
};

// The match counts of the rules with a `when`, over one run.
class ScheduleState {
 public:
  explicit ScheduleState(std::uint64_t seed) : seed_(seed) {}
  // One more match of `rule` by process `tgid`: whether its `when` fires, and
  // the count it reached.
  bool fire(const Rule& rule, int tgid, std::uint64_t& count);
  // Takes back the last match of `rule` (the call will be decided again).
  void undo(const Rule& rule, int tgid);
  std::uint64_t seed() const { return seed_; }

 private:
  std::uint64_t seed_;
  std::map<std::pair<const Rule*, int>, std::uint64_t> counts_;
};

enum class KernelVerdict : std::uint8_t {
  Allow,   // SECCOMP_RET_ALLOW: never stops
  Trace,   // SECCOMP_RET_TRACE: always stops
  Errno,   // SECCOMP_RET_ERRNO: only for numbers nothing knows
  ByArgs,  // BPF tests the arguments, then allows or traces
};

struct CallPlan {
  long nr = -1;
  std::string name;  // empty for a number no ABI table names
  const arch::SyscallSpec* spec = nullptr;
  std::vector<CompiledRule> rules;  // candidates in order; rules after an unconditional one are dropped
  KernelVerdict kernel = KernelVerdict::Trace;
  int kernel_errno = 0;
  bool filesystem = false;  // reaches the filesystem section
  bool view_answers = false;  // a stat-like call the section leaves to the view: allowed once no rule decides
  bool network = false;     // reaches the network section
  bool reads_memory = false;  // deciding it may read paths or addresses (known once, not per stop)
};

struct AbiPlan {
  Abi abi{};
  bool allowed = false;         // listed in the policy's `abi`
  long first_nr = 0;            // nr_base of the ABI
  long highest_nr = -1;         // the dense range is first_nr..highest_nr
  std::vector<CallPlan> calls;  // dense, index nr - first_nr
  std::map<long, CallPlan> extra;  // numbers above highest_nr the policy names
  const CallPlan* find(long nr) const;
};

// Where each tracee address space gets its scratch region when a checked
// argument must be copied (see docs/race-safety.md): low in the address space,
// above vm.mmap_min_addr and below where executables and libraries are loaded,
// so the filter guards it with one comparison per address argument.
struct ScratchLayout {
  std::uint64_t base = 0x10000;
  std::uint64_t size = 0x100000;
  std::uint64_t end() const { return base + size; }
};
ScratchLayout scratch_layout();

// Rules are referred to by address, so a plan moves but is never copied.
struct Plan {
  Plan() = default;
  Plan(Plan&&) = default;
  Plan& operator=(Plan&&) = default;
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;

  Policy policy;
  Engine engine = Engine::Seccomp;
  std::vector<Rule> builtin_rules;  // sysgate's own, decided before the policy's
  std::vector<AbiPlan> abis;        // every ABI the host can run, allowed or not
  CompiledFilesystem filesystem;
  CompiledNetwork network;
  ScratchLayout scratch;
  const AbiPlan* abi(Abi a) const;
};

// The tag our filter puts in SECCOMP_RET_DATA, so a TRACE stop from the program's
// own filter can be told apart.
constexpr std::uint16_t kTraceTag = 0x5347;

Plan compile(Policy policy, Engine engine);

// The decision for one call, as the filter plus the supervisor make it.
// `memory` may be null when the call needs nothing from memory (decide.cpp).
// `schedules` counts the matches of rules with a `when` (by process `tgid`);
// without it such rules never fire.
Decision decide(const Plan& plan, Abi abi, long nr, const std::uint64_t args[6], CallMemory* memory = nullptr,
                ScheduleState* schedules = nullptr, int tgid = 0);

// The decision semantics every reader of a plan shares (the compiler, the BPF
// filter, `explain`), written once in decide.cpp:
// Whether a call that no candidate rule decides goes on to the sections and the
// default: unless its last candidate rule is unconditional (no tests, no note,
// no `when`, an action that decides; rules after such a rule are never
// candidates).
bool reaches_default(const CallPlan& call);
// Whether a rule always decides a call once its tests hold.
bool decides_when_matched(const Rule& rule);
// What the kernel does when a rule's scalar tests hold: allow, or trace when
// the supervisor must look (memory tests, notes, `when`, anything but a
// silent allow).
KernelVerdict rule_verdict(const CompiledRule& rule);
// Whether a rule's selector names the call `nr` (`name`, `spec`: its table entry).
bool selects(const SyscallSelector& sel, long nr, const std::string& name, const arch::SyscallSpec* spec);
// Whether the filesystem or the network section decides such a call.
bool decided_by_sections(const CallPlan& call);
// What the kernel does with such a call: traced when a section decides it or
// the default is anything but allow.
KernelVerdict default_verdict(const Plan& plan, const CallPlan& call);
// The filter's leaf of a call (bpf_filter.cpp emits it): the rules in order,
// the first whose scalar tests hold returns its rule_verdict, so nothing
// follows a rule without scalar tests; then the default's verdict.
// Whether some arguments reach that last step:
bool leaf_reaches_default(const CallPlan& call);
// What the leaf returns for these arguments.
KernelVerdict leaf_verdict(const Plan& plan, const CallPlan& call, const std::uint64_t args[6]);
// Calls that name a socket address (a UNIX one is a file too).
bool names_address(std::string_view syscall);

}  // namespace sysgate::compile
