#include "arch/syscall_args.hpp"

namespace sysgate::arch {

std::optional<ResolvedArg> resolve_arg(const SyscallSpec* spec, std::string_view name, int position) {
  if (position >= 0) {
    if (position > 5) return std::nullopt;
    if (spec != nullptr && position < spec->nargs) return ResolvedArg{position, spec->args[position].kind};
    return ResolvedArg{position, ArgKind::ULong};
  }
  if (spec == nullptr) return std::nullopt;
  for (int i = 0; i < spec->nargs; ++i)
    if (spec->args[i].name == name) return ResolvedArg{i, spec->args[i].kind};
  return std::nullopt;
}

bool is_32bit(ArgKind kind) {
  switch (kind) {
    case ArgKind::Int:
    case ArgKind::UInt:
    case ArgKind::Fd:
    case ArgKind::DirFd: return true;
    default: return false;
  }
}

bool is_signed(ArgKind kind) {
  switch (kind) {
    case ArgKind::Int:
    case ArgKind::Long:
    case ArgKind::Fd:
    case ArgKind::DirFd: return true;
    default: return false;
  }
}

bool is_pointer(ArgKind kind) {
  switch (kind) {
    case ArgKind::Path:
    case ArgKind::String:
    case ArgKind::Pointer:
    case ArgKind::SockAddr: return true;
    default: return false;
  }
}

}  // namespace sysgate::arch
