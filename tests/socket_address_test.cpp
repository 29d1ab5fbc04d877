// net::decode of struct sockaddr bytes and net::AddressPattern: parsing errors,
// CIDR v4/v6 edges, ports and ranges, the unix / loopback / netlink / raw /
// none shorthands, and allows_socket().
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string>

#include "net/socket_address.hpp"

namespace sysgate::net {
namespace {

template <typename T>
std::string_view bytes_of(const T& v, std::size_t len = sizeof(T)) {
  return std::string_view(reinterpret_cast<const char*>(&v), len);
}

SocketAddress v4(const char* ip, int port) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(static_cast<std::uint16_t>(port));
  EXPECT_EQ(inet_pton(AF_INET, ip, &in.sin_addr), 1) << ip;
  auto a = decode(bytes_of(in));
  EXPECT_TRUE(a);
  return *a;
}

SocketAddress v6(const char* ip, int port) {
  sockaddr_in6 in{};
  in.sin6_family = AF_INET6;
  in.sin6_port = htons(static_cast<std::uint16_t>(port));
  EXPECT_EQ(inet_pton(AF_INET6, ip, &in.sin6_addr), 1) << ip;
  auto a = decode(bytes_of(in));
  EXPECT_TRUE(a);
  return *a;
}

// A UNIX address of `len` bytes whose sun_path starts with `path` (which may hold NULs).
SocketAddress un(std::string_view path, std::size_t len = 0) {
  sockaddr_un u{};
  u.sun_family = AF_UNIX;
  std::memcpy(u.sun_path, path.data(), path.size());
  if (len == 0) len = offsetof(sockaddr_un, sun_path) + path.size();
  auto a = decode(bytes_of(u, len));
  EXPECT_TRUE(a);
  return *a;
}

bool match(const std::string& pattern, const SocketAddress& a) { return AddressPattern(pattern).matches(a); }

TEST(SocketAddress, DecodeInet) {
  auto a = v4("127.0.0.1", 8080);
  EXPECT_EQ(a.family, AF_INET);
  EXPECT_EQ(a.port, 8080);
  EXPECT_EQ(a.ip[0], 127);
  EXPECT_EQ(a.ip[3], 1);
  EXPECT_EQ(a.str(), "127.0.0.1:8080");
  auto b = v6("::1", 443);
  EXPECT_EQ(b.family, AF_INET6);
  EXPECT_EQ(b.port, 443);
  EXPECT_EQ(b.ip[15], 1);
  EXPECT_EQ(b.str(), "[::1]:443");
  // Too short for the family: malformed (the kernel says EINVAL).
  sockaddr_in in{};
  in.sin_family = AF_INET;
  EXPECT_FALSE(decode(bytes_of(in, 8)));
  EXPECT_FALSE(decode(std::string_view("\x02", 1)));
  EXPECT_FALSE(decode(std::string_view()));
}

// The kernel accepts a 24-byte sockaddr_in6 (SIN6_LEN_RFC2133, without
// sin6_scope_id) for connect and sendto.
TEST(SocketAddress, DecodeInet6WithoutScopeId) {
  sockaddr_in6 in{};
  in.sin6_family = AF_INET6;
  in.sin6_port = htons(80);
  in.sin6_addr = in6addr_loopback;
  auto a = decode(bytes_of(in, 24));
  ASSERT_TRUE(a) << "a 24-byte sockaddr_in6 is valid for the kernel";
  EXPECT_EQ(a->port, 80);
  EXPECT_TRUE(match("[::1]:80", *a));
}

TEST(SocketAddress, DecodeUnix) {
  auto p = un(std::string_view("/run/app.sock\0", 14));
  EXPECT_EQ(p.family, AF_UNIX);
  EXPECT_FALSE(p.unnamed);
  EXPECT_EQ(p.unix_path, "/run/app.sock");
  EXPECT_EQ(p.str(), "unix:/run/app.sock");
  // Without the terminating NUL, as the length says.
  EXPECT_EQ(un("/run/x").unix_path, "/run/x");
  // A full sizeof(sockaddr_un) with the path NUL-terminated inside it.
  EXPECT_EQ(un(std::string_view("/tmp/s\0", 7), sizeof(sockaddr_un)).unix_path, "/tmp/s");
  // Abstract: a leading NUL, the name is the rest, as long as the length says.
  auto abs = un(std::string_view("\0name", 5));
  EXPECT_TRUE(abs.abstract);
  EXPECT_EQ(abs.unix_path, "name");
  EXPECT_FALSE(abs.unnamed);
  // Unnamed: only the family.
  auto unnamed = un("", offsetof(sockaddr_un, sun_path));
  EXPECT_TRUE(unnamed.unnamed);
  EXPECT_EQ(unnamed.str(), "unix:(unnamed)");
}

TEST(SocketAddress, DecodeOtherFamilies) {
  sockaddr s{};
  s.sa_family = AF_NETLINK;
  auto a = decode(bytes_of(s));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family, AF_NETLINK);
  s.sa_family = AF_UNSPEC;
  a = decode(bytes_of(s));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family, AF_UNSPEC);
}

