#include "described/call_description.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <optional>

#include "arch/abi.hpp"
#include "arch/constants.hpp"
#include "fs/access_table.hpp"
#include "policy/suggest.hpp"

namespace sysgate::described {

net::SocketAddress parse_address(std::string_view text) {
  net::SocketAddress a;
  std::string t(text);
  if (t.rfind("unix:", 0) == 0) {
    std::string p = t.substr(5);
    a.family = AF_UNIX;
    if (p.empty()) throw std::invalid_argument("'unix:' needs a path or @name");
    a.abstract = p[0] == '@';
    a.unix_path = a.abstract ? p.substr(1) : p;
    return a;
  }
  std::string host, port;
  if (!t.empty() && t[0] == '[') {
    auto close = t.find(']');
    if (close == std::string::npos || close + 1 >= t.size() || t[close + 1] != ':')
      throw std::invalid_argument("expected [IPv6]:PORT, got '" + t + "'");
    host = t.substr(1, close - 1);
    port = t.substr(close + 2);
    a.family = AF_INET6;
  } else {
    auto colon = t.rfind(':');
    if (colon == std::string::npos)
      throw std::invalid_argument("expected IPv4:PORT, [IPv6]:PORT or unix:PATH, got '" + t + "'");
    host = t.substr(0, colon);
    port = t.substr(colon + 1);
    a.family = AF_INET;
  }
  if (inet_pton(a.family, host.c_str(), a.ip.data()) != 1)
    throw std::invalid_argument("bad " + std::string(a.family == AF_INET ? "IPv4" : "IPv6") + " address '" + host +
                                "'");
  char* end = nullptr;
  errno = 0;
  unsigned long v = std::strtoul(port.c_str(), &end, 10);
  if (port.empty() || !std::isdigit(static_cast<unsigned char>(port[0])) || *end != '\0' || errno != 0 || v > 65535)
    throw std::invalid_argument("bad port '" + port + "' (a number up to 65535)");
  a.port = static_cast<std::uint16_t>(v);
  return a;
}

namespace {

// A pointer the described structures and strings are taken to live at: low
// enough for every ABI, above the scratch region, one page per argument.
constexpr std::uint64_t kDummyPointer = 0x7e000000;

// One value as written, before it is read as the argument it is.
struct Value {
  enum class Kind : std::uint8_t {
    Number,     // 3, O_RDONLY|O_CLOEXEC, -1, NULL
    String,     // "..." (with `at`: strace's @"..." for an abstract name)
    Struct,     // {a, b, key=value}
    List,       // [a, b]
    Address,    // a bare 127.0.0.1:80, [::1]:53 or unix:/x
    Function,   // htons(80), inet_addr("1.2.3.4"), inet_pton(AF_INET6, "::1", &sin6_addr)
    Reference,  // &sin6_addr
  };
  Kind kind = Kind::Number;
  int column = 0;
  std::uint64_t number = 0;
  std::string text;  // String: the bytes; Address: as written; Function, Reference: the name
  bool at = false;
  std::string key;            // in a Struct: the field's name (empty when bare)
  std::vector<Value> fields;  // Struct, List, Function (its arguments)
};

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  [[noreturn]] void fail(std::size_t at, const std::string& message) const {
    throw CallError(static_cast<int>(at) + 1, message);
  }
  void blanks() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }
  std::size_t pos() const { return i_; }
  bool eat(char c) {
    blanks();
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  void expect(char c, const char* what) {
    blanks();
    if (peek() != c)
      fail(i_,
           std::string("expected ") + what + (at_end() ? " at the end" : ", found '" + std::string(1, peek()) + "'"));
    ++i_;
  }
  std::string ident() {
    std::size_t b = i_;
    while (i_ < s_.size() && ident_char(s_[i_])) ++i_;
    return std::string(s_.substr(b, i_ - b));
  }

  Value value() {
    blanks();
    if (at_end()) fail(i_, "expected a value at the end");
    Value v;
    v.column = static_cast<int>(i_) + 1;
    char c = peek();
    if (c == '"' || (c == '@' && i_ + 1 < s_.size() && s_[i_ + 1] == '"')) {
      v.kind = Value::Kind::String;
      v.at = c == '@';
      if (v.at) ++i_;
      v.text = string();
      return v;
    }
    if (c == '{' || c == '[') {
      if (auto a = bare_address()) return *a;
      ++i_;
      v.kind = c == '{' ? Value::Kind::Struct : Value::Kind::List;
      const char close = c == '{' ? '}' : ']';
      if (eat(close)) return v;
      do {
        blanks();
        std::string key;
        if (v.kind == Value::Kind::Struct && ident_start(peek())) {
          std::size_t save = i_;
          std::string k = ident();
          blanks();
          if (peek() == '=') {
            ++i_;
            key = k;
          } else {
            i_ = save;
          }
        }
        v.fields.push_back(value());
        v.fields.back().key = key;
      } while (eat(','));
      expect(close, close == '}' ? "',' or '}'" : "',' or ']'");
      return v;
    }
    if (c == '&') {
      ++i_;
      blanks();
      if (!ident_start(peek())) fail(i_, "expected a name after '&'");
      v.kind = Value::Kind::Reference;
      v.text = ident();
      return v;
    }
    if (auto a = bare_address()) return *a;
    return expression();
  }

  // An address written without quotes where a value starts: 127.0.0.1:80,
  // [::1]:53, unix:/run/x.sock (up to the next ',', ')', '}' or blank).
  std::optional<Value> bare_address() {
    std::size_t b = i_, e = i_;
    while (e < s_.size() && s_[e] != ',' && s_[e] != ')' && s_[e] != '}' &&
           !std::isspace(static_cast<unsigned char>(s_[e])))
      ++e;
    std::string_view raw = s_.substr(b, e - b);
    bool looks = raw.find(':') != std::string_view::npos &&
                 (std::isdigit(static_cast<unsigned char>(raw[0])) || raw[0] == '[' || raw.rfind("unix:", 0) == 0);
    // "[" followed by a value is a list; "[fd00::1]:53" an address.
    if (looks && raw[0] == '[' && raw.find("]:") == std::string_view::npos) looks = false;
    if (!looks) return std::nullopt;
    try {
      parse_address(raw);
    } catch (const std::invalid_argument& e) {
      fail(b, e.what());
    }
    Value v;
    v.kind = Value::Kind::Address;
    v.column = static_cast<int>(b) + 1;
    v.text = std::string(raw);
    i_ = e;
    return v;
  }

  // term ('|' term)*: the bits of named constants and numbers.
  Value expression() {
    Value v = term();
    if (v.kind != Value::Kind::Number) return v;
    while (eat('|')) {
      Value t = term();
      if (t.kind != Value::Kind::Number)
        fail(static_cast<std::size_t>(t.column - 1), "expected a number or a constant after '|'");
      v.number |= t.number;
    }
    return v;
  }

  Value term() {
    blanks();
    Value v;
    v.column = static_cast<int>(i_) + 1;
    if (eat('-')) {
      Value t = term();
      if (t.kind != Value::Kind::Number) fail(static_cast<std::size_t>(t.column - 1), "expected a number after '-'");
      v.number = 0 - t.number;
      return v;
    }
    if (eat('~')) {
      Value t = term();
      if (t.kind != Value::Kind::Number) fail(static_cast<std::size_t>(t.column - 1), "expected a number after '~'");
      v.number = ~t.number;
      return v;
    }
    if (eat('(')) {
      v = expression();
      expect(')', "')'");
      return v;
    }
    char c = peek();
    if (std::isdigit(static_cast<unsigned char>(c))) {
      std::size_t b = i_;
      while (i_ < s_.size() && std::isalnum(static_cast<unsigned char>(s_[i_]))) ++i_;
      std::string digits(s_.substr(b, i_ - b));
      auto n = integer(digits);
      if (!n) fail(b, "bad number '" + digits + "'");
      v.number = *n;
      return v;
    }
    if (ident_start(c)) {
      std::size_t b = i_;
      std::string name = ident();
      blanks();
      if (peek() == '(') {
        ++i_;
        v.kind = Value::Kind::Function;
        v.text = name;
        if (!eat(')')) {
          do v.fields.push_back(value());
          while (eat(','));
          expect(')', "',' or ')'");
        }
        return v;
      }
      if (name == "NULL") return v;
      if (auto k = arch::constant_value(name)) {
        v.number = static_cast<std::uint64_t>(*k);
        return v;
      }
      if (auto e = arch::errno_from_name(name)) {
        v.number = static_cast<std::uint64_t>(*e);
        return v;
      }
      fail(b, "unknown constant '" + name + "'" + policy::did_you_mean(name, arch::constant_names()));
    }
    if (at_end()) fail(i_, "expected a value at the end");
    fail(i_, std::string("expected a value, found '") + c + "'");
  }

  // 0x.. hexadecimal, 0o.. or 0.. octal (modes), else decimal.
  static std::optional<std::uint64_t> integer(const std::string& s) {
    std::string body = s;
    int base = 10;
    if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
      base = 16;
      body = body.substr(2);
    } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'o' || body[1] == 'O')) {
      base = 8;
      body = body.substr(2);
    } else if (body.size() > 1 && body[0] == '0') {
      base = 8;
    }
    if (body.empty()) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(body.c_str(), &end, base);
    if (errno != 0 || *end != '\0' || !std::isxdigit(static_cast<unsigned char>(body[0]))) return std::nullopt;
    return v;
  }

  // "..." with C escapes: \\ \" \n \t \r \a \b \f \v \e \xNN and octal \N, \NN, \NNN.
  std::string string() {
    std::size_t open = i_;
    ++i_;  // the quote
    std::string out;
    while (true) {
      if (at_end()) fail(open, "unterminated string");
      char c = s_[i_++];
      if (c == '"') break;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at_end()) fail(open, "unterminated string");
      std::size_t esc = i_ - 1;
      char e = s_[i_++];
      switch (e) {
        case '\\':
          out += '\\';
          break;
        case '"':
          out += '"';
          break;
        case '\'':
          out += '\'';
          break;
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'a':
          out += '\a';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'v':
          out += '\v';
          break;
        case 'e':
          out += '\x1b';
          break;
        case 'x': {
          int v = 0, n = 0;
          while (n < 2 && i_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[i_]))) {
            char h = s_[i_++];
            v = v * 16 + (std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : std::tolower(h) - 'a' + 10);
            ++n;
          }
          if (n == 0) fail(esc, "\\x needs one or two hexadecimal digits");
          out += static_cast<char>(v);
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int v = e - '0', n = 1;
            while (n < 3 && i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '7') {
              v = v * 8 + (s_[i_++] - '0');
              ++n;
            }
            if (v > 255) fail(esc, "octal escape above \\377");
            out += static_cast<char>(v);
            break;
          }
          fail(esc, std::string("unknown escape '\\") + e + "'");
      }
    }
    // strace marks a string it cut short with "..." after the quote.
    if (s_.substr(i_, 3) == "...") fail(i_, "the string was cut short (strace -s): give it whole");
    return out;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

