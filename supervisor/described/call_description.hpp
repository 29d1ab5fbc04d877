// A system call described in text, as strace prints one:
//   openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC)
//   connect(3, {AF_INET, 127.0.0.1:80}, 16)      connect(3, "unix:/run/x.sock")
//   connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16)
//   sendmsg(3, {msg_name={AF_INET6, [::1]:53}}, 0)   i386:getpid()   syscall_999()
// into the registers the kernel would see and the bytes its pointers would
// point at (the paths and socket addresses a decision reads), for `sysgate
// test`: the policy decides the call without a program making it.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "arch/syscall_table.hpp"
#include "net/socket_address.hpp"
#include "sysgate/policy.hpp"

namespace sysgate::described {

// A mistake in a description, at a 1-based column of the text parsed.
class CallError : public std::runtime_error {
 public:
  CallError(int column, const std::string& message) : std::runtime_error(message), column_(column) {}
  int column() const { return column_; }

 private:
  int column_;
};

struct DescribedCall {
  Abi abi = Abi::X86_64;
  std::string name;                         // the call's name ("syscall_N" for a number)
  long nr = -1;                             // in `abi` (x32 numbers carry the x32 bit)
  const arch::SyscallSpec* spec = nullptr;  // null: a call the table lacks (positional words)
  std::uint64_t args[6] = {};               // the registers; strings and structures get a pointer of their own
  int written = 0;                          // how many arguments the text gave (the rest are 0)
  std::vector<int> columns;                 // where each written argument begins
  // The bytes a quoted string argument points at, by argument index (a path,
  // a buffer's contents).
  std::map<int, std::string> strings;
  // The socket addresses an argument points at, by argument index: one for a
  // sockaddr, the msg_name of each message for sendmsg and sendmmsg (none: a
  // connected socket's send).
  std::map<int, std::vector<net::SocketAddress>> addresses;
  std::string text;  // as written, without surrounding blanks
};

// Parses one call at the start of `text` (blanks before it are skipped); with
// `end`, stops after its closing parenthesis and sets *end there, else the
// rest of the text must be blank. `abi` applies unless the text names its own
// ("i386:getpid()"). Throws CallError.
DescribedCall parse_call(std::string_view text, Abi abi, std::size_t* end = nullptr);

// A socket address as a policy writes one, but concrete: 127.0.0.1:80,
// [::1]:53, unix:/run/x.sock, unix:@abstract. Throws std::invalid_argument.
net::SocketAddress parse_address(std::string_view text);

}  // namespace sysgate::described
