#include "learn/observations.hpp"

namespace sysgate::learn {

std::string Actor::text() const {
  std::string s = "pid " + std::to_string(pid);
  if (!command.empty()) {
    auto slash = command.rfind('/');
    s += " " + (slash == std::string::npos ? command : command.substr(slash + 1));
  }
  return s;
}

void Use::add(const Actor& who, std::uint64_t times) {
  if (count == 0 || who.seq < first.seq) first = who;
  count += times;
}

void Use::merge(const Use& other) {
  if (other.count == 0) return;
  add(other.first, other.count);
}

}  // namespace sysgate::learn