[[noreturn]] void fail_at(const Value& v, const std::string& message) { throw CallError(v.column, message); }

net::SocketAddress address_of_text(const Value& v) {
  try {
    return parse_address(v.text);
  } catch (const std::invalid_argument& e) {
    fail_at(v, e.what());
  }
}

// A family name or number in a sockaddr.
int family_of(const Value& v) {
  if (v.kind != Value::Kind::Number) fail_at(v, "expected an address family such as AF_INET");
  return static_cast<int>(v.number);
}

std::string string_of(const Value& v, const char* what) {
  if (v.kind != Value::Kind::String) fail_at(v, std::string("expected ") + what + " in quotes");
  return v.text;
}

// An IP address in a sockaddr field: "1.2.3.4", inet_addr("1.2.3.4"),
// inet_pton(AF_INET6, "::1", &sin6_addr).
void ip_of(const Value& v, int family, net::SocketAddress& a) {
  const Value* text = &v;
  if (v.kind == Value::Kind::Function) {
    if (v.text == "inet_addr" && v.fields.size() == 1) {
      text = &v.fields[0];
      family = AF_INET;
    } else if (v.text == "inet_pton" && v.fields.size() >= 2) {
      family = family_of(v.fields[0]);
      text = &v.fields[1];
    } else {
      fail_at(v, "expected \"ADDRESS\", inet_addr(\"ADDRESS\") or inet_pton(FAMILY, \"ADDRESS\", ...)");
    }
  }
  std::string s = string_of(*text, "an IP address");
  if (family != AF_INET && family != AF_INET6) family = s.find(':') != std::string::npos ? AF_INET6 : AF_INET;
  if (a.family != 0 && a.family != family)
    fail_at(v, "an IPv" + std::string(family == AF_INET ? "4" : "6") + " address in an address of another family");
  a.family = family;
  if (inet_pton(family, s.c_str(), a.ip.data()) != 1)
    fail_at(*text, "bad IPv" + std::string(family == AF_INET ? "4" : "6") + " address '" + s + "'");
}

