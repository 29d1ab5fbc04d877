#include "cli/syscalls_command.hpp"

#include <seccomp.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "arch/abi.hpp"
#include "arch/syscall_table.hpp"
#include "cli/options.hpp"
#include "compile/plan.hpp"
#include "fs/access_table.hpp"
#include "policy/suggest.hpp"

namespace po = boost::program_options;

namespace sysgate::cli {
namespace {

constexpr int kExitUnknownName = 2;

using arch::ArgKind;
using sysgate::Abi;
using arch::SyscallSpec;

// An argument's kind as a policy author thinks of it. The table keeps flag
// words as UInt (that is how BPF compares them); named "flags" they are flags.
std::string_view kind_text(const arch::ArgSpec& a) {
  switch (a.kind) {
    case ArgKind::Int: return "int";
    case ArgKind::UInt: return a.name.view().find("flags") != std::string_view::npos ? "flags" : "uint";
    case ArgKind::Long: return "long";
    case ArgKind::ULong: return a.name.view().find("flags") != std::string_view::npos ? "flags" : "ulong";
    case ArgKind::Fd: return "fd";
    case ArgKind::DirFd: return "dirfd";
    case ArgKind::Path: return "path";
    case ArgKind::String: return "string";
    case ArgKind::Pointer: return "pointer";
    case ArgKind::SockAddr: return "sockaddr";
  }
  return "?";
}

std::string groups_text(std::uint32_t groups, std::string_view sep) {
  std::string s;
  for (const auto& g : arch::all_groups())
    if ((groups & g.bit) != 0) s += (s.empty() ? "" : std::string(sep)) + "%" + std::string(g.name);
  return s;
}

// The call's number on `abi` as the table of that ABI lists it (x32 without
// __X32_SYSCALL_BIT), or -1.
long table_number(Abi abi, std::string_view name) {
  int nr = arch::syscall_number(abi, name);
  if (nr < 0) return -1;
  return nr - static_cast<long>(arch::abi_info(abi).nr_base);
}

std::string number_text(Abi abi, std::string_view name) {
  long nr = table_number(abi, name);
  return nr < 0 ? "-" : std::to_string(nr);
}

// i386 reaches the socket and System V IPC calls through socketcall(2) and
// ipc(2) too; libseccomp gives them pseudo numbers in these ranges.
std::string_view i386_multiplexer(std::string_view name) {
  int pseudo = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, std::string(name).c_str());
  if (pseudo <= __PNR_socket && pseudo >= __PNR_sendmmsg) return "socketcall";
  if (pseudo <= __PNR_semop && pseudo >= __PNR_shmctl) return "ipc";
  return {};
}

std::string access_short(const fs::PathArg& a) {
  switch (a.rule) {
    case fs::AccessRule::Fixed: return fs::to_string(a.access);
    case fs::AccessRule::OpenFlags: return "by open flags";
    case fs::AccessRule::AccessMode: return "by access mode";
  }
  return "?";
}

std::string_view arg_name(const SyscallSpec& s, int index) {
  return index >= 0 && index < s.nargs ? s.args[static_cast<std::size_t>(index)].name : std::string_view("?");
}

// What the filesystem and network sections see, in one line.
std::string sections_short(const SyscallSpec& s) {
  std::string out;
  if (const auto* pc = fs::find_path_call(s.name)) {
    out = "filesystem(";
    for (int i = 0; i < pc->count; ++i)
      out += (i ? ", " : "") + std::string(arg_name(s, pc->args[i].path)) + ": " + access_short(pc->args[i]);
    out += ")";
  }
  if (compile::names_address(s.name)) out = "network(address), filesystem(UNIX socket path: write)";
  if (s.name == "socket") out = "network(family)";
  return out.empty() ? "-" : out;
}

std::string follow_text(const SyscallSpec& s, const fs::PathArg& a) {
  std::string flags(a.at_flags >= 0 ? arg_name(s, a.at_flags) : std::string_view("flags"));
  switch (a.follow) {
    case fs::Follow::Yes: return "follows a symlink in the last component";
    case fs::Follow::No: return "never follows a symlink in the last component";
    case fs::Follow::UnlessNoFollow:
      return "follows a symlink in the last component unless " + flags + " has AT_SYMLINK_NOFOLLOW";
    case fs::Follow::IfFollow:
      return "follows a symlink in the last component only if " + flags + " has AT_SYMLINK_FOLLOW";
    case fs::Follow::OpenFlags:
      return "follows a symlink in the last component unless " + flags + " has O_NOFOLLOW, or O_CREAT|O_EXCL";
  }
  return "?";
}

std::string access_long(const SyscallSpec& s, const fs::PathArg& a) {
  std::string flags(arg_name(s, a.flags));
  switch (a.rule) {
    case fs::AccessRule::Fixed: return fs::to_string(a.access);
    case fs::AccessRule::OpenFlags:
      return "by open flags: write with O_WRONLY, O_RDWR, O_CREAT, O_TRUNC or O_TMPFILE in " + flags +
             ", else stat with O_PATH, else read";
    case fs::AccessRule::AccessMode:
      return "by access mode: write with W_OK in " + flags + ", stat with F_OK or X_OK alone, else read";
  }
  return "?";
}

void print_filesystem(std::ostream& out, const SyscallSpec& s) {
  constexpr std::string_view kIndent = "              ";
  if (const auto* pc = fs::find_path_call(s.name)) {
    const std::uint64_t none[6] = {};
    for (int i = 0; i < pc->count; ++i) {
      const fs::PathArg& a = pc->args[i];
      out << (i == 0 ? "  filesystem: " : kIndent) << arg_name(s, a.path) << " (argument " << int{a.path};
      if (a.dirfd >= 0) out << ", relative to " << arg_name(s, a.dirfd);
      out << "): " << access_long(s, a) << "\n";
      out << kIndent << "  " << follow_text(s, a) << "\n";
      if (a.empty_path_ok)
        out << kIndent << "  with AT_EMPTY_PATH an empty path names the descriptor: not checked, except an exec\n";
      if (a.rule == fs::AccessRule::OpenFlags)
        out << kIndent << "  creates the name with O_CREAT\n";
      else if (fs::creates_name(s.name, i, a, none))
        out << kIndent << "  creates the name\n";
      if (fs::removes_name(s.name, i)) out << kIndent << "  removes the name\n";
    }
    return;
  }
  if (compile::names_address(s.name)) {
    out << "  filesystem: a UNIX socket path it names: write" << (s.name == "bind" ? " (creates the name)" : "")
        << "\n";
    return;
  }
  out << "  filesystem: -\n";
}

void print_network(std::ostream& out, const SyscallSpec& s) {
  std::string_view what;
  if (s.name == "socket") what = "the family (domain; raw IPv4/IPv6 sockets by type)";
  if (s.name == "connect") what = "the destination address (addr)";
  if (s.name == "bind") what = "the local address (addr)";
  if (s.name == "sendto") what = "the destination address (dest_addr), if any";
  if (s.name == "sendmsg") what = "the destination address (msg->msg_name), if any";
  if (s.name == "sendmmsg") what = "each destination address (msgvec[i].msg_hdr.msg_name), if any";
  if (what.empty() && compile::names_address(s.name)) what = "the address it names";
  out << "  network:    " << (what.empty() ? "-" : what) << "\n";
}

void print_details(std::ostream& out, const SyscallSpec& s, std::optional<Abi> only) {
  out << s.name << "\n";
  out << "  number:     ";
  bool first = true;
  for (Abi abi : arch::all_abis()) {
    if (only && abi != *only) continue;
    const auto& info = arch::abi_info(abi);
    out << (first ? "" : ", ") << info.name << " " << number_text(abi, s.name);
    first = false;
    long nr = table_number(abi, s.name);
    if (nr >= 0 && info.nr_base != 0) {
      std::ostringstream hex;
      hex << std::hex << "0x" << (nr + static_cast<long>(info.nr_base));
      out << " (" << hex.str() << " with __X32_SYSCALL_BIT)";
    }
    if (abi == Abi::I386) {
      auto via = i386_multiplexer(s.name);
      if (!via.empty()) out << (nr < 0 ? " (only through " : " (also through ") << via << "(2))";
    }
  }
  out << "\n";
  out << "  groups:     " << (s.groups == 0 ? "-" : groups_text(s.groups, " ")) << "\n";
  if (s.nargs == 0) out << "  arguments:  none\n";
  for (std::size_t i = 0; i < s.nargs; ++i) {
    const auto& a = s.args[i];
    char line[96];
    std::snprintf(line, sizeof line, "%d %-16.*s %.*s", static_cast<int>(i), static_cast<int>(a.name.view().size()),
                  a.name.text, static_cast<int>(kind_text(a).size()), kind_text(a).data());
    out << (i == 0 ? "  arguments:  " : "              ") << line << "\n";
  }
  print_filesystem(out, s);
  print_network(out, s);
}

void print_list(std::ostream& out, const std::vector<const SyscallSpec*>& calls, std::optional<Abi> only) {
  struct Row {
    std::string name, groups, sections, arguments;
    std::vector<std::string> numbers;
  };
  std::vector<Abi> abis;
  for (Abi abi : arch::all_abis())
    if (!only || abi == *only) abis.push_back(abi);
  std::vector<Row> rows;
  Row head{"NAME", "GROUPS", "SECTIONS", "ARGUMENTS", {}};
  for (Abi abi : abis) head.numbers.emplace_back(arch::abi_info(abi).name);
  rows.push_back(head);
  for (const auto* s : calls) {
    Row r{std::string(s->name), s->groups == 0 ? "-" : groups_text(s->groups, ","), sections_short(*s), "", {}};
    for (Abi abi : abis) r.numbers.push_back(number_text(abi, s->name));
    for (std::size_t i = 0; i < s->nargs; ++i)
      r.arguments += (i ? " " : "") + std::string(s->args[i].name) + ":" + std::string(kind_text(s->args[i]));
    if (s->nargs == 0) r.arguments = "-";
    rows.push_back(std::move(r));
  }
  std::size_t name_w = 0, groups_w = 0, sections_w = 0;
  std::vector<std::size_t> number_w(abis.size(), 0);
  for (const auto& r : rows) {
    name_w = std::max(name_w, r.name.size());
    groups_w = std::max(groups_w, r.groups.size());
    sections_w = std::max(sections_w, r.sections.size());
    for (std::size_t i = 0; i < abis.size(); ++i) number_w[i] = std::max(number_w[i], r.numbers[i].size());
  }
  auto pad = [](const std::string& s, std::size_t w) { return s + std::string(w - s.size(), ' '); };
  for (const auto& r : rows) {
    std::string line = pad(r.name, name_w);
    for (std::size_t i = 0; i < abis.size(); ++i)
      line += "  " + std::string(number_w[i] - r.numbers[i].size(), ' ') + r.numbers[i];
    line += "  " + pad(r.groups, groups_w) + "  " + pad(r.sections, sections_w) + "  " + r.arguments;
    out << line << "\n";
  }
}

std::vector<std::string_view> every_name() {
  std::vector<std::string_view> names;
  for (const auto& s : arch::all_syscalls()) names.push_back(s.name);
  return names;
}

}  // namespace

