// A tiny classic-BPF assembler with labels. Conditional jumps in classic BPF
// reach at most 255 instructions ahead; a jump that must go further is expanded
// into a conditional over two unconditional `ja`s (32-bit offsets).
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <vector>

namespace sysgate::compile {

class BpfAssembler {
 public:
  struct Label {
    int id;  // -1: the next instruction
  };
  static constexpr Label kNext{-1};

  Label label();
  void bind(Label l);
  void load(std::uint32_t offset);  // A = seccomp_data[offset] (32-bit)
  void and_k(std::uint32_t k);
  void xor_k(std::uint32_t k);
  void ret(std::uint32_t k);
  void jump(Label target);
  // op is BPF_JEQ, BPF_JGT, BPF_JGE or BPF_JSET; jumps to if_true when A op k holds.
  void branch(std::uint16_t op, std::uint32_t k, Label if_true, Label if_false);

  std::vector<sock_filter> assemble() const;

 private:
  struct Item {
    bool is_label = false;
    int label_id = -1;
    sock_filter insn{};
    int jt = -1, jf = -1;  // labels for conditional jumps; -1 = next
    bool conditional = false;
    bool ja = false;
    int ja_target = -1;
  };
  std::vector<Item> items_;
  int labels_ = 0;
};

}  // namespace sysgate::compile