std::uint16_t port_of(const Value& v) {
  const Value* n = &v;
  if (v.kind == Value::Kind::Function && (v.text == "htons" || v.text == "ntohs") && v.fields.size() == 1)
    n = &v.fields[0];
  if (n->kind != Value::Kind::Number || n->number > 65535)
    fail_at(v, "expected a port (a number up to 65535, or htons(N))");
  return static_cast<std::uint16_t>(n->number);
}

// {AF_INET, 127.0.0.1:80}, {AF_UNIX, "/run/x.sock"}, {AF_UNIX, "@name"},
// {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")},
// {sa_family=AF_UNIX, sun_path=@"name"}, {AF_UNSPEC}, or a quoted address.
net::SocketAddress sockaddr_of(const Value& v) {
  if (v.kind == Value::Kind::String || v.kind == Value::Kind::Address) return address_of_text(v);
  if (v.kind != Value::Kind::Struct)
    fail_at(v, "expected a socket address: {AF_INET, 127.0.0.1:80}, \"127.0.0.1:80\" or \"unix:/path\"");
  net::SocketAddress a;
  std::optional<int> family;
  std::optional<net::SocketAddress> whole;  // a written address
  const Value* path = nullptr;
  bool have_ip = false;
  std::optional<std::uint16_t> port;
  for (const Value& f : v.fields) {
    const std::string& key = f.key;
    if (key.empty()) {
      if (f.kind == Value::Kind::Number && !family && !whole) {
        family = family_of(f);
      } else if (f.kind == Value::Kind::Address ||
                 (f.kind == Value::Kind::String && (!family || (*family != AF_UNIX)))) {
        if (whole) fail_at(f, "a second address");
        whole = address_of_text(f);
        if (family && *family != whole->family) fail_at(f, "the address is not of the family named before it");
      } else if (f.kind == Value::Kind::String) {
        path = &f;  // AF_UNIX: the path, or @name
      } else if (f.kind == Value::Kind::Function && f.text == "inet_pton") {
        a.family = family.value_or(0);
        ip_of(f, AF_INET6, a);
        have_ip = true;
      } else {
        fail_at(f, "expected an address family or an address");
      }
    } else if (key == "sa_family" || key == "sun_family" || key == "sin_family" || key == "sin6_family") {
      family = family_of(f);
    } else if (key == "sun_path") {
      path = &f;
    } else if (key == "sin_port" || key == "sin6_port") {
      port = port_of(f);
    } else if (key == "sin_addr" || key == "sin6_addr") {
      a.family = family.value_or(key == "sin_addr" ? AF_INET : AF_INET6);
      ip_of(f, a.family, a);
      have_ip = true;
    } else if (key == "sin6_flowinfo" || key == "sin6_scope_id" || key == "sin_zero") {
      // not read by a policy
    } else {
      fail_at(f, "unknown sockaddr field '" + key + "'" +
                     policy::did_you_mean(key,
                                          {"sa_family", "sun_path", "sin_port", "sin_addr", "sin6_port", "sin6_addr"}));
    }
  }
  if (whole) {
    if (path != nullptr || have_ip || port) fail_at(v, "an address written whole takes no other fields");
    return *whole;
  }
  if (!family && !have_ip)
    fail_at(v, "the address has no family (write {AF_INET, 127.0.0.1:80} or {sa_family=AF_UNIX, ...})");
  a.family = family.value_or(a.family);
  if (path != nullptr) {
    if (a.family != AF_UNIX) fail_at(*path, "a path in an address that is not AF_UNIX");
    std::string p = string_of(*path, "a UNIX socket path");
    a.abstract = path->at || (!p.empty() && p[0] == '@');
    a.unix_path = a.abstract && !path->at ? p.substr(1) : p;
    if (a.unix_path.empty() && !a.abstract) a.unnamed = true;
  } else if (a.family == AF_UNIX) {
    a.unnamed = true;
  }
  if (port) a.port = *port;
  return a;
}

