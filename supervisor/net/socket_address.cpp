#include "net/socket_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <stdexcept>

namespace sysgate::net {
namespace {

bool prefix_equal(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b, int bits) {
  for (int i = 0; i < bits; ++i) {
    int byte = i / 8, bit = 7 - i % 8;
    if (((a[byte] >> bit) & 1) != ((b[byte] >> bit) & 1)) return false;
  }
  return true;
}

std::uint16_t parse_port(const std::string& s, const std::string& whole) {
  char* end = nullptr;
  unsigned long v = std::strtoul(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || v > 65535) throw std::invalid_argument("bad port in '" + whole + "'");
  return static_cast<std::uint16_t>(v);
}

}  // namespace

std::string SocketAddress::str() const {
  char buf[INET6_ADDRSTRLEN];
  switch (family) {
    case AF_UNIX: return unnamed ? "unix:(unnamed)" : "unix:" + std::string(abstract ? "@" : "") + unix_path;
    case AF_INET:
      inet_ntop(AF_INET, ip.data(), buf, sizeof buf);
      return std::string(buf) + ":" + std::to_string(port);
    case AF_INET6:
      inet_ntop(AF_INET6, ip.data(), buf, sizeof buf);
      return "[" + std::string(buf) + "]:" + std::to_string(port);
    default: return "family " + std::to_string(family);
  }
}

std::optional<SocketAddress> decode(std::string_view b) {
  if (b.size() < sizeof(sa_family_t)) return std::nullopt;
  SocketAddress a;
  sa_family_t fam;
  std::memcpy(&fam, b.data(), sizeof fam);
  a.family = fam;
  if (fam == AF_UNIX) {
    std::string_view path = b.substr(offsetof(sockaddr_un, sun_path));
    if (path.empty()) {
      a.unnamed = true;
    } else if (path[0] == '\0') {
      a.abstract = true;
      a.unix_path = std::string(path.substr(1));  // every byte counts, NULs and slashes included
    } else {
      auto nul = path.find('\0');
      a.unix_path = std::string(path.substr(0, nul));
    }
    return a;
  }
  // AF_UNSPEC: connect() dissolves an association with it, but IPv4 sendto()
  // and bind() read it as an IPv4 address, so it is decoded as one too.
  if (fam == AF_INET || fam == AF_UNSPEC) {
    if (b.size() < sizeof(sockaddr_in)) return std::nullopt;
    sockaddr_in in{};
    std::memcpy(&in, b.data(), sizeof in);
    std::memcpy(a.ip.data(), &in.sin_addr, 4);
    a.port = ntohs(in.sin_port);
    return a;
  }
  if (fam == AF_INET6) {
    // The kernel accepts the RFC 2133 size, without sin6_scope_id.
    if (b.size() < offsetof(sockaddr_in6, sin6_scope_id)) return std::nullopt;
    sockaddr_in6 in6{};
    std::memcpy(&in6, b.data(), std::min(b.size(), sizeof in6));
    std::memcpy(a.ip.data(), &in6.sin6_addr, 16);
    a.port = ntohs(in6.sin6_port);
    return a;
  }
  return a;
}

AddressPattern::AddressPattern(const std::string& text) : text_(text) {
  if (text == "none") return;
  if (text == "unix") {
    kind_ = Kind::UnixAny;
    return;
  }
  if (text == "loopback") {
    kind_ = Kind::Loopback;
    return;
  }
  if (text == "netlink") {
    kind_ = Kind::Netlink;
    return;
  }
  if (text == "raw") {
    kind_ = Kind::Raw;
    return;
  }
  if (text.rfind("unix:", 0) == 0) {
    std::string p = text.substr(5);
    if (p.empty()) throw std::invalid_argument("'unix:' needs a path or @name");
    kind_ = Kind::UnixPath;
    if (p[0] == '@')
      abstract_ = p.substr(1);
    else if (p[0] == '/')
      unix_.emplace(fs::PathPattern::Kind::Glob, p);
    else
      throw std::invalid_argument("a UNIX socket path must be absolute or @abstract: '" + text + "'");
    return;
  }
  // IP[/prefix]:port, [IPv6[/prefix]]:port
  std::string host, port;
  if (!text.empty() && text[0] == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw std::invalid_argument("expected [IPv6]:PORT, got '" + text + "'");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    family_ = AF_INET6;
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos)
      throw std::invalid_argument("expected ADDRESS:PORT (or unix, loopback, none), got '" + text + "'");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    family_ = AF_INET;
  }
  auto slash = host.find('/');
  int max_prefix = family_ == AF_INET ? 32 : 128;
  prefix_ = max_prefix;
  if (slash != std::string::npos) {
    char* end = nullptr;
    const char* digits = host.c_str() + slash + 1;
    long p = std::strtol(digits, &end, 10);
    if (end == digits || *end != '\0' || p < 0 || p > max_prefix) throw std::invalid_argument("bad prefix length in '" + text + "'");
    prefix_ = static_cast<int>(p);
    host.resize(slash);
  }
  if (inet_pton(family_, host.c_str(), ip_.data()) != 1)
    throw std::invalid_argument("bad " + std::string(family_ == AF_INET ? "IPv4" : "IPv6") + " address in '" + text + "'");
  if (port == "*") {
    port_lo_ = 0;
    port_hi_ = 65535;
  } else if (auto dash = port.find('-'); dash != std::string::npos) {
    port_lo_ = parse_port(port.substr(0, dash), text);
    port_hi_ = parse_port(port.substr(dash + 1), text);
    if (port_lo_ > port_hi_) throw std::invalid_argument("empty port range in '" + text + "'");
  } else {
    port_lo_ = port_hi_ = parse_port(port, text);
  }
  kind_ = Kind::Ip;
}

bool AddressPattern::matches(const SocketAddress& a) const {
  switch (kind_) {
    case Kind::None:
    case Kind::Netlink:
    case Kind::Raw: return false;
    case Kind::UnixAny: return a.family == AF_UNIX;
    case Kind::UnixPath:
      if (a.family != AF_UNIX || a.unnamed) return false;
      if (a.abstract) return !unix_ && a.unix_path == abstract_;
      return unix_ && unix_->matches(a.unix_path);
    case Kind::Loopback:
      if (a.family == AF_INET) return a.ip[0] == 127;
      if (a.family == AF_INET6) {
        static const std::array<std::uint8_t, 16> one = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        return a.ip == one;
      }
      return false;
    case Kind::Ip:
      return a.family == family_ && prefix_equal(a.ip, ip_, prefix_) && a.port >= port_lo_ && a.port <= port_hi_;
  }
  return false;
}

bool AddressPattern::allows_socket(int family, int type) const {
  int base_type = type & 0xf;
  bool raw = base_type == SOCK_RAW || base_type == SOCK_PACKET;
  switch (kind_) {
    case Kind::None: return false;
    case Kind::UnixAny:
    case Kind::UnixPath: return family == AF_UNIX;
    case Kind::Loopback: return !raw && (family == AF_INET || family == AF_INET6);
    case Kind::Ip: return !raw && family == family_;
    case Kind::Netlink: return family == AF_NETLINK;
    case Kind::Raw: return raw && (family == AF_INET || family == AF_INET6);
  }
  return false;
}

}  // namespace sysgate::net
