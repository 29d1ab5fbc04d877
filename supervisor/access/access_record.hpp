// What a run touched: every file read, written, created, deleted, executed or
// probed (looked for and missing), and every network endpoint, each with the
// first process that touched it; written as the access report (--access-report)
// and compared with a manifest (--declared).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "net/socket_address.hpp"

namespace sysgate::access {

enum class Kind : std::uint8_t { Read, Written, Created, Deleted, Executed, Probed, Network };
const char* to_string(Kind k);     // "read", "written", ... (the report's keys)
const char* letter(Kind k);        // "R", "W", "C", "D", "X", "probe", "net" (the manifest's lines)

struct FirstUse {
  pid_t pid = 0;
  std::string exe;  // the process's executable then
};

class AccessRecord {
 public:
  // One access; the first process to make it is kept.
  void note(Kind kind, const std::string& what, pid_t pid);
  void note_address(const net::SocketAddress& a, pid_t pid);
  const std::map<std::string, net::SocketAddress>& addresses() const { return addresses_; }
  const std::map<std::string, FirstUse>& of(Kind kind) const { return by_kind_[static_cast<int>(kind)]; }
  // The access report: {"schema": 1, "files": {"read": [{"path", "pid", "exe"}...], ...},
  // "network": [{"address", "pid", "exe"}]}; one line.
  std::string json() const;

 private:
  std::map<std::string, FirstUse> by_kind_[7];
  std::map<std::string, net::SocketAddress> addresses_;  // by str(), for the manifest's patterns
};

}  // namespace sysgate::access