// The destinations of sendmsg's msghdr: {msg_name={...}, ...}, a sockaddr, or
// none ({}, {msg_name=NULL, ...}, NULL is a fault instead).
std::vector<net::SocketAddress> msghdr_names(const Value& v) {
  if (v.kind == Value::Kind::String || v.kind == Value::Kind::Address) return {address_of_text(v)};
  if (v.kind != Value::Kind::Struct)
    fail_at(v, "expected a msghdr: {msg_name={AF_INET, 1.2.3.4:53}}, {} or an address");
  for (const Value& f : v.fields) {
    const std::string& key = f.key;
    if (key == "msg_hdr") return msghdr_names(f);  // struct mmsghdr
    if (key == "msg_name") {
      if (f.kind == Value::Kind::Number && f.number == 0) return {};
      return {sockaddr_of(f)};
    }
  }
  bool any_named = false;
  for (const auto& field : v.fields) any_named = any_named || !field.key.empty();
  bool only_msg = true;
  for (const auto& field : v.fields) only_msg = only_msg && field.key.rfind("msg_", 0) == 0;
  if (v.fields.empty() || (any_named && only_msg)) return {};
  return {sockaddr_of(v)};
}

std::uint64_t dummy_pointer(int index) { return kDummyPointer + 0x1000u * static_cast<std::uint64_t>(index); }

