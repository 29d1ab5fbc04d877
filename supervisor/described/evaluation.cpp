#include "described/evaluation.hpp"

#include <cerrno>
#include <optional>

#include "described/described_memory.hpp"

namespace sysgate::described {

using compile::KernelVerdict;

KernelVerdict kernel_verdict(const compile::Plan& plan, Abi abi, long nr, const std::uint64_t args[6], int* error) {
  if (error != nullptr) *error = 0;
  if (plan.engine == compile::Engine::Ptrace) return KernelVerdict::Trace;  // no filter: every call stops
  const compile::AbiPlan* ap = plan.abi(abi);
  if (ap == nullptr || !ap->allowed) return KernelVerdict::Trace;  // the supervisor kills a foreign ABI
  const compile::CallPlan* call = ap->find(nr);
  if (call == nullptr) {
    if (error != nullptr) *error = ENOSYS;
    return KernelVerdict::Errno;
  }
  if (call->kernel != KernelVerdict::ByArgs) {
    if (call->kernel == KernelVerdict::Errno && error != nullptr) *error = call->kernel_errno;
    return call->kernel;
  }
  return compile::leaf_verdict(plan, *call, args);
}

Evaluation evaluate(const compile::Plan& plan, const DescribedCall& call, compile::ScheduleState* schedules) {
  Evaluation e;
  e.abi = call.abi;
  e.default_where = plan.policy.default_where;
  e.kernel = kernel_verdict(plan, call.abi, call.nr, call.args, &e.kernel_errno);
  // As the monitor does: memory only for a call whose decision may read it.
  const compile::CallPlan* cp = nullptr;
  if (const compile::AbiPlan* ap = plan.abi(call.abi)) cp = ap->find(call.nr);
  std::optional<DescribedMemory> memory;
  if (cp != nullptr && cp->reads_memory) memory.emplace(call);
  e.decision = compile::decide(plan, call.abi, call.nr, call.args, memory ? &*memory : nullptr, schedules, 1);
  return e;
}

}  // namespace sysgate::described
