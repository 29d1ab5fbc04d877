// Reads the JSON log of `sysgate run --log` (one call object per line, see
// sysgate(1), LOG) into Observations. A log teaches everything its policy
// logged: the recording policy of `learn` logs every call, with its paths
// and socket addresses.
#pragma once

#include <cstdint>
#include <istream>
#include <string>

#include "learn/observations.hpp"

namespace sysgate::learn {

// Adds the call objects of one log to `into`; `log_index` tells the processes
// of different logs apart (pids are only unique within one run).
void read_log(std::istream& in, int log_index, Observations& into);

// The value of an argument as the log writes it ("O_RDONLY|O_CLOEXEC",
// "AT_FDCWD", "0x1f", "0644", "-1", "S_IFREG|0600"); 0 for what it cannot read.
std::uint64_t logged_value(const std::string& text);

// A resolved path as a policy can name it again in another run: /proc/PID of
// the calling process is /proc/self, its threads' /proc/self/task/TID are
// /proc/self/task/*, and another process's /proc/PID is /proc/*.
std::string portable_path(const std::string& path, int pid);

}  // namespace sysgate::learn