bool is_number_kind(arch::ArgKind k) {
  using K = arch::ArgKind;
  return k == K::Int || k == K::UInt || k == K::Long || k == K::ULong || k == K::Fd || k == K::DirFd;
}

// The name of argument `index` for messages: "flags (argument 3)".
std::string arg_label(const DescribedCall& c, int index) {
  std::string n = c.spec != nullptr && index < c.spec->nargs ? std::string(c.spec->args[index].name) + " " : "";
  return n + "(argument " + std::to_string(index + 1) + ")";
}

void read_arg(DescribedCall& c, int index, const Value& v) {
  const bool sends = c.name == "sendmsg" || c.name == "sendmmsg";
  const bool msg = sends && index == 1;
  arch::ArgKind kind = c.spec != nullptr ? c.spec->args[index].kind : arch::ArgKind::ULong;
  if (v.kind == Value::Kind::Number) {
    c.args[index] = v.number;
    return;
  }
  if (v.kind == Value::Kind::Function || v.kind == Value::Kind::Reference)
    fail_at(v, "expected a number, a constant, a string or a structure for " + arg_label(c, index));
  std::string what = c.name + "'s " + arg_label(c, index);
  if (msg) {
    std::vector<net::SocketAddress> names;
    if (c.name == "sendmmsg" && v.kind == Value::Kind::List) {
      for (const auto& item : v.fields) {
        auto more = msghdr_names(item);
        names.insert(names.end(), more.begin(), more.end());
      }
    } else {
      names = msghdr_names(v);
    }
    c.addresses[index] = std::move(names);
  } else if (kind == arch::ArgKind::SockAddr) {
    c.addresses[index] = {sockaddr_of(v)};
  } else if (v.kind == Value::Kind::String) {
    if (c.spec != nullptr && is_number_kind(kind)) fail_at(v, what + " is a number, not a string");
    c.strings[index] = v.text;
  } else if (v.kind == Value::Kind::Address) {
    fail_at(v, what + " is not a socket address");
  } else if (c.spec != nullptr && kind != arch::ArgKind::Pointer) {
    fail_at(v, what + (is_number_kind(kind) ? " is a number" : " is a string") + ", not a structure");
  }
  c.args[index] = dummy_pointer(index);
}

