// limits::OutputRelay: what reaches the targets, and the figure the report
// gives as output_bytes (the bytes relayed, never above the limit).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>

#include "limits/output_relay.hpp"

namespace sysgate {
namespace {

std::atomic<int> g_wakes{0};
void count_wake() { ++g_wakes; }

// A temporary file as a relay target.
struct TempFile {
  TempFile() {
    char name[] = "/tmp/sysgate-relay-XXXXXX";
    fd = mkstemp(name);
    path = name;
  }
  ~TempFile() {
    close(fd);
    unlink(path.c_str());
  }
  off_t size() const {
    struct stat st{};
    fstat(fd, &st);
    return st.st_size;
  }
  int fd;
  std::string path;
};

void write_n(int fd, std::size_t n, char c) {
  std::string chunk(4096, c);
  while (n > 0) {
    std::size_t k = n < chunk.size() ? n : chunk.size();
    ssize_t w = write(fd, chunk.data(), k);
    if (w <= 0) return;  // the relay stopped reading
    n -= static_cast<std::size_t>(w);
  }
}

// Runs a "program" (a thread writing through copies of the pipes' write ends)
// under a relay with `limit`, writing `out` bytes to stdout and `err` to stderr.
struct Relayed {
  std::uint64_t bytes;
  bool exceeded;
  off_t out_size, err_size;
};

Relayed relay(std::optional<std::uint64_t> limit, std::size_t out, std::size_t err) {
  TempFile out_file, err_file;
  g_wakes = 0;
  limits::OutputRelay r(out_file.fd, err_file.fd, limit);
  int w_out = dup(r.child_stdout()), w_err = dup(r.child_stderr());
  r.start(count_wake);
  std::thread writer([&] {
    write_n(w_out, out, 'o');
    write_n(w_err, err, 'e');
    close(w_out);
    close(w_err);
  });
  writer.join();
  r.finish();
  return {r.bytes(), r.exceeded(), out_file.size(), err_file.size()};
}

TEST(OutputRelay, UnderTheLimitEveryByteIsRelayedAndCounted) {
  Relayed r = relay(65536, 1000, 24);
  EXPECT_FALSE(r.exceeded);
  EXPECT_EQ(r.bytes, 1024u);
  EXPECT_EQ(r.out_size, 1000);
  EXPECT_EQ(r.err_size, 24);
  EXPECT_EQ(g_wakes.load(), 0);
}

TEST(OutputRelay, ExactlyTheLimitIsNotExceeding) {
  Relayed r = relay(65536, 65536, 0);
  EXPECT_FALSE(r.exceeded);
  EXPECT_EQ(r.bytes, 65536u);
}

TEST(OutputRelay, OverTheLimitTheFigureIsWhatWasRelayed) {
  // The case: 200704 bytes written under a 64 KiB limit were reported
  // as output_bytes 200704 while the file held 65536.
  Relayed r = relay(65536, 200704, 0);
  EXPECT_TRUE(r.exceeded);
  EXPECT_EQ(r.out_size, 65536);
  EXPECT_EQ(r.bytes, 65536u);
  EXPECT_EQ(g_wakes.load(), 1);
}

TEST(OutputRelay, StdoutAndStderrShareTheLimit) {
  Relayed r = relay(65536, 40000, 100000);
  EXPECT_TRUE(r.exceeded);
  EXPECT_EQ(r.out_size, 40000);
  EXPECT_EQ(r.err_size, 65536 - 40000);
  EXPECT_EQ(r.bytes, 65536u);
}

}  // namespace
}  // namespace sysgate
