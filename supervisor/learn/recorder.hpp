// Records a run for `sysgate learn`: the program runs as under `sysgate run`
// (one session::Session), under a recording policy that allows every call and
// logs each one with the paths and socket addresses it names, into a JSON log
// that log_reader.hpp reads.
#pragma once

#include <string>

#include "session/run_config.hpp"
#include "sysgate/result.hpp"
#include "trace/supervisor_process.hpp"

namespace sysgate::learn {

// The recording policy (sysgate-policy(5)). Every call is allowed and logged
// (`log`), but those sysgate refuses under a filesystem section (openat2,
// open_by_handle_at), which the learned policy will have: the run meets the
// same refusals while recorded as it will under the learned policy.
// connect, bind and sendto are logged by a rule that tests their address, so
// that the log names it.
std::string recording_policy();

// A temporary file, removed when this goes away.
class TemporaryFile {
 public:
  // In $TMPDIR (or /tmp): PREFIX-XXXXXX.SUFFIX. Throws std::runtime_error.
  TemporaryFile(const std::string& prefix, const std::string& suffix);
  ~TemporaryFile();
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs `config.program` with the recording policy, the JSON log written to
// `log_path`, decisions not printed. Throws session::SessionError (its
// message says why) when the run cannot start; nothing has run then.
RunResult record(session::RunConfig config, const std::string& log_path, trace::SupervisorProcess& process);

}  // namespace sysgate::learn
