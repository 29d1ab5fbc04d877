// Layout of the filter:
//   check arch -> per-ABI block -> binary search over syscall-number ranges ->
//   leaf: ret ALLOW | ret TRACE | ret ERRNO(ENOSYS) | the argument tests of the
//   call's rules in order, each ending in the rule's kernel verdict.
// A call whose decision needs user space (deny, kill, log) returns TRACE so the
// supervisor can report it; the filter never kills on its own (a seccomp kill's
// SIGSYS cannot be seen by a tracer, so the report could not name the call).
#include "compile/bpf_filter.hpp"

#include <linux/audit.h>
#include <linux/seccomp.h>

#include <cerrno>
#include <cstddef>
#include <sstream>

#include "arch/abi.hpp"
#include "arch/constants.hpp"
#include "compile/bpf_assembler.hpp"

namespace sysgate::compile {
namespace {

constexpr std::uint32_t kRetTrace = SECCOMP_RET_TRACE | kTraceTag;
constexpr std::uint32_t kRetEnosys = SECCOMP_RET_ERRNO | ENOSYS;
constexpr std::uint32_t kNrOffset = offsetof(seccomp_data, nr);
constexpr std::uint32_t kArchOffset = offsetof(seccomp_data, arch);

std::uint32_t lo_offset(int i) { return static_cast<std::uint32_t>(offsetof(seccomp_data, args) + 8 * i); }
std::uint32_t hi_offset(int i) { return lo_offset(i) + 4; }

std::uint32_t ret_of(const CompiledRule& cr) {
  return rule_verdict(cr) == KernelVerdict::Allow ? SECCOMP_RET_ALLOW : kRetTrace;
}

using L = BpfAssembler::Label;

bool same_test(const CompiledTest& a, const CompiledTest& b) {
  return a.index == b.index && a.is32 == b.is32 && a.is_signed == b.is_signed && a.op == b.op &&
         a.values == b.values && a.fixed == b.fixed && a.scalar() == b.scalar();
}

// Two calls whose leaves would be the same instructions.
bool same_leaf(const CallPlan& a, const CallPlan& b) {
  if (a.rules.size() != b.rules.size() || a.filesystem != b.filesystem || a.network != b.network) return false;
  for (std::size_t i = 0; i < a.rules.size(); ++i) {
    const auto& ra = a.rules[i];
    const auto& rb = b.rules[i];
    if (ra.rule != rb.rule || ra.tests.size() != rb.tests.size()) return false;
    for (std::size_t k = 0; k < ra.tests.size(); ++k)
      if (!same_test(ra.tests[k], rb.tests[k])) return false;
  }
  return true;
}

class FilterBuilder {
 public:
  explicit FilterBuilder(const Plan& plan) : plan_(plan) {}

  std::vector<sock_filter> build() {
    const AbiPlan* x64 = plan_.abi(Abi::X86_64);
    const AbiPlan* x32 = plan_.abi(Abi::X32);
    const AbiPlan* i386 = plan_.abi(Abi::I386);
    L l64 = a_.label(), l386 = a_.label();
    a_.load(kArchOffset);
    a_.branch(BPF_JEQ, AUDIT_ARCH_X86_64, l64, BpfAssembler::kNext);
    a_.branch(BPF_JEQ, AUDIT_ARCH_I386, l386, BpfAssembler::kNext);
    a_.ret(kRetTrace);  // an architecture we do not know: the supervisor kills

    a_.bind(l64);
    L lx32 = a_.label(), lneg = a_.label();
    a_.load(kNrOffset);
    a_.branch(BPF_JGE, 0x80000000u, lneg, BpfAssembler::kNext);
    a_.branch(BPF_JGE, 0x40000000u, lx32, BpfAssembler::kNext);
    abi_block(*x64, 0, 0x3fffffffu);
    a_.bind(lx32);
    abi_block(*x32, 0x40000000u, 0x7fffffffu);
    a_.bind(lneg);
    a_.ret(x64->allowed ? kRetEnosys : kRetTrace);  // syscall(-1) and friends

    a_.bind(l386);
    a_.load(kNrOffset);
    abi_block(*i386, 0, 0xffffffffu);
    return a_.assemble();
  }

