// trace/shared_mapping.hpp, on this process's own mappings.
#include "trace/shared_mapping.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace sysgate::trace {
namespace {

std::uint64_t addr(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

TEST(SharedMapping, TellsSharedFromPrivatePages) {
  const long page = sysconf(_SC_PAGESIZE);
  // Three adjacent pages: private, shared, private.
  char* base = static_cast<char*>(mmap(nullptr, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(base, MAP_FAILED);
  ASSERT_NE(mmap(base + page, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0), MAP_FAILED);
  pid_t self = getpid();
  EXPECT_FALSE(touches_shared_mapping(self, addr(base), 16));
  EXPECT_FALSE(touches_shared_mapping(self, addr(base), page));
  EXPECT_TRUE(touches_shared_mapping(self, addr(base + page), 1));
  EXPECT_TRUE(touches_shared_mapping(self, addr(base + page - 8), 16));  // straddles into it
  EXPECT_FALSE(touches_shared_mapping(self, addr(base + 2 * page), 16));
  EXPECT_TRUE(touches_shared_mapping(self, addr(base), 3 * page));
  munmap(base, 3 * page);
}

TEST(SharedMapping, UnmappedMemoryIsNotShared) {
  const long page = sysconf(_SC_PAGESIZE);
  char* p = static_cast<char*>(mmap(nullptr, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(p, MAP_FAILED);
  munmap(p, page);
  EXPECT_FALSE(touches_shared_mapping(getpid(), addr(p), 16));
  EXPECT_FALSE(touches_shared_mapping(getpid(), ~0ull - 8, 64));  // wraps: clamped
}

TEST(SharedMapping, AGoneProcessCountsAsShared) {
  EXPECT_TRUE(touches_shared_mapping(999999999, 0x1000, 16));
}

}  // namespace
}  // namespace sysgate::trace
