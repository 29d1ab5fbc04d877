// The socket-address decoder and address patterns (net/socket_address): the
// bytes of a struct sockaddr come from the sandboxed program, any length.
// decode() must not read past them; what it decodes prints (str()) as a
// pattern that matches it again; IP patterns with a prefix and port range
// match exactly the addresses a bit-by-bit reference says; socket() checks
// never crash. Patterns come from the fuzz input too (policy text), and a
// malformed one throws std::invalid_argument, nothing else.
#include <arpa/inet.h>
#include <fuzzer/FuzzedDataProvider.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "net/socket_address.hpp"

using sysgate::net::AddressPattern;
using sysgate::net::decode;
using sysgate::net::SocketAddress;

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_socket_address: %s\n", what.c_str());
  __builtin_trap();
}

std::optional<AddressPattern> pattern(const std::string& text) {
  try {
    return AddressPattern(text);
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

// The first `bits` bits of a and b agree (reference: whole bytes, then a mask).
bool same_prefix(const std::uint8_t* a, const std::uint8_t* b, int bits) {
  int bytes = bits / 8, rest = bits % 8;
  if (std::memcmp(a, b, static_cast<std::size_t>(bytes)) != 0) return false;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[bytes] & mask) == (b[bytes] & mask);
}

std::string ip_text(int family, const std::uint8_t* ip) {
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(family, ip, buf, sizeof buf) == nullptr) fail("inet_ntop failed");
  return buf;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const int mode = fdp.ConsumeIntegralInRange(0, 3);
  // A sockaddr of the program's choosing: raw bytes, or one with a common family.
  std::string raw = fdp.ConsumeRandomLengthString(200);
  if (mode == 1 && raw.size() >= 2) {
    static const sa_family_t families[] = {AF_UNIX, AF_INET, AF_INET6, AF_UNSPEC, AF_NETLINK};
    sa_family_t f = families[static_cast<unsigned char>(raw[0]) % 5];
    std::memcpy(raw.data(), &f, sizeof f);
  }
  // Exactly `raw.size()` bytes on the heap: ASan sees any read past the end.
  std::vector<char> heap(raw.begin(), raw.end());
  const std::optional<SocketAddress> a = decode(std::string_view(heap.data(), heap.size()));

  if (a) {
    const std::string text = a->str();
    if (text.empty()) fail("str() is empty");
    if (a->family == AF_INET || a->family == AF_INET6 || a->family == AF_UNSPEC) {
      sa_family_t f = 0;
      std::memcpy(&f, raw.data(), sizeof f);
      if (a->family != f) fail("family changed");
    }
    if (a->family == AF_INET || a->family == AF_INET6) {
      // "1.2.3.4:80" / "[::1]:80" is a pattern matching exactly this address.
      auto p = pattern(text);
      if (!p) fail("str() of a decoded address is no pattern: " + text);
      if (!p->matches(*a)) fail("the pattern of str() does not match its address: " + text);
      const bool loop = a->family == AF_INET ? a->ip[0] == 127
                                             : ip_text(AF_INET6, a->ip.data()) == "::1";
      if (AddressPattern("loopback").matches(*a) != loop) fail("loopback disagrees for " + text);
    }
    if (a->family == AF_UNIX) {
      if (a->abstract && a->unnamed) fail("abstract and unnamed");
      if (!AddressPattern("unix").matches(*a)) fail("'unix' does not match " + text);
      if (!a->abstract && !a->unnamed) {
        if (a->unix_path.find('\0') != std::string::npos) fail("a NUL in a UNIX path");
        if (!a->unix_path.empty() && a->unix_path[0] == '/') {
          auto p = pattern("unix:" + a->unix_path);
          if (!p || !p->matches(*a)) fail("unix:PATH does not match its own path: " + text);
        }
      }
      if (a->abstract) {
        auto p = pattern("unix:@" + a->unix_path);
        if (!p || !p->matches(*a)) fail("unix:@NAME does not match its own name: " + text);
      }
    }
  }

  // A pattern of the policy's choosing against the address.
  std::string ptext;
  if (a && (a->family == AF_INET || a->family == AF_INET6) && fdp.ConsumeBool()) {
    // Around the decoded address: a prefix length and a port range from the input.
    const int max = a->family == AF_INET ? 32 : 128;
    const int prefix = fdp.ConsumeIntegralInRange(0, max);
    const auto lo = fdp.ConsumeIntegral<std::uint16_t>();
    const auto hi = fdp.ConsumeIntegral<std::uint16_t>();
    std::uint8_t other[16];
    std::memcpy(other, a->ip.data(), 16);
    // Flip one bit, maybe: inside or outside the prefix.
    const int flip = fdp.ConsumeIntegralInRange(-1, max - 1);
    if (flip >= 0) other[flip / 8] ^= static_cast<std::uint8_t>(0x80 >> (flip % 8));
    std::string host = ip_text(a->family, other) + "/" + std::to_string(prefix);
    if (a->family == AF_INET6) host = "[" + host + "]";
    ptext = host + ":" + std::to_string(lo) + "-" + std::to_string(hi);
    auto p = pattern(ptext);
    if (lo > hi) {
      if (p) fail("an empty port range was accepted: " + ptext);
    } else {
      if (!p) fail("a valid pattern was refused: " + ptext);
      const bool want = same_prefix(a->ip.data(), other, prefix) && a->port >= lo && a->port <= hi;
      if (p->matches(*a) != want) fail("CIDR match differs from the reference: " + ptext + " vs " + a->str());
    }
  } else {
    ptext = fdp.ConsumeRandomLengthString(120);
    if (auto p = pattern(ptext)) {
      if (p->text() != ptext) fail("text() differs");
      if (a) (void)p->matches(*a);
    }
  }
  if (auto p = pattern(ptext)) {
    const int family = fdp.ConsumeIntegral<int>();
    const int type = fdp.ConsumeIntegral<int>();
    (void)p->allows_socket(family, type);
    (void)p->allows_socket(AF_INET, type);
    (void)p->allows_socket(AF_UNIX, type);
  }
  return 0;
}
