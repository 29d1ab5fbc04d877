#include "report/colour.hpp"

#include <unistd.h>

#include <cstdlib>

namespace sysgate::report {

bool colour_for(int fd) {
  const char* no = std::getenv("NO_COLOR");
  if (no != nullptr && *no != '\0') return false;
  return isatty(fd) == 1;
}

std::string paint(const std::string& text, const char* code, bool on) {
  if (!on) return text;
  return std::string("\033[") + code + "m" + text + "\033[0m";
}

}  // namespace sysgate::report
