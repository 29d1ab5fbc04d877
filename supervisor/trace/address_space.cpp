#include "trace/address_space.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
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
constexpr std::uint64_t kVmaRead = 0x1, kVmaWrite = 0x2, kVmaExec = 0x4, kVmaShared = 0x8;
constexpr std::uint64_t kCoveringOrNext = 0x10;

struct Vma {
  std::uint64_t start = 0, end = 0;
  bool read = false, write = false, exec = false, shared = false;
  bool file = false;  // an inode or device behind it
  std::uint64_t dev = 0, inode = 0;
};

enum class Lookup : std::uint8_t { Found, None, Unsupported };

// The first mapping that ends above `address` (covering it or after it).
Lookup query(int maps, std::uint64_t address, Vma& out) {
  ProcmapQuery q{};
  q.size = sizeof q;
  q.query_flags = kCoveringOrNext;
  q.query_addr = address;
  if (ioctl(maps, kProcmapQuery, &q) != 0) return errno == ENOENT ? Lookup::None : Lookup::Unsupported;
  out.start = q.vma_start;
  out.end = q.vma_end;
  out.read = (q.vma_flags & kVmaRead) != 0;
  out.write = (q.vma_flags & kVmaWrite) != 0;
  out.exec = (q.vma_flags & kVmaExec) != 0;
  out.shared = (q.vma_flags & kVmaShared) != 0;
  out.file = q.inode != 0 || q.dev_major != 0 || q.dev_minor != 0;
  out.dev = makedev(q.dev_major, q.dev_minor);
  out.inode = q.inode;
  return Lookup::Found;
}

// Kernels before 6.11: the text of /proc/PID/maps.
Lookup scan(int maps, std::uint64_t address, Vma& out) {
  if (lseek(maps, 0, SEEK_SET) != 0) return Lookup::Unsupported;
  int fd = dup(maps);
  FILE* f = fd < 0 ? nullptr : fdopen(fd, "re");
  if (f == nullptr) {
    if (fd >= 0) close(fd);
    return Lookup::Unsupported;
  }
  char line[512];
  Lookup found = Lookup::None;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    unsigned long lo = 0, hi = 0, inode = 0;
    unsigned dmaj = 0, dmin = 0;
    char perms[8] = {};
    unsigned long long offset = 0;
    if (std::sscanf(line, "%lx-%lx %7s %llx %x:%x %lu", &lo, &hi, perms, &offset, &dmaj, &dmin, &inode) != 7) continue;
    if (hi <= address) continue;
    out = {lo, hi, perms[0] == 'r', perms[1] == 'w', perms[2] == 'x', perms[3] == 's', inode != 0 || dmaj != 0 || dmin != 0,
           makedev(dmaj, dmin), inode};
    found = Lookup::Found;
    break;
  }
  std::fclose(f);
  return found;
}

Lookup find_vma(int maps, std::uint64_t address, Vma& out) {
  static bool procmap_query = true;
  if (procmap_query) {
    Lookup l = query(maps, address, out);
    if (l != Lookup::Unsupported) return l;
    if (errno != ENOTTY && errno != EINVAL) return Lookup::Unsupported;
    procmap_query = false;
  }
  return scan(maps, address, out);
}

int open_proc(pid_t tid, const char* what, int flags) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/%s", tid, what);
  return open(path, flags | O_CLOEXEC);
}

}  // namespace

AddressSpace::AddressSpace(compile::ScratchLayout layout) : layout_(layout), arena_(layout.size) {}

AddressSpace::~AddressSpace() {
  if (maps_ >= 0) close(maps_);
  if (mem_ >= 0) close(mem_);
}

int AddressSpace::maps_fd(pid_t tid) {
  if (maps_ < 0) maps_ = open_proc(tid, "maps", O_RDONLY);
  return maps_;
}

int AddressSpace::mem_fd(pid_t tid) {
  if (mem_ < 0) mem_ = open_proc(tid, "mem", O_RDWR);
  return mem_;
}

bool executable_is_write_protected() {
  static const bool protected_ = [] {
    int fd = open("/proc/self/exe", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      close(fd);  // opened, nothing written: this kernel lets running programs be written
      return false;
    }
    return errno == ETXTBSY;
  }();
  return protected_;
}

bool AddressSpace::private_to(pid_t tid, std::uint64_t address, std::uint64_t size) {
  int maps = maps_fd(tid);
  if (maps < 0) return false;
  if (!exe_known_) {
    exe_known_ = true;
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/exe", tid);
    struct stat st{};
    if (executable_is_write_protected() && stat(path, &st) == 0) {
      exe_dev_ = st.st_dev;
      exe_ino_ = st.st_ino;
    }
  }
  std::uint64_t end = address + size < address ? UINT64_MAX : address + size;
  while (address < end) {
    Vma v;
    if (find_vma(maps, address, v) != Lookup::Found || v.start > address) return false;  // unmapped: EFAULT anyway
    if (v.shared) return false;
    if (v.file && !(exe_ino_ != 0 && v.inode == exe_ino_ && v.dev == exe_dev_)) return false;
    address = v.end;
  }
  return true;
}

bool AddressSpace::region_mapped(pid_t tid) {
  int maps = maps_fd(tid);
  Vma v;
  if (maps < 0 || find_vma(maps, layout_.base, v) != Lookup::Found) return false;
  return v.start == layout_.base && v.end == layout_.end() && v.read && !v.write && !v.exec && !v.shared && !v.file;
}

AddressSpace::Region AddressSpace::region(pid_t tid) {
  if (region_ == Region::Unknown) {
    int maps = maps_fd(tid);
    Vma v;
    Lookup l = maps < 0 ? Lookup::Unsupported : find_vma(maps, layout_.base, v);
    if (l == Lookup::None || (l == Lookup::Found && v.start >= layout_.end()))
      region_ = Region::Absent;
    else if (l == Lookup::Found && region_mapped(tid))
      region_ = Region::Ready;
    else
      region_ = l == Lookup::Unsupported ? Region::Absent : Region::Unavailable;
  }
  return region_;
}

bool AddressSpace::write(pid_t tid, std::uint64_t address, const std::string& bytes) {
  int fd = mem_fd(tid);
  if (fd < 0) return false;
  return pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(address)) == static_cast<ssize_t>(bytes.size());
}

bool AddressSpace::read(pid_t tid, std::uint64_t address, void* out, std::size_t size) {
  int fd = mem_fd(tid);
  if (fd < 0) return false;
  return pread(fd, out, size, static_cast<off_t>(address)) == static_cast<ssize_t>(size);
}

}  // namespace sysgate::trace
