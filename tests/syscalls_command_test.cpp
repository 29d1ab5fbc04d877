// sysgate syscalls: numbers as libseccomp has them, and what it prints.
#include "cli/syscalls_command.hpp"

#include <gtest/gtest.h>
#include <seccomp.h>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/options.hpp"

namespace sysgate::cli {
namespace {

struct Output {
  int status;
  std::string out, err;
};

Output run(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  auto* old_out = std::cout.rdbuf(out.rdbuf());
  auto* old_err = std::cerr.rdbuf(err.rdbuf());
  int status = -1;
  try {
    status = cmd_syscalls(args);
  } catch (...) {
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    throw;
  }
  std::cout.rdbuf(old_out);
  std::cerr.rdbuf(old_err);
  return {status, out.str(), err.str()};
}

// The row of `name` in a listing, split into columns.
std::vector<std::string> row(const std::string& listing, const std::string& name) {
  std::istringstream in(listing);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<std::string> cols;
    for (std::string w; words >> w;) cols.push_back(w);
    if (!cols.empty() && cols[0] == name) return cols;
  }
  return {};
}

// libseccomp's number for a call, as the listing shows it: without x32's
// __X32_SYSCALL_BIT, "-" for a pseudo number (the ABI lacks the call).
std::string seccomp_number(std::uint32_t arch, const char* name) {
  int nr = seccomp_syscall_resolve_name_arch(arch, name);
  if (nr < 0) return "-";
  if (arch == SCMP_ARCH_X32) nr -= 0x40000000;
  return std::to_string(nr);
}

TEST(SyscallsCommand, NumbersAgreeWithLibseccompOnEveryAbi) {
  Output o = run({});
  ASSERT_EQ(o.status, 0);
  EXPECT_EQ(row(o.out, "NAME").at(1), "x86_64");
  EXPECT_EQ(row(o.out, "NAME").at(2), "i386");
  EXPECT_EQ(row(o.out, "NAME").at(3), "x32");
  // execve and rt_sigaction have x32-only numbers (520, 512); waitpid and
  // socketcall exist on i386 only.
  for (const char* name : {"read", "openat", "execve", "rt_sigaction", "clone3", "waitpid", "socketcall", "open"}) {
    auto cols = row(o.out, name);
    ASSERT_GE(cols.size(), 4u) << name;
    EXPECT_EQ(cols[1], seccomp_number(SCMP_ARCH_X86_64, name)) << name;
    EXPECT_EQ(cols[2], seccomp_number(SCMP_ARCH_X86, name)) << name;
    EXPECT_EQ(cols[3], seccomp_number(SCMP_ARCH_X32, name)) << name;
  }
  EXPECT_EQ(row(o.out, "openat")[1], "257");
  EXPECT_EQ(row(o.out, "openat")[2], "295");
  EXPECT_EQ(row(o.out, "execve")[3], "520");
  EXPECT_EQ(row(o.out, "waitpid")[1], "-");
  // i386's direct socket calls (libseccomp names them by socketcall's pseudo numbers).
  EXPECT_EQ(row(o.out, "connect")[2], "362");
}

TEST(SyscallsCommand, OneAbiListsOnlyItsCalls) {
  Output o = run({"--abi", "i386"});
  ASSERT_EQ(o.status, 0);
  EXPECT_EQ(row(o.out, "waitpid").at(1), "7");
  EXPECT_EQ(row(o.out, "NAME").at(1), "i386");
  EXPECT_EQ(row(o.out, "NAME").at(2), "GROUPS");
  EXPECT_TRUE(row(o.out, "newfstatat").empty());  // i386 has fstatat64 instead
  EXPECT_FALSE(row(o.out, "accept").empty());     // only through socketcall: listed, without a number
  EXPECT_EQ(row(o.out, "accept").at(1), "-");
  o = run({"--abi", "x86_64"});
  EXPECT_EQ(row(o.out, "newfstatat").at(1), "262");
  EXPECT_TRUE(row(o.out, "waitpid").empty());
  EXPECT_THROW(run({"--abi", "arm"}), UsageError);
}

TEST(SyscallsCommand, OpenatInDetail) {
  Output o = run({"openat"});
  ASSERT_EQ(o.status, 0);
  EXPECT_EQ(o.out,
            "openat\n"
            "  number:     x86_64 257, i386 295, x32 257 (0x40000101 with __X32_SYSCALL_BIT)\n"
            "  groups:     %file %desc\n"
            "  arguments:  0 dirfd            dirfd\n"
            "              1 path             path\n"
            "              2 flags            flags\n"
            "              3 mode             uint\n"
            "  filesystem: path (argument 1, relative to dirfd): by open flags: write with O_WRONLY, O_RDWR, "
            "O_CREAT, O_TRUNC or O_TMPFILE in flags, else stat with O_PATH, else read\n"
            "                follows a symlink in the last component unless flags has O_NOFOLLOW, or O_CREAT|O_EXCL\n"
            "                creates the name with O_CREAT\n"
            "  network:    -\n");
  EXPECT_EQ(o.err, "");
}

TEST(SyscallsCommand, WhatTheSectionsSee) {
  Output o = run({"%network"});
  ASSERT_EQ(o.status, 0);
  auto connect = row(o.out, "connect");
  std::string line;
  for (const auto& c : connect) line += c + " ";
  EXPECT_NE(line.find("network(address)"), std::string::npos) << line;
  EXPECT_NE(line.find("addr:sockaddr"), std::string::npos) << line;
  EXPECT_TRUE(row(o.out, "openat").empty());  // not in %network

  o = run({"rename"});
  EXPECT_NE(o.out.find("oldpath (argument 0): write"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("newpath (argument 1): write"), std::string::npos) << o.out;

  o = run({"socket"});
  EXPECT_NE(o.out.find("  network:    the family"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("  filesystem: -"), std::string::npos) << o.out;

  o = run({"access"});
  EXPECT_NE(o.out.find("by access mode"), std::string::npos) << o.out;
}

TEST(SyscallsCommand, GroupsOfTwoPercentSigns) {
  Output o = run({"%%stat"});
  ASSERT_EQ(o.status, 0);
  EXPECT_FALSE(row(o.out, "newfstatat").empty());
  EXPECT_TRUE(row(o.out, "read").empty());
}

TEST(SyscallsCommand, UnknownNamesSuggestTheNearest) {
  Output o = run({"opnat"});
  EXPECT_EQ(o.status, 2);
  EXPECT_EQ(o.out, "");
  EXPECT_NE(o.err.find("unknown system call 'opnat' (did you mean 'openat'?)"), std::string::npos) << o.err;
  o = run({"%files"});
  EXPECT_EQ(o.status, 2);
  EXPECT_NE(o.err.find("(did you mean '%file'?)"), std::string::npos) << o.err;
  EXPECT_THROW(run({"read", "write"}), UsageError);
}

}  // namespace
}  // namespace sysgate::cli
