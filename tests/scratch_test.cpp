// trace/scratch_arena.hpp, trace/checked_copy.hpp and trace/address_space.hpp:
// the space copied arguments take, how they are laid out, and which memory
// counts as private to the caller.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <set>

#include "trace/address_space.hpp"
#include "trace/checked_copy.hpp"
#include "trace/scratch_arena.hpp"

namespace sysgate::trace {
namespace {

TEST(ScratchArena, TakesGivesBackAndJoins) {
  ScratchArena a(4096);
  EXPECT_EQ(a.free_bytes(), 4096u);
  auto x = a.take(10), y = a.take(100), z = a.take(16);
  ASSERT_TRUE(x && y && z);
  EXPECT_EQ(*x % ScratchArena::kGranule, 0u);
  EXPECT_EQ(*y % ScratchArena::kGranule, 0u);
  std::set<std::uint64_t> distinct{*x, *y, *z};
  EXPECT_EQ(distinct.size(), 3u);
  EXPECT_EQ(a.free_bytes(), 4096u - 16 - 112 - 16);
  a.give_back(*y, 100);
  a.give_back(*x, 10);
  a.give_back(*z, 16);
  EXPECT_EQ(a.free_bytes(), 4096u);
  // Joined again: the whole arena can be taken at once.
  EXPECT_EQ(a.take(4096), std::optional<std::uint64_t>(0));
  EXPECT_FALSE(a.take(1));
}

TEST(ScratchArena, RefusesWhatDoesNotFit) {
  ScratchArena a(1024);
  EXPECT_FALSE(a.take(1025));
  std::vector<std::uint64_t> held;
  while (auto o = a.take(100)) held.push_back(*o);
  EXPECT_EQ(held.size(), 1024u / 112);
  for (auto o : held) a.give_back(o, 100);
  EXPECT_EQ(a.free_bytes(), 1024u);
}

TEST(CheckedCopy, PathsAndAddressesPointIntoTheRegion) {
  std::vector<CheckedBytes> checked;
  checked.push_back({1, 0x7000, std::string("/etc/hostname\0", 14), 0, 0, {}});
  checked.push_back({3, 0x8000, std::string("/tmp/x\0", 7), 0, 0, {}});
  CopyImage img = lay_out(checked, 0x10000, true);
  ASSERT_EQ(img.args.size(), 2u);
  EXPECT_EQ(img.args[0], (std::pair<int, std::uint64_t>(1, 0x10000)));
  EXPECT_EQ(img.args[1].first, 3);
  EXPECT_EQ(img.args[1].second % 16, 0u);
  std::uint64_t second = img.args[1].second - 0x10000;
  EXPECT_EQ(std::string(img.bytes.data(), 14), std::string("/etc/hostname\0", 14));
  EXPECT_EQ(std::string(img.bytes.data() + second, 7), std::string("/tmp/x\0", 7));
  EXPECT_EQ(img.headers, 0u);
}

TEST(CheckedCopy, MessageHeadersPointAtCopiedNames) {
  // Two 64-byte mmsghdrs: the first names an address, the second none.
  std::string headers(128, '\0');
  std::uint64_t name_a = 0x5000;
  std::memcpy(headers.data(), &name_a, 8);
  std::uint32_t namelen = 16;
  std::memcpy(headers.data() + 8, &namelen, 4);
  CheckedBytes c{1, 0x9000, headers, 64, 2, {{name_a, std::string(16, 'A')}, {0, ""}}};
  CopyImage img = lay_out({c}, 0x20000, true);
  ASSERT_EQ(img.args.size(), 1u);
  EXPECT_EQ(img.args[0], (std::pair<int, std::uint64_t>(1, 0x20000)));
  EXPECT_EQ(img.headers, 0x20000u);
  std::uint64_t copied = 0, second = 1;
  std::memcpy(&copied, img.bytes.data(), 8);
  std::memcpy(&second, img.bytes.data() + 64, 8);
  ASSERT_GE(copied, 0x20000u + 128);
  EXPECT_EQ(img.bytes.substr(copied - 0x20000, 16), std::string(16, 'A'));
  EXPECT_EQ(second, 0u);  // no name: left as it was
  // Everything but msg_name is the program's header as checked.
  EXPECT_EQ(img.bytes.substr(8, 56), headers.substr(8, 56));
}

TEST(CheckedCopy, ThirtyTwoBitHeaders) {
  std::string headers(32, '\0');
  std::uint32_t name = 0x5000;
  std::memcpy(headers.data(), &name, 4);
  CheckedBytes c{1, 0x9000, headers, 32, 1, {{name, std::string(8, 'B')}}};
  CopyImage img = lay_out({c}, 0x30000, false);
  std::uint32_t copied = 0;
  std::memcpy(&copied, img.bytes.data(), 4);
  EXPECT_EQ(img.bytes.substr(copied - 0x30000, 8), std::string(8, 'B'));
  EXPECT_EQ(img.bytes.substr(4, 28), headers.substr(4, 28));
}

// Which memory another process or a file could change: this process's own mappings.
TEST(AddressSpace, MemoryOnlyTheCallerCanChange) {
  AddressSpace self(compile::ScratchLayout{});
  const pid_t me = getpid();
  long page = sysconf(_SC_PAGESIZE);
  auto* anon = static_cast<char*>(mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  auto* shared = static_cast<char*>(mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(anon, MAP_FAILED);
  ASSERT_NE(shared, MAP_FAILED);
  auto addr = [](const void* p) { return reinterpret_cast<std::uint64_t>(p); };
  EXPECT_TRUE(self.private_to(me, addr(anon), 16));
  EXPECT_TRUE(self.private_to(me, addr(anon), 2 * page));
  EXPECT_FALSE(self.private_to(me, addr(shared), 1));
  char on_stack[16];
  EXPECT_TRUE(self.private_to(me, addr(on_stack), sizeof on_stack));
  // A string literal lies in this executable's file mapping, which nobody can
  // write while it runs (ETXTBSY, where the kernel gives it).
  static const char literal[] = "/etc/hostname";
  EXPECT_EQ(self.private_to(me, addr(literal), sizeof literal), executable_is_write_protected());
  // Any other file mapping can be written by another process, private or not.
  char tmpl[] = "/tmp/sysgate-map.XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, page), 0);
  void* file = mmap(nullptr, page, PROT_READ, MAP_PRIVATE, fd, 0);
  ASSERT_NE(file, MAP_FAILED);
  EXPECT_FALSE(self.private_to(me, addr(file), 16));
  munmap(file, page);
  close(fd);
  unlink(tmpl);
  // Unmapped memory is not private (the kernel would fail the call with EFAULT).
  munmap(anon + page, page);
  EXPECT_TRUE(self.private_to(me, addr(anon), page));
  EXPECT_FALSE(self.private_to(me, addr(anon), page + 1));
  munmap(anon, page);
  munmap(shared, page);
}

TEST(AddressSpace, RegionIsFoundByItsShape) {
  compile::ScratchLayout layout{0x10000, 0x100000};
  // Nothing there in a fresh process of this test: absent.
  AddressSpace a(layout);
  EXPECT_EQ(a.region(getpid()), AddressSpace::Region::Absent);
  void* p = mmap(reinterpret_cast<void*>(layout.base), layout.size, PROT_READ,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  ASSERT_EQ(p, reinterpret_cast<void*>(layout.base));
  AddressSpace b(layout);
  EXPECT_EQ(b.region(getpid()), AddressSpace::Region::Ready);
  EXPECT_TRUE(b.region_mapped(getpid()));
  // Writable: not ours.
  mprotect(p, layout.size, PROT_READ | PROT_WRITE);
  AddressSpace c(layout);
  EXPECT_EQ(c.region(getpid()), AddressSpace::Region::Unavailable);
  munmap(p, layout.size);
}

}  // namespace
}  // namespace sysgate::trace
