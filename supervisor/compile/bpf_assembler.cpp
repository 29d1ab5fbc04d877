#include "compile/bpf_assembler.hpp"

#include <stdexcept>

namespace sysgate::compile {

BpfAssembler::Label BpfAssembler::label() { return Label{labels_++}; }

void BpfAssembler::bind(Label l) {
  Item it;
  it.is_label = true;
  it.label_id = l.id;
  items_.push_back(it);
}

void BpfAssembler::load(std::uint32_t offset) {
  Item it;
  it.insn = BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset);
  items_.push_back(it);
}

void BpfAssembler::and_k(std::uint32_t k) {
  Item it;
  it.insn = BPF_STMT(BPF_ALU | BPF_AND | BPF_K, k);
  items_.push_back(it);
}

void BpfAssembler::xor_k(std::uint32_t k) {
  Item it;
  it.insn = BPF_STMT(BPF_ALU | BPF_XOR | BPF_K, k);
  items_.push_back(it);
}

void BpfAssembler::ret(std::uint32_t k) {
  Item it;
  it.insn = BPF_STMT(BPF_RET | BPF_K, k);
  items_.push_back(it);
}

void BpfAssembler::jump(Label target) {
  Item it;
  it.ja = true;
  it.ja_target = target.id;
  it.insn = BPF_STMT(BPF_JMP | BPF_JA, 0);
  items_.push_back(it);
}

void BpfAssembler::branch(std::uint16_t op, std::uint32_t k, Label if_true, Label if_false) {
  Item it;
  it.conditional = true;
  it.insn = BPF_JUMP(BPF_JMP | op | BPF_K, k, 0, 0);
  it.jt = if_true.id;
  it.jf = if_false.id;
  items_.push_back(it);
}

std::vector<sock_filter> BpfAssembler::assemble() const {
  // Lay out, find conditional jumps that cannot reach, expand them, repeat.
  // Expansion only grows code, so this ends.
  std::vector<bool> expanded(items_.size(), false);
  std::vector<long> pos(items_.size()), label_pos(static_cast<std::size_t>(labels_), -1);
  for (;;) {
    long p = 0;
    for (std::size_t i = 0; i < items_.size(); ++i) {
      pos[i] = p;
      if (items_[i].is_label)
        label_pos[static_cast<std::size_t>(items_[i].label_id)] = p;
      else
        p += expanded[i] ? 3 : 1;
    }
    auto target = [&](int label, long next) { return label < 0 ? next : label_pos[static_cast<std::size_t>(label)]; };
    bool changed = false;
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (!items_[i].conditional || expanded[i]) continue;
      long next = pos[i] + 1;
      long t = target(items_[i].jt, next) - next, f = target(items_[i].jf, next) - next;
      if (t < 0 || f < 0) throw std::logic_error("BPF jump backwards");
      if (t > 255 || f > 255) {
        expanded[i] = true;
        changed = true;
      }
    }
    if (changed) continue;
    std::vector<sock_filter> out;
    for (std::size_t i = 0; i < items_.size(); ++i) {
      const Item& it = items_[i];
      if (it.is_label) continue;
      if (it.ja) {
        long next = pos[i] + 1;
        sock_filter f = it.insn;
        f.k = static_cast<std::uint32_t>(target(it.ja_target, next) - next);
        out.push_back(f);
      } else if (it.conditional && expanded[i]) {
        long next = pos[i] + 3;
        sock_filter c = it.insn;
        c.jt = 0;
        c.jf = 1;
        out.push_back(c);
        out.push_back(BPF_STMT(BPF_JMP | BPF_JA, static_cast<std::uint32_t>(target(it.jt, next) - (pos[i] + 2))));
        out.push_back(BPF_STMT(BPF_JMP | BPF_JA, static_cast<std::uint32_t>(target(it.jf, next) - next)));
      } else if (it.conditional) {
        long next = pos[i] + 1;
        sock_filter c = it.insn;
        c.jt = static_cast<std::uint8_t>(target(it.jt, next) - next);
        c.jf = static_cast<std::uint8_t>(target(it.jf, next) - next);
        out.push_back(c);
      } else {
        out.push_back(it.insn);
      }
    }
    if (out.size() > BPF_MAXINSNS) throw std::runtime_error("the seccomp filter is longer than the kernel allows (4096 instructions)");
    return out;
  }
}

}  // namespace sysgate::compile