TEST(AddressPattern, ParseErrors) {
  for (const char* bad : {"", "unix:", "unix:relative/path", "localhost", "127.0.0.1", "127.0.0.1:", "127.0.0.1:x",
                          "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:90-80", "127.0.0.1:80-", "127.0.0.1:-80",
                          "127.0.0.1/33:80", "127.0.0.1/-1:80", "127.0.0.1/x:80", "256.0.0.1:80", "1.2.3:80",
                          "::1:80", "[::1]", "[::1]80", "[::1:80", "[::1/129]:80", "[127.0.0.1]:80", "[fe80::zz]:1",
                          "*:80", "UNIX", "Loopback"}) {
    EXPECT_THROW(AddressPattern{bad}, std::invalid_argument) << "'" << bad << "'";
  }
}

// An empty prefix length is a typo, not /0 (which would match every address).
TEST(AddressPattern, EmptyPrefixLengthIsAnError) {
  EXPECT_THROW(AddressPattern{"10.0.0.0/:80"}, std::invalid_argument);
  EXPECT_THROW(AddressPattern{"[fd00::/]:80"}, std::invalid_argument);
}

TEST(AddressPattern, ParseValid) {
  for (const char* good : {"unix", "loopback", "none", "netlink", "raw", "unix:/run/*.sock", "unix:@name",
                           "127.0.0.1:8080", "127.0.0.0/8:*", "0.0.0.0/0:1-65535", "10.0.0.0/8:80-90", "[::1]:*",
                           "[fd00::/8]:53", "[::/0]:0", "[::ffff:127.0.0.1]:80"}) {
    EXPECT_NO_THROW(AddressPattern{good}) << good;
  }
  EXPECT_EQ(AddressPattern("127.0.0.1:8080").text(), "127.0.0.1:8080");
}

TEST(AddressPattern, Cidr4Edges) {
  EXPECT_TRUE(match("0.0.0.0/0:*", v4("0.0.0.0", 1)));
  EXPECT_TRUE(match("0.0.0.0/0:*", v4("255.255.255.255", 65535)));
  EXPECT_TRUE(match("10.1.2.3/32:80", v4("10.1.2.3", 80)));
  EXPECT_FALSE(match("10.1.2.3/32:80", v4("10.1.2.2", 80)));
  EXPECT_FALSE(match("10.1.2.3/32:80", v4("10.1.2.4", 80)));
  EXPECT_TRUE(match("10.1.2.3:80", v4("10.1.2.3", 80)));  // no prefix: /32
  EXPECT_FALSE(match("10.1.2.3:80", v4("10.1.2.3", 81)));
  EXPECT_TRUE(match("10.0.0.0/8:*", v4("10.0.0.0", 1)));
  EXPECT_TRUE(match("10.0.0.0/8:*", v4("10.255.255.255", 1)));
  EXPECT_FALSE(match("10.0.0.0/8:*", v4("9.255.255.255", 1)));
  EXPECT_FALSE(match("10.0.0.0/8:*", v4("11.0.0.0", 1)));
  EXPECT_TRUE(match("192.168.0.0/23:*", v4("192.168.1.200", 1)));
  EXPECT_FALSE(match("192.168.0.0/23:*", v4("192.168.2.0", 1)));
  EXPECT_TRUE(match("172.16.0.0/12:*", v4("172.31.255.255", 1)));
  EXPECT_FALSE(match("172.16.0.0/12:*", v4("172.32.0.0", 1)));
  EXPECT_TRUE(match("10.9.9.9/8:*", v4("10.0.0.1", 1)));  // host bits of the pattern are ignored
  EXPECT_TRUE(match("128.0.0.0/1:*", v4("200.1.1.1", 1)));
  EXPECT_FALSE(match("128.0.0.0/1:*", v4("127.255.255.255", 1)));
  // An IPv4 pattern never matches an IPv6 address, nor the reverse.
  EXPECT_FALSE(match("0.0.0.0/0:*", v6("::1", 1)));
  EXPECT_FALSE(match("[::/0]:*", v4("127.0.0.1", 1)));
}

