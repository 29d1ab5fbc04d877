#include "access/access_record.hpp"

#include <unistd.h>

#include "report/json_writer.hpp"

namespace sysgate::access {

const char* to_string(Kind k) {
  switch (k) {
    case Kind::Read: return "read";
    case Kind::Written: return "written";
    case Kind::Created: return "created";
    case Kind::Deleted: return "deleted";
    case Kind::Executed: return "executed";
    case Kind::Probed: return "probed";
    case Kind::Network: return "network";
  }
  return "?";
}

const char* letter(Kind k) {
  switch (k) {
    case Kind::Read: return "R";
    case Kind::Written: return "W";
    case Kind::Created: return "C";
    case Kind::Deleted: return "D";
    case Kind::Executed: return "X";
    case Kind::Probed: return "probe";
    case Kind::Network: return "net";
  }
  return "?";
}

void AccessRecord::note(Kind kind, const std::string& what, pid_t pid) {
  auto& m = by_kind_[static_cast<int>(kind)];
  if (m.contains(what)) return;
  FirstUse u;
  u.pid = pid;
  char link[64], exe[4096];
  snprintf(link, sizeof link, "/proc/%d/exe", pid);
  ssize_t n = readlink(link, exe, sizeof exe - 1);
  if (n > 0) u.exe.assign(exe, static_cast<std::size_t>(n));
  m.emplace(what, std::move(u));
}

void AccessRecord::note_address(const net::SocketAddress& a, pid_t pid) {
  std::string s = a.str();
  addresses_.emplace(s, a);
  note(Kind::Network, s, pid);
}

std::string AccessRecord::json() const {
  using report::Json;
  Json files = Json::object();
  for (Kind k : {Kind::Read, Kind::Written, Kind::Created, Kind::Deleted, Kind::Executed, Kind::Probed}) {
    Json list = Json::array();
    for (const auto& [path, use] : of(k)) list.push_back({{"path", path}, {"pid", use.pid}, {"exe", use.exe}});
    files[to_string(k)] = list;
  }
  Json net = Json::array();
  for (const auto& [addr, use] : of(Kind::Network)) net.push_back({{"address", addr}, {"pid", use.pid}, {"exe", use.exe}});
  Json j;
  j["schema"] = 1;
  j["files"] = files;
  j["network"] = net;
  return report::json_text(j);
}

}  // namespace sysgate::access