const char* syscalls_usage() { return "sysgate syscalls [--abi x86_64|i386|x32] [%GROUP|NAME]\n"; }

int cmd_syscalls(const std::vector<std::string>& args) {
  po::options_description table("syscalls");
  table.add_options()("abi", po::value<std::string>());
  auto parsed = parse_command(args, table, false);
  if (parsed.operands.size() > 1) throw UsageError("name one system call or %group (or none for all)");
  std::optional<Abi> only;
  if (parsed.options.count("abi")) {
    const auto& name = parsed.options["abi"].as<std::string>();
    only = arch::abi_from_name(name);
    if (!only) throw UsageError("--abi: expected x86_64, i386 or x32, got '" + name + "'");
  }
  // A call reached only through socketcall(2) or ipc(2) is still i386's.
  auto on_abi = [&](const SyscallSpec& s) {
    return !only || arch::syscall_number(*only, s.name) >= 0 ||
           (*only == Abi::I386 && !i386_multiplexer(s.name).empty());
  };

  std::string_view what = parsed.operands.empty() ? std::string_view() : std::string_view(parsed.operands[0]);
  if (!parsed.operands.empty() && (what.empty() || what[0] != '%')) {
    const SyscallSpec* s = arch::find_syscall(what);
    if (s == nullptr) {
      std::cerr << "sysgate: syscalls: unknown system call '" << what << "'"
                << policy::did_you_mean(what, every_name()) << "\n";
      return kExitUnknownName;
    }
    print_details(std::cout, *s, only);
    return 0;
  }

  std::uint32_t bit = ~0u;  // every call
  if (!what.empty()) {
    std::vector<std::string> names;
    for (const auto& g : arch::all_groups()) names.push_back("%" + std::string(g.name));
    auto it = std::find(names.begin(), names.end(), what);
    if (it == names.end()) {
      std::vector<std::string_view> candidates(names.begin(), names.end());
      std::cerr << "sysgate: syscalls: unknown group '" << what << "'" << policy::did_you_mean(what, candidates)
                << "\n";
      return kExitUnknownName;
    }
    bit = arch::all_groups()[static_cast<std::size_t>(it - names.begin())].bit;
  }
  std::vector<const SyscallSpec*> calls;
  for (const auto& s : arch::all_syscalls())
    if (((s.groups & bit) != 0 || bit == ~0u) && on_abi(s)) calls.push_back(&s);
  print_list(std::cout, calls, only);
  return 0;
}

}  // namespace sysgate::cli
