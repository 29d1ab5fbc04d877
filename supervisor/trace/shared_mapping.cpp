#include "trace/shared_mapping.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace sysgate::trace {
namespace {

// include/uapi/linux/fs.h of Linux 6.11, newer than our headers.
struct ProcmapQuery {
  std::uint64_t size;
  std::uint64_t query_flags;
  std::uint64_t query_addr;
  std::uint64_t vma_start;
  std::uint64_t vma_end;
  std::uint64_t vma_flags;
  std::uint64_t vma_page_size;
  std::uint64_t vma_offset;
  std::uint64_t inode;
  std::uint32_t dev_major;
  std::uint32_t dev_minor;
  std::uint32_t vma_name_size;
  std::uint32_t build_id_size;
  std::uint64_t vma_name_addr;
  std::uint64_t build_id_addr;
};
static_assert(sizeof(ProcmapQuery) == 104);
constexpr unsigned long kProcmapQuery = _IOWR('f', 17, ProcmapQuery);
constexpr std::uint64_t kVmaShared = 0x08;
constexpr std::uint64_t kCoveringOrNext = 0x10;

enum class Answer { Shared, Private, Unsupported };

Answer query(int maps, std::uint64_t address, std::uint64_t end) {
  while (address < end) {
    ProcmapQuery q{};
    q.size = sizeof q;
    q.query_flags = kCoveringOrNext;
    q.query_addr = address;
    if (ioctl(maps, kProcmapQuery, &q) != 0) {
      if (errno == ENOENT) return Answer::Private;  // no mapping at or above
      return errno == ENOTTY || errno == EINVAL ? Answer::Unsupported : Answer::Shared;
    }
    if (q.vma_start >= end) return Answer::Private;
    if ((q.vma_flags & kVmaShared) != 0) return Answer::Shared;
    address = q.vma_end;
  }
  return Answer::Private;
}

bool scan(int maps, std::uint64_t address, std::uint64_t end) {
  FILE* f = fdopen(maps, "re");
  if (f == nullptr) return true;
  char line[512];
  bool shared = false;
  while (!shared && std::fgets(line, sizeof line, f) != nullptr) {
    unsigned long lo = 0, hi = 0;
    char perms[8] = {};
    if (std::sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3) continue;
    if (hi > address && lo < end && perms[3] == 's') shared = true;
  }
  std::fclose(f);
  return shared;
}

}  // namespace

bool touches_shared_mapping(pid_t tid, std::uint64_t address, std::uint64_t size) {
  char path[32];
  std::snprintf(path, sizeof path, "/proc/%d/maps", tid);
  int maps = open(path, O_RDONLY | O_CLOEXEC);
  if (maps < 0) return true;
  std::uint64_t end = address + size < address ? UINT64_MAX : address + size;
  Answer a = query(maps, address, end);
  if (a != Answer::Unsupported) {
    close(maps);
    return a == Answer::Shared;
  }
  return scan(maps, address, end);  // closes maps
}

}  // namespace sysgate::trace
