// A tiny classic-BPF interpreter for the unit tests: runs a seccomp filter over a
// struct seccomp_data exactly as the kernel's checker-approved subset does, for
// the instructions sysgate's assembler emits (LD W ABS, ALU AND/XOR K,
// JMP JA/JEQ/JGT/JGE/JSET K, RET K). Anything else, an out-of-range load or a
// jump past the end is reported as an error, so a malformed filter fails a test
// instead of being "interpreted" leniently.
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace sysgate::testing {

struct BpfRun {
  std::uint32_t ret = 0;   // the RET K value
  std::size_t steps = 0;   // instructions executed
};

// Throws std::runtime_error on anything the kernel's checker would reject at
// load time or that cannot happen in a valid program.
inline BpfRun run_bpf(const std::vector<sock_filter>& prog, const seccomp_data& data) {
  if (prog.empty() || prog.size() > BPF_MAXINSNS) throw std::runtime_error("bad program length");
  unsigned char bytes[sizeof(seccomp_data)];
  std::memcpy(bytes, &data, sizeof data);
  std::uint32_t A = 0;
  std::size_t pc = 0;
  BpfRun out;
  for (;;) {
    if (pc >= prog.size()) throw std::runtime_error("pc past the end of the program");
    const sock_filter& f = prog[pc];
    ++out.steps;
    if (out.steps > prog.size()) throw std::runtime_error("program loops");  // classic BPF only jumps forward
    switch (f.code) {
      case BPF_LD | BPF_W | BPF_ABS: {
        if (f.k % 4 != 0 || f.k + 4 > sizeof(seccomp_data))
          throw std::runtime_error("load at bad offset " + std::to_string(f.k));
        std::memcpy(&A, bytes + f.k, 4);
        ++pc;
        break;
      }
      case BPF_ALU | BPF_AND | BPF_K: A &= f.k; ++pc; break;
      case BPF_ALU | BPF_XOR | BPF_K: A ^= f.k; ++pc; break;
      case BPF_RET | BPF_K: out.ret = f.k; return out;
      case BPF_JMP | BPF_JA: {
        std::uint64_t target = pc + 1 + static_cast<std::uint64_t>(f.k);
        if (target >= prog.size()) throw std::runtime_error("ja past the end");
        pc = static_cast<std::size_t>(target);
        break;
      }
      case BPF_JMP | BPF_JEQ | BPF_K:
      case BPF_JMP | BPF_JGT | BPF_K:
      case BPF_JMP | BPF_JGE | BPF_K:
      case BPF_JMP | BPF_JSET | BPF_K: {
        bool cond = false;
        switch (BPF_OP(f.code)) {
          case BPF_JEQ: cond = A == f.k; break;
          case BPF_JGT: cond = A > f.k; break;
          case BPF_JGE: cond = A >= f.k; break;
          case BPF_JSET: cond = (A & f.k) != 0; break;
        }
        // The kernel checks both targets at load time.
        if (pc + 1 + f.jt >= prog.size() || pc + 1 + f.jf >= prog.size())
          throw std::runtime_error("conditional jump past the end at " + std::to_string(pc));
        pc = pc + 1 + (cond ? f.jt : f.jf);
        break;
      }
      default: throw std::runtime_error("unsupported instruction code " + std::to_string(f.code) + " at " + std::to_string(pc));
    }
  }
}

// Every instruction is one the interpreter knows, every jump lands inside the
// program and the last instruction is a RET (what the kernel's checker requires).
inline std::string check_bpf(const std::vector<sock_filter>& prog) {
  if (prog.empty()) return "empty";
  if (prog.size() > BPF_MAXINSNS) return "too long";
  for (std::size_t pc = 0; pc < prog.size(); ++pc) {
    const sock_filter& f = prog[pc];
    switch (f.code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (f.k % 4 != 0 || f.k + 4 > sizeof(seccomp_data)) return "bad load at " + std::to_string(pc);
        break;
      case BPF_ALU | BPF_AND | BPF_K:
      case BPF_ALU | BPF_XOR | BPF_K:
      case BPF_RET | BPF_K: break;
      case BPF_JMP | BPF_JA:
        if (pc + 1 + static_cast<std::uint64_t>(f.k) >= prog.size()) return "ja out of range at " + std::to_string(pc);
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
      case BPF_JMP | BPF_JGT | BPF_K:
      case BPF_JMP | BPF_JGE | BPF_K:
      case BPF_JMP | BPF_JSET | BPF_K:
        if (pc + 1 + f.jt >= prog.size() || pc + 1 + f.jf >= prog.size())
          return "jump out of range at " + std::to_string(pc);
        break;
      default: return "unknown code at " + std::to_string(pc);
    }
  }
  if (BPF_CLASS(prog.back().code) != BPF_RET) return "does not end in ret";
  return "";
}

inline seccomp_data make_data(std::uint32_t arch, std::int32_t nr, const std::uint64_t args[6]) {
  seccomp_data d{};
  d.arch = arch;
  d.nr = nr;
  d.instruction_pointer = 0x401000;
  for (int i = 0; i < 6; ++i) d.args[i] = args[i];
  return d;
}

}  // namespace sysgate::testing
