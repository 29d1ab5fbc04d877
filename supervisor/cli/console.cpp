#include "cli/console.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <system_error>

#include "cli/options.hpp"

namespace sysgate::cli {

void say(const std::string& line) {
  std::string l = line + "\n";
  const char* p = l.data();
  std::size_t left = l.size();
  while (left > 0) {
    ssize_t n = write(2, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

std::string caller_cwd() {
  char buf[PATH_MAX];
  if (getcwd(buf, sizeof buf) == nullptr) return "/";
  return buf;
}

void write_json_to(const std::optional<std::string>& where, const std::function<std::string()>& make,
                   const char* option) {
  if (!where) return;
  const std::string json = make();
  if (*where == "-") {
    std::cout << json << std::endl;
    return;
  }
  try {
    write_whole_file(*where, json + "\n");
  } catch (const std::system_error& e) {
    say(std::string("sysgate: ") + option + " " + *where + ": cannot write: " + e.what());
  }
}

void write_whole_file(const std::string& path, const std::string& text) {
  auto fail = [](const char* what) { throw std::system_error(errno, std::generic_category(), what); };
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0666);
  if (fd < 0) fail("open");
  struct Closer {
    int fd;
    ~Closer() {
      if (fd >= 0) close(fd);
    }
  } closer{fd};
  for (std::size_t done = 0; done < text.size();) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write");
    if (n == 0) {
      errno = EIO;
      fail("write");
    }
    done += static_cast<std::size_t>(n);
  }
  struct stat st{};
  if (fstat(fd, &st) != 0) fail("fstat");
  // A pipe or a terminal has no length to cut.
  if (S_ISREG(st.st_mode) && st.st_size != static_cast<off_t>(text.size()) &&
      ftruncate(fd, static_cast<off_t>(text.size())) != 0)
    fail("ftruncate");
  closer.fd = -1;
  if (close(fd) != 0 && errno != EINTR) fail("close");
}

std::uint64_t parse_seed(const std::string& text) {
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0])) || *end != '\0' || errno != 0 ||
      v >= (1ull << 53))
    throw UsageError("--seed: expected a whole number below 2^53, got '" + text + "'");
  return v;
}

}  // namespace sysgate::cli