 private:
  struct Segment {
    std::uint32_t lo, hi;
    std::uint32_t ret;                // when call == nullptr
    const CallPlan* call = nullptr;   // argument tests needed
  };

  // Expects the syscall number in A.
  void abi_block(const AbiPlan& ap, std::uint32_t lo, std::uint32_t hi) {
    if (!ap.allowed) {
      a_.ret(kRetTrace);  // a foreign ABI: reported and killed by the supervisor
      return;
    }
    std::vector<Segment> segs;
    auto add = [&](std::uint32_t n, std::uint32_t ret, const CallPlan* call) {
      // Neighbouring numbers that end the same (or run the same tests) share one leaf.
      if (!segs.empty() && segs.back().hi + 1 == n &&
          (call == nullptr ? segs.back().call == nullptr && segs.back().ret == ret
                           : segs.back().call != nullptr && same_leaf(*segs.back().call, *call))) {
        segs.back().hi = n;
        return;
      }
      segs.push_back({n, n, ret, call});
    };
    auto add_call = [&](const CallPlan& c) {
      auto n = static_cast<std::uint32_t>(c.nr);
      switch (c.kernel) {
        case KernelVerdict::Allow: add(n, SECCOMP_RET_ALLOW, nullptr); break;
        case KernelVerdict::Trace: add(n, kRetTrace, nullptr); break;
        case KernelVerdict::Errno: add(n, SECCOMP_RET_ERRNO | static_cast<std::uint32_t>(c.kernel_errno), nullptr); break;
        case KernelVerdict::ByArgs: add(n, 0, &c); break;
      }
    };
    for (const auto& c : ap.calls) add_call(c);
    std::uint32_t next = static_cast<std::uint32_t>(ap.highest_nr + 1);
    for (const auto& [nr, c] : ap.extra) {
      if (static_cast<std::uint32_t>(nr) > hi) continue;  // outside this ABI's number space
      if (static_cast<std::uint32_t>(nr) > next) segs.push_back({next, static_cast<std::uint32_t>(nr) - 1, kRetEnosys, nullptr});
      add_call(c);
      next = static_cast<std::uint32_t>(nr) + 1;
    }
    if (next <= hi && next >= lo) segs.push_back({next, hi, kRetEnosys, nullptr});
    tree(segs, 0, segs.size());
  }

  void tree(const std::vector<Segment>& segs, std::size_t b, std::size_t e) {
    if (e - b == 1) {
      leaf(segs[b]);
      return;
    }
    std::size_t mid = b + (e - b) / 2;
    L right = a_.label();
    a_.branch(BPF_JGE, segs[mid].lo, right, BpfAssembler::kNext);
    tree(segs, b, mid);
    a_.bind(right);
    tree(segs, mid, e);
  }

  void leaf(const Segment& s) {
    if (s.call == nullptr) {
      a_.ret(s.ret);
      return;
    }
    for (const auto& cr : s.call->rules) {
      L fail = a_.label();
      for (const auto& t : cr.tests)
        if (t.scalar()) test(t, fail);
      a_.ret(ret_of(cr));
      a_.bind(fail);
    }
    if (reaches_default(*s.call))
      a_.ret(default_verdict(plan_, *s.call) == KernelVerdict::Trace ? kRetTrace : SECCOMP_RET_ALLOW);
  }

