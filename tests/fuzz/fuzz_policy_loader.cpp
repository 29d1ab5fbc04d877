// The policy loader (policy::load_text): any bytes in. A policy that does not
// load must throw InputError (every problem with its file:line:column), never
// another exception, crash, hang or sanitizer report. A policy that loads is
// compiled (compile::compile) and its seccomp filter built and checked the way
// the kernel's checker would (tests/bpf_interpreter.hpp), so whatever the loader
// accepts the compiler and the filter builder must handle.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bpf_interpreter.hpp"
#include "compile/bpf_filter.hpp"
#include "compile/plan.hpp"
#include "policy/loader.hpp"
#include "sysgate/diagnostic.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return -1;  // policies are small; keep the executions fast
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Relative includes are looked up next to a file that does not exist (so
  // only absolute ones and the shipped policies can be included).
  const sysgate::policy::LoadOptions options{"/box", "/run/sysgate-fuzz"};
  sysgate::Policy policy;
  try {
    policy = sysgate::policy::load_text(text, "/nonexistent-sysgate-fuzz/fuzz.yaml", options);
  } catch (const sysgate::InputError& e) {
    if (e.diagnostics().empty()) {
      std::fprintf(stderr, "fuzz_policy_loader: InputError without a diagnostic\n");
      __builtin_trap();
    }
    for (const auto& d : e.diagnostics()) {
      if (d.message.empty()) {
        std::fprintf(stderr, "fuzz_policy_loader: a diagnostic without a message at %s\n", d.where.str().c_str());
        __builtin_trap();
      }
    }
    return 0;
  }
  // Anything the loader accepts compiles into a filter the kernel would load.
  sysgate::compile::Plan plan = sysgate::compile::compile(std::move(policy), sysgate::compile::Engine::Seccomp);
  std::vector<sock_filter> prog;
  try {
    prog = sysgate::compile::build_filter(plan);
  } catch (const std::runtime_error& e) {
    // A policy whose filter needs more than BPF_MAXINSNS: refused with a message (session prepare()).
    if (std::strstr(e.what(), "longer than the kernel allows") != nullptr) return 0;
    throw;
  }
  const std::string problem = sysgate::testing::check_bpf(prog);
  if (!problem.empty()) {
    std::fprintf(stderr, "fuzz_policy_loader: the filter of a loaded policy is invalid: %s\n", problem.c_str());
    __builtin_trap();
  }
  return 0;
}
