// Socket addresses read from a tracee, and the address patterns of policies:
//   unix                 any AF_UNIX address       unix:/run/*.sock  a UNIX path (glob)
//   unix:@name           an abstract UNIX name     loopback          127.0.0.0/8 and ::1, any port
//   127.0.0.1:8080       IPv4 address and port     10.0.0.0/8:80-90  CIDR and port range
//   [::1]:*              IPv6 (any port)           [fd00::/8]:53     IPv6 CIDR
//   netlink, raw         allow socket() of AF_NETLINK / SOCK_RAW (no address)
//   none                 nothing
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fs/path_pattern.hpp"

namespace sysgate::net {

struct SocketAddress {
  int family = 0;                    // AF_UNIX, AF_INET, AF_INET6, other
  std::array<std::uint8_t, 16> ip{};  // IPv4 in the first 4 bytes
  std::uint16_t port = 0;
  std::string unix_path;  // AF_UNIX: the path (resolved before matching), or the abstract name
  bool abstract = false;  // AF_UNIX abstract name (leading NUL): not a file
  bool unnamed = false;   // AF_UNIX with no path (autobind)
  std::string str() const;
};

// From the bytes of a struct sockaddr of `len` bytes; nullopt when malformed.
std::optional<SocketAddress> decode(std::string_view bytes);

class AddressPattern {
 public:
  // Throws std::invalid_argument with a message for a malformed pattern.
  explicit AddressPattern(const std::string& text);
  bool matches(const SocketAddress& a) const;
  // socket(family, type) is allowed by this pattern.
  bool allows_socket(int family, int type) const;
  const std::string& text() const { return text_; }

 private:
  enum class Kind { None, UnixAny, UnixPath, Loopback, Ip, Netlink, Raw };
  std::string text_;
  Kind kind_ = Kind::None;
  std::optional<fs::PathPattern> unix_;
  std::string abstract_;  // unix:@name: the exact abstract name
  int family_ = 0;
  std::array<std::uint8_t, 16> ip_{};
  int prefix_ = 0;
  std::uint16_t port_lo_ = 0, port_hi_ = 65535;
};

}  // namespace sysgate::net