  // Falls through when the test holds, jumps to `fail` when not.
  void test(const CompiledTest& t, L fail) {
    using Op = ArgTest::Op;
    if (t.fixed == CompiledTest::Fixed::Always) return;
    if (t.fixed == CompiledTest::Fixed::Never) {
      a_.jump(fail);
      return;
    }
    const L next = BpfAssembler::kNext;
    bool ordering = t.op == Op::Lt || t.op == Op::Le || t.op == Op::Gt || t.op == Op::Ge;
    std::uint64_t mask = 0;
    for (auto v : t.values) mask |= v;
    if (t.is32 || t.op == Op::AccMode) {
      a_.load(lo_offset(t.index));
      auto v0 = static_cast<std::uint32_t>(t.values[0]);
      if (ordering && t.is_signed) {
        // Signed order by flipping the sign bit on both sides.
        a_.xor_k(0x80000000u);
        v0 ^= 0x80000000u;
      }
      switch (t.op) {
        case Op::Eq: a_.branch(BPF_JEQ, v0, next, fail); break;
        case Op::Ne: a_.branch(BPF_JEQ, v0, fail, next); break;
        case Op::Lt: a_.branch(BPF_JGE, v0, fail, next); break;
        case Op::Le: a_.branch(BPF_JGT, v0, fail, next); break;
        case Op::Gt: a_.branch(BPF_JGT, v0, next, fail); break;
        case Op::Ge: a_.branch(BPF_JGE, v0, next, fail); break;
        case Op::AccMode:
          a_.and_k(3);
          [[fallthrough]];
        case Op::In: {
          L pass = a_.label();
          for (auto v : t.values) a_.branch(BPF_JEQ, static_cast<std::uint32_t>(v), pass, next);
          a_.jump(fail);
          a_.bind(pass);
          break;
        }
        case Op::NotIn:
          for (auto v : t.values) a_.branch(BPF_JEQ, static_cast<std::uint32_t>(v), fail, next);
          break;
        case Op::All:
          a_.and_k(static_cast<std::uint32_t>(mask));
          a_.branch(BPF_JEQ, static_cast<std::uint32_t>(mask), next, fail);
          break;
        case Op::Any: a_.branch(BPF_JSET, static_cast<std::uint32_t>(mask), next, fail); break;
        case Op::None: a_.branch(BPF_JSET, static_cast<std::uint32_t>(mask), fail, next); break;
        default: break;  // memory tests are the supervisor's
      }
      return;
    }
    // 64-bit: compare the high halves, then the low halves.
    auto hi = [](std::uint64_t v) { return static_cast<std::uint32_t>(v >> 32); };
    auto lo = [](std::uint64_t v) { return static_cast<std::uint32_t>(v); };
    std::uint64_t v = t.values[0];
    switch (t.op) {
      case Op::Eq:
        a_.load(hi_offset(t.index));
        a_.branch(BPF_JEQ, hi(v), next, fail);
        a_.load(lo_offset(t.index));
        a_.branch(BPF_JEQ, lo(v), next, fail);
        break;
      case Op::Ne: {
        L pass = a_.label();
        a_.load(hi_offset(t.index));
        a_.branch(BPF_JEQ, hi(v), next, pass);
        a_.load(lo_offset(t.index));
        a_.branch(BPF_JEQ, lo(v), fail, next);
        a_.bind(pass);
        break;
      }
      case Op::In:
      case Op::NotIn: {
        L pass = a_.label();
        bool in = t.op == Op::In;
        for (auto x : t.values) {
          L other = a_.label();
          a_.load(hi_offset(t.index));
          a_.branch(BPF_JEQ, hi(x), next, other);
          a_.load(lo_offset(t.index));
          a_.branch(BPF_JEQ, lo(x), in ? pass : fail, other);
          a_.bind(other);
        }
        if (in) a_.jump(fail);
        a_.bind(pass);
        break;
      }
      case Op::Lt:
      case Op::Le:
      case Op::Gt:
      case Op::Ge: {
        L pass = a_.label();
        std::uint32_t vh = hi(v);
        a_.load(hi_offset(t.index));
        if (t.is_signed) {
          a_.xor_k(0x80000000u);
          vh ^= 0x80000000u;
        }
        bool greater = t.op == Op::Gt || t.op == Op::Ge;
        a_.branch(BPF_JGT, vh, greater ? pass : fail, next);
        a_.branch(BPF_JEQ, vh, next, greater ? fail : pass);
        a_.load(lo_offset(t.index));
        switch (t.op) {
          case Op::Gt: a_.branch(BPF_JGT, lo(v), pass, fail); break;
          case Op::Ge: a_.branch(BPF_JGE, lo(v), pass, fail); break;
          case Op::Lt: a_.branch(BPF_JGE, lo(v), fail, pass); break;
          default: a_.branch(BPF_JGT, lo(v), fail, pass); break;
        }
        a_.bind(pass);
        break;
      }
      case Op::All:
        if (hi(mask) != 0) {
          a_.load(hi_offset(t.index));
          a_.and_k(hi(mask));
          a_.branch(BPF_JEQ, hi(mask), next, fail);
        }
        if (lo(mask) != 0) {
          a_.load(lo_offset(t.index));
          a_.and_k(lo(mask));
          a_.branch(BPF_JEQ, lo(mask), next, fail);
        }
        break;
      case Op::Any: {
        L pass = a_.label();
        if (hi(mask) != 0) {
          a_.load(hi_offset(t.index));
          a_.branch(BPF_JSET, hi(mask), pass, next);
        }
        if (lo(mask) != 0) {
          a_.load(lo_offset(t.index));
          a_.branch(BPF_JSET, lo(mask), pass, next);
        }
        a_.jump(fail);
        a_.bind(pass);
        break;
      }
      case Op::None:
        if (hi(mask) != 0) {
          a_.load(hi_offset(t.index));
          a_.branch(BPF_JSET, hi(mask), fail, next);
        }
        if (lo(mask) != 0) {
          a_.load(lo_offset(t.index));
          a_.branch(BPF_JSET, lo(mask), fail, next);
        }
        break;
      default: break;  // AccMode is handled with the 32-bit tests; memory tests by the supervisor
    }
  }

