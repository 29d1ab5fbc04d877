#include "learn/recorder.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "session/session.hpp"

namespace sysgate::learn {

std::string recording_policy() {
  return R"(# The recording policy of `sysgate learn`.
version: 1
name: learn-recording
abi: [x86_64]
default: log
rules:
  - name: learn-addresses
    syscalls: [connect, bind]
    args: {addr: {not_in: [none]}}
    action: log
  - name: learn-destinations
    syscalls: [sendto]
    args: {dest_addr: {not_in: [none]}}
    action: log
  # As sysgate's own rules refuse them under a filesystem section.
  - name: "sysgate:openat2-falls-back"
    syscalls: [openat2]
    action: {deny: ENOSYS}
  - name: "sysgate:no-handles"
    syscalls: [open_by_handle_at]
    action: {deny: EPERM}
  - name: learn
    syscalls: ["*"]
    action: log
)";
}

TemporaryFile::TemporaryFile(const std::string& prefix, const std::string& suffix) {
  const char* dir = std::getenv("TMPDIR");
  std::string tmpl = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/" + prefix + "-XXXXXX" + suffix;
  int fd = mkstemps(tmpl.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw std::runtime_error("cannot make a temporary file " + tmpl + ": " + std::strerror(errno));
  close(fd);
  path_ = tmpl;
}

TemporaryFile::~TemporaryFile() {
  if (!path_.empty()) unlink(path_.c_str());
}

RunResult record(session::RunConfig config, const std::string& log_path, trace::SupervisorProcess& process) {
  TemporaryFile policy_file("sysgate-learn", ".yaml");
  {
    std::ofstream out(policy_file.path(), std::ios::trunc);
    out << recording_policy();
    out.flush();
    if (!out)
      throw session::SessionError(Verdict::SetupError, session::Session::kExitSysgateError,
                                  "cannot write the recording policy to " + policy_file.path());
  }
  config.policy = policy_file.path();
  config.log_path = log_path;
  config.report_path.reset();
  config.quiet = true;
  // A recording enforces nothing: what the host cannot guarantee does not stop it.
  for (const char* w : {"signals", "landlock", "masks"}) config.allow_weaker.emplace_back(w);
  session::Session session(std::move(config));
  session.prepare();
  return session.run(process);
}

}  // namespace sysgate::learn
