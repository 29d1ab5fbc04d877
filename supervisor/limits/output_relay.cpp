#include "limits/output_relay.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace sysgate::limits {
namespace {

// The bytes the target took.
std::size_t write_all(int fd, const char* p, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    ssize_t w = write(fd, p + done, n - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;  // the target is gone: drop, as a closed terminal would
    done += static_cast<std::size_t>(w);
  }
  return done;
}

}  // namespace

OutputRelay::OutputRelay(int stdout_target, int stderr_target, std::optional<std::uint64_t> limit)
    : targets_{stdout_target, stderr_target}, limit_(limit) {
  if (pipe2(out_, O_CLOEXEC) != 0 || pipe2(err_, O_CLOEXEC) != 0)
    throw std::system_error(errno, std::generic_category(), "pipe for the output limit");
}

OutputRelay::~OutputRelay() {
  finish();
  for (int fd : {out_[0], out_[1], err_[0], err_[1]})
    if (fd >= 0) close(fd);
}

void OutputRelay::start(void (*wake)()) {
  wake_ = wake;
  close(out_[1]);
  close(err_[1]);
  out_[1] = err_[1] = -1;
  thread_ = std::thread([this] { loop(); });
}

void OutputRelay::finish() {
  if (thread_.joinable()) thread_.join();
}

void OutputRelay::loop() {
  // Ticks and forwarded signals are for the tracer thread.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  pollfd fds[2] = {{out_[0], POLLIN, 0}, {err_[0], POLLIN, 0}};
  int open_count = 2;
  char buf[65536];
  while (open_count > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        fds[i].fd = -1;  // every writer closed it
        --open_count;
        continue;
      }
      // The limit is on what the program wrote; the figure reported is what
      // reached the targets, which never exceeds the limit.
      std::uint64_t before = received_;
      received_ += static_cast<std::uint64_t>(n);
      std::size_t allowed = static_cast<std::size_t>(n);
      if (limit_) {
        std::uint64_t room = before >= *limit_ ? 0 : *limit_ - before;
        if (room < allowed) allowed = static_cast<std::size_t>(room);
        if (received_ > *limit_ && !exceeded_.exchange(true) && wake_ != nullptr) wake_();
      }
      if (allowed > 0) relayed_.fetch_add(write_all(targets_[i], buf, allowed));
    }
  }
}

}  // namespace sysgate::limits