  const Plan& plan_;
  BpfAssembler a_;
};

std::string describe_ret(std::uint32_t k) {
  std::uint32_t action = k & SECCOMP_RET_ACTION_FULL;
  std::uint32_t data = k & SECCOMP_RET_DATA;
  switch (action) {
    case SECCOMP_RET_ALLOW: return "ALLOW";
    case SECCOMP_RET_TRACE: return "TRACE(" + std::to_string(data) + ")";
    case SECCOMP_RET_ERRNO: return "ERRNO(" + arch::errno_name(static_cast<int>(data)) + ")";
    case SECCOMP_RET_KILL_PROCESS: return "KILL_PROCESS";
    case SECCOMP_RET_KILL_THREAD: return "KILL_THREAD";
    case SECCOMP_RET_TRAP: return "TRAP";
    case SECCOMP_RET_LOG: return "LOG";
    default: return "0x" + std::to_string(k);
  }
}

std::string field(std::uint32_t off) {
  if (off == kNrOffset) return "nr";
  if (off == kArchOffset) return "arch";
  if (off >= offsetof(seccomp_data, args)) {
    std::uint32_t rel = off - static_cast<std::uint32_t>(offsetof(seccomp_data, args));
    return "arg" + std::to_string(rel / 8) + (rel % 8 == 0 ? ".lo" : ".hi");
  }
  return "[" + std::to_string(off) + "]";
}

}  // namespace

std::vector<sock_filter> build_filter(const Plan& plan) { return FilterBuilder(plan).build(); }

std::string disassemble(const std::vector<sock_filter>& program) {
  std::ostringstream out;
  char buf[160];
  for (std::size_t i = 0; i < program.size(); ++i) {
    const sock_filter& f = program[i];
    std::string text;
    switch (BPF_CLASS(f.code)) {
      case BPF_LD: text = "ld  " + field(f.k); break;
      case BPF_ALU:
        std::snprintf(buf, sizeof buf, "%s #0x%x", BPF_OP(f.code) == BPF_AND ? "and" : "xor", f.k);
        text = buf;
        break;
      case BPF_RET: text = "ret " + describe_ret(f.k); break;
      case BPF_JMP: {
        if (BPF_OP(f.code) == BPF_JA) {
          std::snprintf(buf, sizeof buf, "ja  %zu", i + 1 + f.k);
        } else {
          const char* op = BPF_OP(f.code) == BPF_JEQ   ? "jeq"
                           : BPF_OP(f.code) == BPF_JGT ? "jgt"
                           : BPF_OP(f.code) == BPF_JGE ? "jge"
                                                       : "jset";
          std::snprintf(buf, sizeof buf, "%-4s#0x%-8x true: %zu  false: %zu", op, f.k, i + 1 + f.jt, i + 1 + f.jf);
        }
        text = buf;
        break;
      }
      default: text = "?";
    }
    std::snprintf(buf, sizeof buf, "%04zu  ", i);
    out << buf << text << "\n";
  }
  return out.str();
}

}  // namespace sysgate::compile
