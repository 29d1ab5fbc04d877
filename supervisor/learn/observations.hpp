// What recorded runs did, as `sysgate learn` needs it to write a policy: the
// system calls made, the files reached by the access the filesystem section
// checks, the socket addresses named, and what was refused or only failed.
// Filled from JSON logs (log_reader.hpp), read by the policy builder.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "fs/access_table.hpp"

namespace sysgate::learn {

// The process that did something: its pid and the program it had executed
// then (empty when the log has not shown one yet, e.g. the initial execve).
// `seq` orders events across every log read, so the first of several users
// can be told.
struct Actor {
  int pid = 0;
  std::string command;
  std::uint64_t seq = 0;
  std::string text() const;  // "pid 123 make", "pid 123"
};

// How often something was used, and by whom first.
struct Use {
  std::uint64_t count = 0;
  Actor first;
  void add(const Actor& who, std::uint64_t times = 1);
  void merge(const Use& other);
};

// One system call made (and allowed) while learning.
struct SyscallUse {
  Use use;
  std::uint64_t unresolved = 0;  // calls whose path did not resolve: the kernel failed them
  std::set<std::string> paths;   // the paths its calls named (path calls only)
};

struct Observations {
  std::uint64_t events = 0;                    // call objects read
  std::set<std::pair<int, int>> processes;     // (log, pid)
  std::map<std::string, SyscallUse> syscalls;  // by name
  // Resolved absolute paths by the access the filesystem section checks
  // (fs::Access: Stat, Read, Write, Exec). /proc/PID of the caller is /proc/self.
  std::map<std::string, Use> paths[4];
  std::map<std::string, Use> addresses;  // "127.0.0.1:53", "[::1]:80", "unix:/run/x.sock", "unix:@name"
  std::map<std::string, Use> families;   // socket() domains as logged: "AF_UNIX", "AF_INET", ...
  Use raw_sockets;                       // socket() of SOCK_RAW or SOCK_PACKET
  Use unaddressed_sends;                 // sendmsg/sendmmsg: their destinations are not in the log
  Use writable_executable;               // mmap/mprotect/pkey_mprotect with PROT_WRITE|PROT_EXEC
  // Calls sysgate itself refused while learning (built-in rules), which it
  // refuses again under any policy: "openat2: deny ENOSYS (sysgate:openat2-falls-back)".
  std::map<std::string, Use> refused;
  std::map<std::string, Use> foreign;  // calls of another ABI than x86_64, by "ABI NAME"
  std::uint64_t bad_lines = 0;         // lines that were not call objects

  static constexpr std::size_t kAccessKinds = 4;
  std::map<std::string, Use>& by_access(fs::Access a) { return paths[static_cast<int>(a)]; }
  const std::map<std::string, Use>& by_access(fs::Access a) const { return paths[static_cast<int>(a)]; }
};

}  // namespace sysgate::learn