TEST(AddressPattern, Cidr6Edges) {
  EXPECT_TRUE(match("[::/0]:*", v6("::", 1)));
  EXPECT_TRUE(match("[::/0]:*", v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1)));
  EXPECT_TRUE(match("[::1/128]:*", v6("::1", 1)));
  EXPECT_FALSE(match("[::1/128]:*", v6("::2", 1)));
  EXPECT_FALSE(match("[::1/128]:*", v6("::", 1)));
  EXPECT_TRUE(match("[::1]:*", v6("::1", 9)));
  EXPECT_FALSE(match("[::1]:*", v6("::1:0", 9)));
  EXPECT_TRUE(match("[fd00::/8]:53", v6("fdff:ffff::1", 53)));
  EXPECT_TRUE(match("[fd00::/8]:53", v6("fd00::", 53)));
  EXPECT_FALSE(match("[fd00::/8]:53", v6("fc00::1", 53)));
  EXPECT_FALSE(match("[fd00::/8]:53", v6("fe00::1", 53)));
  EXPECT_FALSE(match("[fd00::/8]:53", v6("fd00::1", 54)));
  EXPECT_TRUE(match("[2001:db8::/32]:*", v6("2001:db8:ffff::1", 1)));
  EXPECT_FALSE(match("[2001:db8::/32]:*", v6("2001:db9::1", 1)));
  EXPECT_TRUE(match("[2001:db8::/127]:*", v6("2001:db8::1", 1)));
  EXPECT_FALSE(match("[2001:db8::/127]:*", v6("2001:db8::2", 1)));
  EXPECT_TRUE(match("[fe80::/10]:*", v6("febf::1", 1)));
  EXPECT_FALSE(match("[fe80::/10]:*", v6("fec0::1", 1)));
}

TEST(AddressPattern, Ports) {
  EXPECT_TRUE(match("127.0.0.1:*", v4("127.0.0.1", 0)));
  EXPECT_TRUE(match("127.0.0.1:*", v4("127.0.0.1", 65535)));
  EXPECT_TRUE(match("127.0.0.1:0", v4("127.0.0.1", 0)));
  EXPECT_FALSE(match("127.0.0.1:0", v4("127.0.0.1", 1)));
  EXPECT_TRUE(match("127.0.0.1:65535", v4("127.0.0.1", 65535)));
  EXPECT_TRUE(match("127.0.0.1:8000-8010", v4("127.0.0.1", 8000)));
  EXPECT_TRUE(match("127.0.0.1:8000-8010", v4("127.0.0.1", 8010)));
  EXPECT_TRUE(match("127.0.0.1:8000-8010", v4("127.0.0.1", 8005)));
  EXPECT_FALSE(match("127.0.0.1:8000-8010", v4("127.0.0.1", 7999)));
  EXPECT_FALSE(match("127.0.0.1:8000-8010", v4("127.0.0.1", 8011)));
  EXPECT_TRUE(match("127.0.0.1:80-80", v4("127.0.0.1", 80)));
  EXPECT_TRUE(match("[::1]:1024-65535", v6("::1", 1024)));
  EXPECT_FALSE(match("[::1]:1024-65535", v6("::1", 1023)));
}

TEST(AddressPattern, Loopback) {
  EXPECT_TRUE(match("loopback", v4("127.0.0.1", 80)));
  EXPECT_TRUE(match("loopback", v4("127.255.255.254", 1)));
  EXPECT_TRUE(match("loopback", v4("127.0.0.0", 1)));
  EXPECT_FALSE(match("loopback", v4("128.0.0.1", 80)));
  EXPECT_FALSE(match("loopback", v4("126.255.255.255", 80)));
  EXPECT_FALSE(match("loopback", v4("0.0.0.0", 80)));
  EXPECT_TRUE(match("loopback", v6("::1", 80)));
  EXPECT_FALSE(match("loopback", v6("::", 80)));
  EXPECT_FALSE(match("loopback", v6("::2", 80)));
  EXPECT_FALSE(match("loopback", v6("fe80::1", 80)));
  EXPECT_FALSE(match("loopback", un("/tmp/s")));
}

TEST(AddressPattern, Unix) {
  EXPECT_TRUE(match("unix", un("/tmp/s")));
  EXPECT_TRUE(match("unix", un(std::string_view("\0abs", 4))));
  EXPECT_TRUE(match("unix", un("", offsetof(sockaddr_un, sun_path))));
  EXPECT_FALSE(match("unix", v4("127.0.0.1", 1)));
  EXPECT_TRUE(match("unix:/run/*.sock", un("/run/app.sock")));
  EXPECT_FALSE(match("unix:/run/*.sock", un("/run/sub/app.sock")));
  EXPECT_FALSE(match("unix:/run/*.sock", un("/run/app.socket")));
  EXPECT_TRUE(match("unix:/run/**", un("/run/a/b/c")));
  EXPECT_FALSE(match("unix:/run/*.sock", un(std::string_view("\0/run/app.sock", 14))));  // abstract, not a path
  EXPECT_FALSE(match("unix:/run/*.sock", un("", offsetof(sockaddr_un, sun_path))));
  EXPECT_TRUE(match("unix:@name", un(std::string_view("\0name", 5))));
  EXPECT_FALSE(match("unix:@name", un(std::string_view("\0name2", 6))));
  EXPECT_FALSE(match("unix:@name", un(std::string_view("\0nam", 4))));
  EXPECT_FALSE(match("unix:@name", un("/name")));
  EXPECT_FALSE(match("unix:@name", un("", offsetof(sockaddr_un, sun_path))));
  EXPECT_FALSE(match("unix:@name", v4("127.0.0.1", 1)));
}

