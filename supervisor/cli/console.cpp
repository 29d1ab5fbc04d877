#include "cli/console.hpp"

#include <limits.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/options.hpp"

namespace sysgate::cli {

void say(const std::string& line) {
  std::string l = line + "\n";
  const char* p = l.data();
  std::size_t left = l.size();
  while (left > 0) {
    ssize_t n = write(2, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

std::string caller_cwd() {
  char buf[PATH_MAX];
  if (getcwd(buf, sizeof buf) == nullptr) return "/";
  return buf;
}

void write_json_to(const std::optional<std::string>& where, const std::function<std::string()>& make,
                   const char* option) {
  if (!where) return;
  const std::string json = make();
  if (*where == "-") {
    std::cout << json << std::endl;
    return;
  }
  std::ofstream out(*where, std::ios::trunc);
  out << json << "\n";
  out.flush();
  if (!out) say(std::string("sysgate: ") + option + " " + *where + ": cannot write");
}

std::uint64_t parse_seed(const std::string& text) {
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0])) || *end != '\0' || errno != 0 ||
      v >= (1ull << 53))
    throw UsageError("--seed: expected a whole number below 2^53, got '" + text + "'");
  return v;
}

}  // namespace sysgate::cli