// A relative path is looked up from a descriptor the described call would
// have open; nothing is open here but the working directory.
void check_directories(const DescribedCall& c) {
  const fs::PathCall* pc = fs::find_path_call(c.name);
  if (pc == nullptr) return;
  for (int i = 0; i < pc->count; ++i) {
    const fs::PathArg& a = pc->args[i];
    if (a.dirfd < 0) continue;
    auto s = c.strings.find(a.path);
    if (s == c.strings.end() || (!s->second.empty() && s->second[0] == '/')) continue;
    auto dirfd = static_cast<std::int32_t>(c.args[a.dirfd]);
    if (dirfd == -100 /* AT_FDCWD */) continue;
    int column = a.dirfd < c.written ? c.columns[static_cast<std::size_t>(a.dirfd)]
                                     : c.columns[static_cast<std::size_t>(a.path)];
    throw CallError(column, std::string(c.spec != nullptr ? c.spec->args[a.dirfd].name.view() : "dirfd") + " " +
                                std::to_string(dirfd) + ": no descriptor is open here; " +
                                (s->second.empty() ? "an empty" : "a relative") +
                                " path can only be described with AT_FDCWD (or make the path absolute)");
  }
}

}  // namespace

DescribedCall parse_call(std::string_view text, Abi abi, std::size_t* end) {
  Parser p(text);
  DescribedCall c;
  p.blanks();
  std::size_t start = p.pos();
  if (!ident_start(p.peek()))
    p.fail(p.pos(), p.at_end() ? "expected a system call such as getpid()" : "expected the name of a system call");
  std::size_t name_at = p.pos();
  std::string name = p.ident();
  // "i386:getpid()": a call of another ABI.
  if (p.peek() == ':') {
    auto other = arch::abi_from_name(name);
    if (!other) {
      std::vector<std::string_view> names;
      for (Abi a : arch::all_abis()) names.push_back(arch::abi_info(a).name);
      p.fail(name_at, "unknown ABI '" + name + "'" + policy::did_you_mean(name, names) + " (x86_64, i386 or x32)");
    }
    abi = *other;
    p.eat(':');
    p.blanks();
    name_at = p.pos();
    if (!ident_start(p.peek())) p.fail(p.pos(), "expected the name of a system call after the ABI");
    name = p.ident();
  }
  c.abi = abi;
  const arch::AbiInfo& info = arch::abi_info(abi);
  if (name.rfind("syscall_", 0) == 0 && name.size() > 8 &&
      name.find_first_not_of("0123456789", 8) == std::string::npos) {
    auto n = Parser::integer(name.substr(8));
    if (!n || *n > 0x7fffffff) p.fail(name_at + 8, "bad system call number");
    c.nr = static_cast<long>(*n);
    std::string known = arch::syscall_name(abi, c.nr);
    c.name = known.empty() ? name : known;
  } else {
    bool known = arch::find_syscall(name) != nullptr;
    for (Abi a : arch::all_abis()) known = known || arch::syscall_number(a, name) >= 0;
    if (!known) {
      std::vector<std::string_view> names;
      for (const auto& spec : arch::all_syscalls()) names.push_back(spec.name);
      p.fail(name_at, "unknown syscall '" + name + "'" + policy::did_you_mean(name, names));
    }
    c.nr = arch::syscall_number(abi, name);
    if (c.nr < 0) p.fail(name_at, "'" + name + "' is not a system call of the " + std::string(info.name) + " ABI");
    c.name = name;
  }
  c.spec = arch::find_syscall(c.name);
  p.expect('(', "'(' after the name");
  std::vector<Value> values;
  if (!p.eat(')')) {
    do {
      p.blanks();
      std::size_t at = p.pos();
      int most = c.spec != nullptr ? c.spec->nargs : 6;
      if (static_cast<int>(values.size()) >= most)
        p.fail(at, c.name + " takes " + std::to_string(most) + " argument" + (most == 1 ? "" : "s"));
      values.push_back(p.value());
    } while (p.eat(','));
    p.expect(')', "',' or ')'");
  }
  std::size_t stop = p.pos();
  if (end != nullptr) {
    *end = stop;
  } else {
    p.blanks();
    if (!p.at_end()) p.fail(p.pos(), "unexpected text after the call");
  }
  c.text = std::string(text.substr(start, stop - start));
  c.written = static_cast<int>(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    c.columns.push_back(values[i].column);
    read_arg(c, static_cast<int>(i), values[i]);
  }
  if (!info.word64)
    for (auto& a : c.args) a &= 0xffffffffu;
  check_directories(c);
  return c;
}

}  // namespace sysgate::described
