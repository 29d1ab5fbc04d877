// A described call decided by a compiled plan, as a run would decide it: the
// same compile::decide the supervisor calls, with the call's memory described
// (described_memory.hpp), and what the seccomp filter does with it before the
// supervisor sees it.
#pragma once

#include <cstdint>

#include "compile/plan.hpp"
#include "described/call_description.hpp"
#include "sysgate/decision.hpp"

namespace sysgate::described {

struct Evaluation {
  Decision decision;
  // What the filter returns for these registers: Allow (no stop, the
  // supervisor never sees the call), Trace (the supervisor decides), Errno
  // (kernel_errno without a stop: numbers nothing knows). Under the ptrace
  // engine every call stops: Trace.
  compile::KernelVerdict kernel = compile::KernelVerdict::Trace;
  int kernel_errno = 0;
  Abi abi = Abi::X86_64;         // the call's
  SourceLocation default_where;  // where the policy's default is written
};

// The filter's verdict for one call, read off the plan by the rules the BPF
// filter is built by (bpf_filter.cpp): never ByArgs.
compile::KernelVerdict kernel_verdict(const compile::Plan& plan, Abi abi, long nr, const std::uint64_t args[6],
                                      int* error = nullptr);

// `schedules` counts the matches of rules with a `when` over several calls
// (one process); null: such rules never fire.
Evaluation evaluate(const compile::Plan& plan, const DescribedCall& call, compile::ScheduleState* schedules);

}  // namespace sysgate::described