// Abstract names are byte strings, not paths: "name/" and "name//" are other
// sockets than "name".
TEST(AddressPattern, AbstractNamesAreExact) {
  EXPECT_FALSE(match("unix:@name", un(std::string_view("\0name/", 6))));
  EXPECT_FALSE(match("unix:@name", un(std::string_view("\0name//", 7))));
  EXPECT_FALSE(match("unix:@a/b", un(std::string_view("\0a//b", 5))));
}

// A relative UNIX path starting with '@' is a file in the cwd, not an abstract
// name: "unix:@name" must not allow it.
TEST(AddressPattern, RelativePathStartingWithAtIsNotAbstract) {
  auto a = un("@name");
  EXPECT_FALSE(match("unix:@name", a)) << "decoded as " << a.unix_path;
}

TEST(AddressPattern, NoneNetlinkRawMatchNoAddress) {
  for (const char* p : {"none", "netlink", "raw"}) {
    EXPECT_FALSE(match(p, v4("127.0.0.1", 80))) << p;
    EXPECT_FALSE(match(p, v6("::1", 80))) << p;
    EXPECT_FALSE(match(p, un("/tmp/s"))) << p;
  }
}

TEST(AddressPattern, AllowsSocket) {
  auto allows = [](const char* p, int family, int type) { return AddressPattern(p).allows_socket(family, type); };
  EXPECT_FALSE(allows("none", AF_UNIX, SOCK_STREAM));
  EXPECT_FALSE(allows("none", AF_INET, SOCK_STREAM));
  EXPECT_TRUE(allows("unix", AF_UNIX, SOCK_STREAM));
  EXPECT_TRUE(allows("unix", AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK));
  EXPECT_FALSE(allows("unix", AF_INET, SOCK_STREAM));
  EXPECT_TRUE(allows("unix:/run/*.sock", AF_UNIX, SOCK_SEQPACKET));
  EXPECT_TRUE(allows("unix:@n", AF_UNIX, SOCK_STREAM));
  EXPECT_TRUE(allows("loopback", AF_INET, SOCK_STREAM));
  EXPECT_TRUE(allows("loopback", AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC));
  EXPECT_FALSE(allows("loopback", AF_INET, SOCK_RAW));
  EXPECT_FALSE(allows("loopback", AF_UNIX, SOCK_STREAM));
  EXPECT_FALSE(allows("loopback", AF_PACKET, SOCK_DGRAM));
  EXPECT_FALSE(allows("loopback", AF_NETLINK, SOCK_RAW));
  EXPECT_TRUE(allows("127.0.0.1:80", AF_INET, SOCK_STREAM));
  EXPECT_FALSE(allows("127.0.0.1:80", AF_INET6, SOCK_STREAM));
  EXPECT_FALSE(allows("127.0.0.1:80", AF_INET, SOCK_RAW));
  EXPECT_FALSE(allows("127.0.0.1:80", AF_INET, SOCK_PACKET));
  EXPECT_TRUE(allows("[::1]:*", AF_INET6, SOCK_STREAM));
  EXPECT_FALSE(allows("[::1]:*", AF_INET, SOCK_STREAM));
  EXPECT_TRUE(allows("netlink", AF_NETLINK, SOCK_RAW));
  EXPECT_TRUE(allows("netlink", AF_NETLINK, SOCK_DGRAM));
  EXPECT_FALSE(allows("netlink", AF_INET, SOCK_STREAM));
  EXPECT_TRUE(allows("raw", AF_INET, SOCK_RAW));
  EXPECT_TRUE(allows("raw", AF_INET6, SOCK_RAW | SOCK_CLOEXEC));
  EXPECT_FALSE(allows("raw", AF_INET, SOCK_STREAM));
  EXPECT_FALSE(allows("raw", AF_PACKET, SOCK_RAW));  // AF_PACKET is never allowed
  for (const char* p : {"unix", "loopback", "netlink", "raw", "0.0.0.0/0:*", "[::/0]:*"})
    EXPECT_FALSE(allows(p, AF_PACKET, SOCK_RAW)) << p;
}

}  // namespace
}  // namespace sysgate::net
