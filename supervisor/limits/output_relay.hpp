// The `output` limit: the program writes its stdout and stderr into pipes the
// supervisor owns; a relay thread copies them to their targets, counts the
// bytes, and stops copying at the limit. sysgate's own messages are not counted.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <thread>

namespace sysgate::limits {

class OutputRelay {
 public:
  // Targets are the descriptors the program's output should reach.
  OutputRelay(int stdout_target, int stderr_target, std::optional<std::uint64_t> limit);
  ~OutputRelay();
  OutputRelay(const OutputRelay&) = delete;
  OutputRelay& operator=(const OutputRelay&) = delete;

  int child_stdout() const { return out_[1]; }
  int child_stderr() const { return err_[1]; }

  // After the child is forked: closes our write ends and starts copying.
  // `wake` is called (from the relay thread) once when the limit is exceeded.
  void start(void (*wake)());
  // After every writer is gone: copies what is left and stops.
  void finish();

  // The bytes of the program's stdout and stderr copied to their targets: at
  // most the limit (what the program wrote past it is discarded, not counted),
  // and without what a closed target refused. The report's output_bytes.
  std::uint64_t bytes() const { return relayed_.load(); }
  // The limit was exceeded: the program wrote more than it.
  bool exceeded() const { return exceeded_.load(); }

 private:
  void loop();
  int out_[2] = {-1, -1}, err_[2] = {-1, -1};
  int targets_[2];
  std::optional<std::uint64_t> limit_;
  std::uint64_t received_ = 0;  // read from the pipes (relay thread only)
  std::atomic<std::uint64_t> relayed_{0};
  std::atomic<bool> exceeded_{false};
  void (*wake_)() = nullptr;
  std::thread thread_;
};

}  // namespace sysgate::limits
