// compile::decide for path and socket calls, with a fake CallMemory standing in
// for the tracee's memory: the filesystem section (read / write / exec / stat of
// ancestors / deny wins / deny by inode / non-files), path tests in rules, and
// the network section (socket families, connect / sendto / bind, UNIX bind as a
// filesystem write).
#include <gtest/gtest.h>

#include <set>
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "arch/abi.hpp"
#include "compile/plan.hpp"
#include "fs/path_resolver.hpp"
#include "net/socket_address.hpp"
#include "policy/loader.hpp"
#include "sysgate/decision.hpp"

namespace sysgate {
namespace {

using compile::CallMemory;

// The tracee's memory as a test wants it: resolved paths per argument index,
// UNIX socket paths resolved on request, destination addresses.
class FakeMemory : public CallMemory {
 public:
  std::map<int, std::optional<fs::ResolvedPath>> paths;
  std::map<int, int> path_errors;
  std::map<std::string, fs::ResolvedPath> extra;  // for resolve()
  std::optional<std::vector<net::SocketAddress>> addrs = std::vector<net::SocketAddress>{};
  int addr_error = EFAULT;
  std::vector<int> asked;
  std::vector<std::string> resolved;

  const fs::ResolvedPath* path(int index, int& error) override {
    asked.push_back(index);
    auto it = paths.find(index);
    if (it == paths.end() || !it->second) {
      error = path_errors.contains(index) ? path_errors[index] : EFAULT;
      return nullptr;
    }
    return &*it->second;
  }
  const fs::ResolvedPath* resolve(const std::string& path, bool /*follow_last*/, int& error) override {
    resolved.push_back(path);
    auto it = extra.find(path);
    if (it == extra.end()) {
      // Not set up by the test: a path with no symlinks, resolved lexically
      // (ENOENT for the ones the test says are missing).
      std::string norm = path.empty() || path[0] != '/' ? std::string() : fs::normalize(path);
      if (norm.empty() || missing.contains(path)) {
        error = ENOENT;
        return nullptr;
      }
      it = extra.emplace(path, fs::ResolvedPath{norm, true, true, false, {}, "/"}).first;
    }
    return &it->second;
  }
  std::set<std::string> missing;
  std::vector<std::pair<int, std::string>> redirects;
  std::map<int, fs::ResolvedPath> named;  // named_path() where path() fails
  const fs::ResolvedPath* named_path(int index, int& error) override {
    if (const fs::ResolvedPath* p = path(index, error)) return p;
    auto it = named.find(index);
    if (it == named.end()) return nullptr;
    error = 0;
    return &it->second;
  }
  const fs::ResolvedPath* redirect(int index, const std::string& to, int& error) override {
    redirects.emplace_back(index, to);
    if (missing.contains(to)) {
      error = ENOENT;
      paths[index].reset();
      return nullptr;
    }
    paths[index] = fs::ResolvedPath{fs::normalize(to), true, true, false, {}, "/"};
    return &*paths[index];
  }
  const std::vector<net::SocketAddress>* addresses(int& error) override {
    if (!addrs) {
      error = addr_error;
      return nullptr;
    }
    return &*addrs;
  }
};

fs::ResolvedPath file(const std::string& p, bool exists = true) { return fs::ResolvedPath{p, exists, true, false, {}, "/"}; }
fs::ResolvedPath nonfile(const std::string& p) { return fs::ResolvedPath{p, true, false, false, {}, p}; }
fs::ResolvedPath via_fd(const std::string& p, bool is_file) { return fs::ResolvedPath{p, true, is_file, true, {}, p}; }

net::SocketAddress ip4(const char* ip, int port) {
  net::SocketAddress a;
  a.family = AF_INET;
  inet_pton(AF_INET, ip, a.ip.data());
  a.port = static_cast<std::uint16_t>(port);
  return a;
}
net::SocketAddress ip6(const char* ip, int port) {
  net::SocketAddress a;
  a.family = AF_INET6;
  inet_pton(AF_INET6, ip, a.ip.data());
  a.port = static_cast<std::uint16_t>(port);
  return a;
}
// "@name" is an abstract name, as policies write it.
net::SocketAddress unix_addr(const std::string& path) {
  net::SocketAddress a;
  a.family = AF_UNIX;
  a.abstract = !path.empty() && path[0] == '@';
  a.unix_path = a.abstract ? path.substr(1) : path;
  return a;
}
// What decode() gives for the bytes of a sockaddr: the real decoder, so the
// test sees what the supervisor sees.
net::SocketAddress decoded(const void* sa, std::size_t len) {
  auto a = net::decode(std::string_view(static_cast<const char*>(sa), len));
  EXPECT_TRUE(a);
  return a ? *a : net::SocketAddress{};
}

long nr(const char* name) {
  int n = arch::syscall_number(Abi::X86_64, name);
  EXPECT_GE(n, 0) << name;
  return n;
}

struct Args {
  std::uint64_t v[6] = {};
  Args() = default;
  Args(std::initializer_list<std::uint64_t> l) {
    int i = 0;
    for (auto x : l) v[i++] = x;
  }
};

std::string describe(const Decision& d) {
  std::string s = to_string(d.action.kind);
  if (d.action.kind == Action::Kind::Deny) s += std::string(" ") + (strerrorname_np(d.action.error) ?: "?");
  return s + " [" + d.reason() + "]";
}

::testing::AssertionResult Allowed(const Decision& d) {
  if (d.action.kind == Action::Kind::Allow) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected allow, got " << describe(d);
}
::testing::AssertionResult Denied(const Decision& d, int error, Decision::Source source) {
  if (d.action.kind == Action::Kind::Deny && d.action.error == error && d.source == source)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected deny " << strerrorname_np(error) << ", got " << describe(d);
}

class Decide : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sg-decide-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    char real[PATH_MAX];
    ASSERT_NE(realpath(tmpl, real), nullptr);
    T = real;
    for (const char* d : {"/ro", "/rw", "/rw/private", "/bin", "/other"}) ASSERT_EQ(mkdir((T + d).c_str(), 0755), 0);
    for (const char* f : {"/ro/a", "/ro/secret", "/ro/denied.txt", "/rw/a", "/bin/tool", "/other/x"}) touch(T + f);
    // Hard links to a denied file, made before the policy is compiled and after.
    ASSERT_EQ(link((T + "/ro/denied.txt").c_str(), (T + "/ro/link").c_str()), 0);
    ASSERT_EQ(link((T + "/ro/denied.txt").c_str(), (T + "/rw/hardlink").c_str()), 0);
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + T + "'";
    if (!T.empty()) {
      EXPECT_EQ(system(cmd.c_str()), 0);
    }
  }
  static void touch(const std::string& p) {
    int fd = open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
    ASSERT_GE(fd, 0) << p;
    close(fd);
  }
  std::string subst(std::string s) {
    for (auto at = s.find("$T"); at != std::string::npos; at = s.find("$T")) s.replace(at, 2, T);
    return s;
  }
  compile::Plan compile(const std::string& yaml, compile::Engine engine = compile::Engine::Seccomp) {
    Policy p = policy::load_text(subst(yaml), "test.yaml", policy::LoadOptions{T});
    return compile::compile(std::move(p), engine);
  }
  Decision decide(const compile::Plan& plan, const char* call, Args args, FakeMemory* m) {
    return compile::decide(plan, Abi::X86_64, nr(call), args.v, m);
  }
  // One path argument at `index` resolved to `p`.
  Decision on_path(const compile::Plan& plan, const char* call, Args args, int index, const fs::ResolvedPath& p) {
    FakeMemory m;
    m.paths[index] = p;
    return decide(plan, call, args, &m);
  }
  Decision open_(const compile::Plan& plan, const std::string& path, int flags, bool exists = true) {
    return on_path(plan, "openat", {static_cast<std::uint64_t>(AT_FDCWD), 0x1000, static_cast<std::uint64_t>(flags)},
                   1, file(subst(path), exists));
  }

  std::string T;
};

const char* kFs = R"(
version: 1
default: allow
filesystem:
  read: ["$T/ro/**"]
  write: ["$T/rw/**"]
  exec: ["$T/bin/tool", "/usr/bin/**"]
  deny: ["$T/ro/secret", "$T/rw/private/**", "$T/ro/denied.txt"]
  errno: EPERM
)";

constexpr auto FS = Decision::Source::Filesystem;
constexpr auto NET = Decision::Source::Network;
constexpr auto RULE = Decision::Source::Rule;

TEST_F(Decide, ReadWriteByOpenFlags) {
  auto plan = compile(kFs);
  EXPECT_TRUE(Allowed(open_(plan, "$T/ro/a", O_RDONLY)));
  EXPECT_EQ(open_(plan, "$T/ro/a", O_RDONLY).source, FS);
  EXPECT_TRUE(Allowed(open_(plan, "$T/ro", O_RDONLY | O_DIRECTORY)));  // listing /ro: a read of it
  EXPECT_TRUE(Denied(open_(plan, "$T/ro/a", O_WRONLY), EPERM, FS));
  EXPECT_TRUE(Denied(open_(plan, "$T/ro/a", O_RDWR), EPERM, FS));
  EXPECT_TRUE(Denied(open_(plan, "$T/ro/a", O_RDONLY | O_TRUNC), EPERM, FS));
  EXPECT_TRUE(Denied(open_(plan, "$T/ro/new", O_WRONLY | O_CREAT, false), EPERM, FS));
  EXPECT_TRUE(Allowed(open_(plan, "$T/rw/a", O_WRONLY)));
  EXPECT_TRUE(Allowed(open_(plan, "$T/rw/new", O_WRONLY | O_CREAT | O_EXCL, false)));
  EXPECT_TRUE(Allowed(open_(plan, "$T/rw/a", O_RDONLY)));     // write implies read
  EXPECT_TRUE(Allowed(open_(plan, "$T/bin/tool", O_RDONLY)));  // exec implies read
  EXPECT_TRUE(Denied(open_(plan, "$T/bin/tool", O_WRONLY), EPERM, FS));
  EXPECT_TRUE(Denied(open_(plan, "$T/other/x", O_RDONLY), EPERM, FS));
  EXPECT_TRUE(Denied(open_(plan, "$T/rox/a", O_RDONLY), EPERM, FS));
  EXPECT_TRUE(Denied(open_(plan, "/etc/passwd", O_RDONLY), EPERM, FS));
  // O_PATH is a look at metadata.
  EXPECT_TRUE(Allowed(open_(plan, "$T", O_PATH)));
  EXPECT_TRUE(Denied(open_(plan, "$T/other/x", O_PATH), EPERM, FS));
  // The denial is logged.
  EXPECT_TRUE(open_(plan, "$T/other/x", O_RDONLY).log);
}

TEST_F(Decide, Exec) {
  auto plan = compile(kFs);
  EXPECT_TRUE(Allowed(on_path(plan, "execve", {0x1000}, 0, file(T + "/bin/tool"))));
  EXPECT_TRUE(Allowed(on_path(plan, "execve", {0x1000}, 0, file("/usr/bin/true"))));
  EXPECT_TRUE(Denied(on_path(plan, "execve", {0x1000}, 0, file(T + "/ro/a")), EPERM, FS));
  EXPECT_TRUE(Denied(on_path(plan, "execve", {0x1000}, 0, file(T + "/rw/a")), EPERM, FS));
  EXPECT_TRUE(Denied(on_path(plan, "execveat", {3, 0x1000, 0, 0, 0}, 1, file(T + "/other/x")), EPERM, FS));
  EXPECT_TRUE(Allowed(on_path(plan, "execveat", {3, 0x1000, 0, 0, 0}, 1, file(T + "/bin/tool"))));
}

TEST_F(Decide, StatOfAncestorsAndAccessModes) {
  auto plan = compile(kFs);
  Args stat_args{static_cast<std::uint64_t>(AT_FDCWD), 0x1000, 0x2000, 0};
  for (const std::string& p : {std::string("/"), T.substr(0, T.rfind('/')), T, T + "/ro", T + "/ro/a", T + "/rw",
                               T + "/bin", T + "/bin/tool", std::string("/usr"), T + "/rw/not-yet"})
    EXPECT_TRUE(Allowed(on_path(plan, "newfstatat", stat_args, 1, file(p)))) << p;
  for (const std::string& p : {T + "/other", T + "/other/x", std::string("/etc/passwd"), T + "/bin/other"})
    EXPECT_TRUE(Denied(on_path(plan, "newfstatat", stat_args, 1, file(p)), EPERM, FS)) << p;
  // access(F_OK) and readlink are stats; access(R_OK) of an ancestor is a read.
  EXPECT_TRUE(Allowed(on_path(plan, "access", {0x1000, F_OK}, 0, file(T))));
  EXPECT_TRUE(Denied(on_path(plan, "access", {0x1000, R_OK}, 0, file(T)), EPERM, FS));
  EXPECT_TRUE(Allowed(on_path(plan, "access", {0x1000, R_OK}, 0, file(T + "/ro/a"))));
  EXPECT_TRUE(Denied(on_path(plan, "access", {0x1000, W_OK}, 0, file(T + "/ro/a")), EPERM, FS));
  EXPECT_TRUE(Allowed(on_path(plan, "faccessat", {static_cast<std::uint64_t>(AT_FDCWD), 0x1000, F_OK}, 1, file(T))));
  EXPECT_TRUE(Allowed(on_path(plan, "readlink", {0x1000, 0x2000, 100}, 0, file(T + "/rw"))));
  EXPECT_TRUE(Allowed(on_path(plan, "chdir", {0x1000}, 0, file(T))));
  EXPECT_TRUE(Denied(on_path(plan, "chdir", {0x1000}, 0, file(T + "/other")), EPERM, FS));
  // Writes to an ancestor are not stats.
  EXPECT_TRUE(Denied(on_path(plan, "mkdir", {0x1000, 0755}, 0, file(T + "/newdir", false)), EPERM, FS));
  EXPECT_TRUE(Allowed(on_path(plan, "mkdir", {0x1000, 0755}, 0, file(T + "/rw/newdir", false))));
  EXPECT_TRUE(Denied(on_path(plan, "unlink", {0x1000}, 0, file(T + "/ro/a")), EPERM, FS));
  EXPECT_TRUE(Allowed(on_path(plan, "unlink", {0x1000}, 0, file(T + "/rw/a"))));
}

TEST_F(Decide, DenyWins) {
  auto plan = compile(kFs);
  EXPECT_TRUE(Denied(open_(plan, "$T/ro/secret", O_RDONLY), EPERM, FS));
  EXPECT_TRUE(Denied(open_(plan, "$T/rw/private/x", O_RDONLY), EPERM, FS));
  EXPECT_TRUE(Denied(open_(plan, "$T/rw/private/new", O_WRONLY | O_CREAT, false), EPERM, FS));
  EXPECT_TRUE(Denied(open_(plan, "$T/rw/private", O_RDONLY | O_DIRECTORY), EPERM, FS));  // ** matches the dir itself
  Args stat_args{static_cast<std::uint64_t>(AT_FDCWD), 0x1000, 0x2000, 0};
  EXPECT_TRUE(Denied(on_path(plan, "newfstatat", stat_args, 1, file(T + "/ro/secret")), EPERM, FS));
  EXPECT_TRUE(Denied(on_path(plan, "unlink", {0x1000}, 0, file(T + "/rw/private/x")), EPERM, FS));
  EXPECT_TRUE(Allowed(open_(plan, "$T/rw/privatex", O_RDONLY)));
}

// A hard link reaches the denied file's inode under an allowed name.
TEST_F(Decide, DenyByInode) {
  auto plan = compile(kFs);
  EXPECT_TRUE(Denied(open_(plan, "$T/ro/link", O_RDONLY), EPERM, FS));
  EXPECT_TRUE(Denied(open_(plan, "$T/rw/hardlink", O_RDONLY), EPERM, FS));
  EXPECT_TRUE(Denied(open_(plan, "$T/rw/hardlink", O_WRONLY), EPERM, FS));
  // A link made after the policy was compiled.
  ASSERT_EQ(link((T + "/ro/secret").c_str(), (T + "/rw/late").c_str()), 0);
  EXPECT_TRUE(Denied(open_(plan, "$T/rw/late", O_RDONLY), EPERM, FS));
  // Not by name: a copy is another inode.
  touch(T + "/rw/copy");
  EXPECT_TRUE(Allowed(open_(plan, "$T/rw/copy", O_RDONLY)));
}

// Memfds and deleted files: nothing the policy can allow, except a look at
// them; a pipe reopened through /proc/self/fd (`>/dev/stderr`) may be read and written.
TEST_F(Decide, NonFiles) {
  auto plan = compile(kFs);
  Args ro{static_cast<std::uint64_t>(AT_FDCWD), 0x1000, O_RDONLY};
  Args wo{static_cast<std::uint64_t>(AT_FDCWD), 0x1000, O_WRONLY};
  EXPECT_TRUE(Allowed(on_path(plan, "openat", ro, 1, nonfile("pipe:[1234]"))));
  EXPECT_TRUE(Allowed(on_path(plan, "openat", wo, 1, nonfile("pipe:[1234]"))));
  EXPECT_TRUE(Denied(on_path(plan, "openat", wo, 1, nonfile("/memfd:x (deleted)")), EPERM, FS));
  EXPECT_TRUE(Denied(on_path(plan, "openat", wo, 1, nonfile(T + "/rw/gone (deleted)")), EPERM, FS));
  EXPECT_TRUE(Denied(on_path(plan, "openat", ro, 1, nonfile("/memfd:x (deleted)")), EPERM, FS));
  EXPECT_TRUE(Denied(on_path(plan, "openat", ro, 1, nonfile(T + "/rw/gone (deleted)")), EPERM, FS));
  // fexecve of a memfd: execveat(fd, "", AT_EMPTY_PATH).
  Args fexec{5, 0x1000, 0x2000, 0x3000, AT_EMPTY_PATH};
  EXPECT_TRUE(Denied(on_path(plan, "execveat", fexec, 1, via_fd("/memfd:payload (deleted)", false)), EPERM, FS));
  EXPECT_TRUE(Denied(on_path(plan, "execveat", fexec, 1, via_fd(T + "/rw/a", true)), EPERM, FS));
  EXPECT_TRUE(Allowed(on_path(plan, "execveat", fexec, 1, via_fd(T + "/bin/tool", true))));
  // fstat through AT_EMPTY_PATH: an open descriptor, nothing looked up.
  Args fst{5, 0x1000, 0x2000, AT_EMPTY_PATH};
  EXPECT_TRUE(Allowed(on_path(plan, "newfstatat", fst, 1, via_fd("pipe:[7]", false))));
  EXPECT_TRUE(Allowed(on_path(plan, "newfstatat", fst, 1, via_fd(T + "/other/x", true))));
  // A plain stat of /proc/self/fd/N of a pipe is a look at it.
  Args st{static_cast<std::uint64_t>(AT_FDCWD), 0x1000, 0x2000, 0};
  EXPECT_TRUE(Allowed(on_path(plan, "newfstatat", st, 1, nonfile("pipe:[7]"))));
}

// A lookup the kernel fails is failed the same way (and only EFAULT is logged).
TEST_F(Decide, LookupErrors) {
  auto plan = compile(kFs);
  FakeMemory m;
  m.path_errors[1] = ENOENT;
  Decision d = decide(plan, "openat", {static_cast<std::uint64_t>(AT_FDCWD), 0x1000, O_RDONLY}, &m);
  EXPECT_TRUE(Denied(d, ENOENT, FS));
  EXPECT_FALSE(d.log);
  FakeMemory bad;  // unreadable
  d = decide(plan, "openat", {static_cast<std::uint64_t>(AT_FDCWD), 0, O_RDONLY}, &bad);
  EXPECT_TRUE(Denied(d, EFAULT, FS));
  EXPECT_TRUE(d.log);
  d = compile::decide(plan, Abi::X86_64, nr("openat"), Args{}.v, nullptr);
  EXPECT_EQ(d.action.kind, Action::Kind::Deny);
}

TEST_F(Decide, TwoPathCalls) {
  auto plan = compile(kFs);
  auto rename = [&](const std::string& from, const std::string& to) {
    FakeMemory m;
    m.paths[0] = file(from);
    m.paths[1] = file(to, false);
    return decide(plan, "rename", {0x1000, 0x2000}, &m);
  };
  EXPECT_TRUE(Allowed(rename(T + "/rw/a", T + "/rw/b")));
  EXPECT_TRUE(Denied(rename(T + "/ro/a", T + "/rw/b"), EPERM, FS));  // moving out of a read-only tree
  EXPECT_TRUE(Denied(rename(T + "/rw/a", T + "/ro/b"), EPERM, FS));  // rename over an allowed-read name
  EXPECT_TRUE(Denied(rename(T + "/rw/a", T + "/rw/private/b"), EPERM, FS));
  // linkat to a denied file's name from a writable place.
  FakeMemory m;
  m.paths[1] = file(T + "/ro/secret");
  m.paths[3] = file(T + "/rw/stolen", false);
  EXPECT_TRUE(Denied(decide(plan, "linkat", {static_cast<std::uint64_t>(AT_FDCWD), 0x1000,
                                             static_cast<std::uint64_t>(AT_FDCWD), 0x2000, 0},
                            &m),
                     EPERM, FS));
  // symlink: only the new name is a path the call looks up.
  FakeMemory s;
  s.paths[1] = file(T + "/rw/sym", false);
  EXPECT_TRUE(Allowed(decide(plan, "symlink", {0x1000, 0x2000}, &s)));
  FakeMemory s2;
  s2.paths[1] = file(T + "/ro/sym", false);
  EXPECT_TRUE(Denied(decide(plan, "symlink", {0x1000, 0x2000}, &s2), EPERM, FS));
}

TEST_F(Decide, BuiltinRefusals) {
  auto plan = compile(kFs);
  EXPECT_TRUE(Denied(decide(plan, "open_by_handle_at", {3, 0x1000, O_RDONLY}, nullptr), EPERM, RULE));
  EXPECT_TRUE(Denied(decide(plan, "openat2", {static_cast<std::uint64_t>(AT_FDCWD), 0x1000, 0x2000, 24}, nullptr),
                     ENOSYS, RULE));
  EXPECT_TRUE(Denied(decide(plan, "io_uring_setup", {8, 0x1000}, nullptr), EPERM, RULE));
  // Without a filesystem section open_by_handle_at is left to the policy.
  auto none = compile("version: 1\ndefault: allow\n");
  EXPECT_TRUE(Allowed(decide(none, "open_by_handle_at", {3, 0x1000, O_RDONLY}, nullptr)));
  // Nor is openat consulted with memory then.
  FakeMemory m;
  EXPECT_TRUE(Allowed(decide(none, "openat", {static_cast<std::uint64_t>(AT_FDCWD), 0x1000, O_RDONLY}, &m)));
  EXPECT_TRUE(m.asked.empty());
}

// Rules come first; path tests match the resolved path.
TEST_F(Decide, PathTestsInRules) {
  auto plan = compile(R"(
version: 1
default: allow
rules:
  - syscalls: [openat]
    args: {path: {eq: "$T/other/x"}}
    action: allow
  - syscalls: [openat]
    args: {path: {prefix: "$T/ro/sub"}}
    action: {deny: EROFS}
  - syscalls: [openat, unlink]
    args: {path: {glob: ["$T/rw/*.lock", "$T/**/core"]}}
    action: {deny: EBUSY}
filesystem:
  read: ["$T/ro/**"]
  write: ["$T/rw/**"]
)");
  Args ro{static_cast<std::uint64_t>(AT_FDCWD), 0x1000, O_RDONLY};
  EXPECT_TRUE(Allowed(on_path(plan, "openat", ro, 1, file(T + "/other/x"))));  // the rule, before the section
  EXPECT_EQ(on_path(plan, "openat", ro, 1, file(T + "/other/x")).source, RULE);
  EXPECT_TRUE(Denied(on_path(plan, "openat", ro, 1, file(T + "/other/y")), EACCES, FS));
  EXPECT_TRUE(Denied(on_path(plan, "openat", ro, 1, file(T + "/ro/sub")), EROFS, RULE));
  EXPECT_TRUE(Denied(on_path(plan, "openat", ro, 1, file(T + "/ro/sub/a/b")), EROFS, RULE));
  EXPECT_TRUE(Allowed(on_path(plan, "openat", ro, 1, file(T + "/ro/subx"))));
  EXPECT_TRUE(Denied(on_path(plan, "openat", ro, 1, file(T + "/rw/x.lock")), EBUSY, RULE));
  EXPECT_TRUE(Allowed(on_path(plan, "openat", ro, 1, file(T + "/rw/d/x.lock"))));
  EXPECT_TRUE(Denied(on_path(plan, "unlink", {0x1000}, 0, file(T + "/rw/a/b/core")), EBUSY, RULE));
  EXPECT_TRUE(Denied(on_path(plan, "openat", ro, 1, file(T + "/core")), EBUSY, RULE));
  // A non-file never matches a path test.
  EXPECT_TRUE(Denied(on_path(plan, "openat", ro, 1, nonfile(T + "/other/x")), EACCES, FS));
  // An unreadable path fails the call when a rule needs it.
  FakeMemory bad;
  EXPECT_TRUE(Denied(decide(plan, "openat", ro, &bad), EFAULT, RULE));
}

// --- network ----------------------------------------------------------------

const char* kNet = R"(
version: 1
default: allow
network:
  allow: ["127.0.0.1:8080", "127.0.0.0/8:9000-9010", "unix:/run/app/*.sock", "unix:@bus"]
)";

Decision connect_(const compile::Plan& plan, std::vector<net::SocketAddress> addrs, const char* call = "connect") {
  FakeMemory m;
  m.addrs = std::move(addrs);
  return compile::decide(plan, Abi::X86_64, nr(call), Args{3, 0x1000, 16}.v, &m);
}

TEST_F(Decide, SocketFamilies) {
  auto plan = compile(kNet);
  auto sock = [&](int family, int type) { return decide(plan, "socket", {static_cast<std::uint64_t>(family),
                                                                          static_cast<std::uint64_t>(type), 0}, nullptr); };
  EXPECT_TRUE(Allowed(sock(AF_INET, SOCK_STREAM)));
  EXPECT_TRUE(Allowed(sock(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC)));
  EXPECT_TRUE(Allowed(sock(AF_UNIX, SOCK_STREAM)));
  EXPECT_TRUE(Denied(sock(AF_INET6, SOCK_STREAM), EAFNOSUPPORT, NET));  // only IPv4 allowed
  EXPECT_TRUE(Denied(sock(AF_PACKET, SOCK_RAW), EAFNOSUPPORT, NET));
  EXPECT_TRUE(Denied(sock(AF_NETLINK, SOCK_RAW), EAFNOSUPPORT, NET));
  EXPECT_TRUE(Denied(sock(AF_INET, SOCK_RAW), EAFNOSUPPORT, NET));
  EXPECT_TRUE(Denied(sock(AF_BLUETOOTH, SOCK_STREAM), EAFNOSUPPORT, NET));
  auto none = compile("version: 1\ndefault: allow\nnetwork: {allow: [none]}\n");
  EXPECT_TRUE(Denied(decide(none, "socket", {AF_UNIX, SOCK_STREAM, 0}, nullptr), EAFNOSUPPORT, NET));
  EXPECT_TRUE(Denied(decide(none, "socket", {AF_INET, SOCK_STREAM, 0}, nullptr), EAFNOSUPPORT, NET));
  auto v6 = compile("version: 1\ndefault: allow\nnetwork: {allow: [loopback, netlink]}\n");
  EXPECT_TRUE(Allowed(decide(v6, "socket", {AF_INET6, SOCK_STREAM, 0}, nullptr)));
  EXPECT_TRUE(Allowed(decide(v6, "socket", {AF_NETLINK, SOCK_RAW, 0}, nullptr)));
  EXPECT_TRUE(Denied(decide(v6, "socket", {AF_UNIX, SOCK_STREAM, 0}, nullptr), EAFNOSUPPORT, NET));
  // socketcall (i386) and io_uring are refused with a network section.
  EXPECT_TRUE(Denied(decide(plan, "io_uring_setup", {8, 0x1000}, nullptr), EPERM, RULE));
}

TEST_F(Decide, ConnectByAddress) {
  auto plan = compile(kNet);
  EXPECT_TRUE(Allowed(connect_(plan, {ip4("127.0.0.1", 8080)})));
  EXPECT_EQ(connect_(plan, {ip4("127.0.0.1", 8080)}).source, NET);
  EXPECT_TRUE(Denied(connect_(plan, {ip4("127.0.0.1", 8081)}), ECONNREFUSED, NET));
  EXPECT_TRUE(Denied(connect_(plan, {ip4("127.0.0.2", 8080)}), ECONNREFUSED, NET));
  EXPECT_TRUE(Allowed(connect_(plan, {ip4("127.9.9.9", 9000)})));
  EXPECT_TRUE(Allowed(connect_(plan, {ip4("127.0.0.1", 9010)})));
  EXPECT_TRUE(Denied(connect_(plan, {ip4("127.0.0.1", 9011)}), ECONNREFUSED, NET));
  EXPECT_TRUE(Denied(connect_(plan, {ip4("10.0.0.1", 8080)}), ECONNREFUSED, NET));
  EXPECT_TRUE(Denied(connect_(plan, {ip6("::1", 8080)}), ECONNREFUSED, NET));
  EXPECT_TRUE(Allowed(connect_(plan, {unix_addr("/run/app/db.sock")})));
  EXPECT_TRUE(Denied(connect_(plan, {unix_addr("/run/app/sub/db.sock")}), ECONNREFUSED, NET));
  EXPECT_TRUE(Allowed(connect_(plan, {unix_addr("@bus")})));
  EXPECT_TRUE(Denied(connect_(plan, {unix_addr("@other")}), ECONNREFUSED, NET));
  // connect(AF_UNSPEC) dissolves an association: nothing is reached.
  net::SocketAddress unspec;
  unspec.family = AF_UNSPEC;
  EXPECT_TRUE(Allowed(connect_(plan, {unspec})));
  // The section's errno.
  auto eacces = compile("version: 1\ndefault: allow\nnetwork: {allow: [loopback], errno: EACCES}\n");
  EXPECT_TRUE(Denied(connect_(eacces, {ip4("192.0.2.1", 80)}), EACCES, NET));
  EXPECT_TRUE(Allowed(connect_(eacces, {ip6("::1", 80)})));
  // Unreadable address: the call fails as the kernel would fail it.
  FakeMemory bad;
  bad.addrs.reset();
  EXPECT_TRUE(Denied(decide(plan, "connect", {3, 0x1000, 16}, &bad), EFAULT, NET));
  bad.addr_error = EINVAL;
  EXPECT_TRUE(Denied(decide(plan, "connect", {3, 0x1000, 3}, &bad), EINVAL, NET));
}

TEST_F(Decide, SendtoAndSendmsg) {
  auto plan = compile(kNet);
  // sendto with a NULL destination (a connected socket): allowed.
  EXPECT_TRUE(Allowed(connect_(plan, {}, "sendto")));
  EXPECT_TRUE(Allowed(connect_(plan, {ip4("127.0.0.1", 8080)}, "sendto")));
  EXPECT_TRUE(Denied(connect_(plan, {ip4("127.0.0.1", 53)}, "sendto"), ECONNREFUSED, NET));
  EXPECT_TRUE(Allowed(connect_(plan, {}, "sendmsg")));
  EXPECT_TRUE(Denied(connect_(plan, {ip4("8.8.8.8", 53)}, "sendmsg"), ECONNREFUSED, NET));
  // sendmmsg: every destination must be allowed.
  EXPECT_TRUE(Allowed(connect_(plan, {ip4("127.0.0.1", 8080), ip4("127.0.0.1", 9001)}, "sendmmsg")));
  EXPECT_TRUE(Denied(connect_(plan, {ip4("127.0.0.1", 8080), ip4("127.0.0.1", 9999)}, "sendmmsg"), ECONNREFUSED, NET));
}

// For an AF_INET socket the kernel reads a sockaddr whose family is AF_UNSPEC
// as AF_INET in sendto/sendmsg (udp_sendmsg) and, with INADDR_ANY, in bind
// (inet_bind). Skipping AF_UNSPEC there lets a datagram go to any address.
TEST_F(Decide, AfUnspecIsOnlyADisconnectForConnect) {
  auto plan = compile(kNet);
  sockaddr_in sin{};
  sin.sin_family = AF_UNSPEC;
  sin.sin_port = htons(53);
  inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
  auto a = decoded(&sin, sizeof sin);
  EXPECT_TRUE(Denied(connect_(plan, {a}, "sendto"), ECONNREFUSED, NET))
      << "sendto(udp, {AF_UNSPEC, 127.0.0.1:53}) reaches 127.0.0.1:53";
  EXPECT_TRUE(Denied(connect_(plan, {a}, "sendmsg"), ECONNREFUSED, NET));
  sin.sin_addr.s_addr = htonl(INADDR_ANY);
  sin.sin_port = htons(7777);
  EXPECT_TRUE(Denied(connect_(plan, {decoded(&sin, sizeof sin)}, "bind"), ECONNREFUSED, NET))
      << "bind(inet, {AF_UNSPEC, 0.0.0.0:7777}) binds 0.0.0.0:7777";
}

// A UNIX socket path is a path: matched as the kernel resolves it.
TEST_F(Decide, UnixSocketPathIsResolved) {
  auto plan = compile("version: 1\ndefault: allow\nnetwork: {allow: [\"unix:/run/app/**\"]}\n");
  EXPECT_TRUE(Allowed(connect_(plan, {unix_addr("/run/app/sub/db.sock")})));
  EXPECT_TRUE(Denied(connect_(plan, {unix_addr("/run/app/../../tmp/evil.sock")}), ECONNREFUSED, NET))
      << "'/run/app/../../tmp/evil.sock' is /tmp/evil.sock for the kernel";
}

TEST_F(Decide, BindOfAUnixPathIsAFilesystemWrite) {
  auto plan = compile(R"(
version: 1
default: allow
filesystem:
  read: ["$T/ro/**"]
  write: ["$T/rw/**"]
  deny: ["$T/rw/private/**"]
network:
  allow: [unix]
)");
  auto bind = [&](const std::string& path, const fs::ResolvedPath& resolved) {
    FakeMemory m;
    m.addrs = std::vector<net::SocketAddress>{unix_addr(path)};
    m.extra[path] = resolved;
    return decide(plan, "bind", {3, 0x1000, 110}, &m);
  };
  EXPECT_TRUE(Allowed(bind(T + "/rw/s.sock", file(T + "/rw/s.sock", false))));
  EXPECT_TRUE(Denied(bind(T + "/ro/s.sock", file(T + "/ro/s.sock", false)), EACCES, FS));
  EXPECT_TRUE(Denied(bind(T + "/rw/private/s", file(T + "/rw/private/s", false)), EACCES, FS));
  EXPECT_TRUE(Denied(bind("rel.sock", file(T + "/ro/rel.sock", false)), EACCES, FS));
  // The directory does not exist: the kernel says ENOENT.
  FakeMemory m;
  m.addrs = std::vector<net::SocketAddress>{unix_addr(T + "/nodir/s")};
  m.missing.insert(T + "/nodir/s");
  EXPECT_TRUE(Denied(decide(plan, "bind", {3, 0x1000, 110}, &m), ENOENT, FS));
  // Abstract and unnamed: no file.
  FakeMemory a;
  a.addrs = std::vector<net::SocketAddress>{unix_addr("@abstract")};
  EXPECT_TRUE(Allowed(decide(plan, "bind", {3, 0x1000, 110}, &a)));
  EXPECT_TRUE(a.resolved.empty());
  // connect and sendto need write permission on the socket file, as in the kernel.
  auto reach = [&](const std::string& call, const std::string& path) {
    FakeMemory c;
    c.addrs = std::vector<net::SocketAddress>{unix_addr(path)};
    c.extra[path] = file(path, true);
    if (call == "connect") return decide(plan, "connect", {3, 0x1000, 110}, &c);
    return decide(plan, "sendto", {3, 0x2000, 1, 0, 0x1000, 110}, &c);
  };
  EXPECT_TRUE(Denied(reach("connect", T + "/ro/s.sock"), EACCES, FS));
  EXPECT_TRUE(Denied(reach("sendto", T + "/ro/s.sock"), EACCES, FS));
  EXPECT_TRUE(Denied(reach("connect", T + "/rw/private/s"), EACCES, FS));
  EXPECT_TRUE(Allowed(reach("connect", T + "/rw/s.sock")));
  EXPECT_TRUE(Allowed(reach("sendto", T + "/rw/s.sock")));
}

// A relative path that starts with '@' is a file in the cwd, not an abstract
// name; binding it creates that file.
TEST_F(Decide, BindOfARelativePathStartingWithAt) {
  auto plan = compile(R"(
version: 1
default: allow
filesystem:
  write: ["$T/rw/**"]
  deny: ["$T/rw/private/**"]
network:
  allow: [unix]
)");
  sockaddr_un u{};
  u.sun_family = AF_UNIX;
  std::strcpy(u.sun_path, "@sock");
  FakeMemory m;
  m.addrs = std::vector<net::SocketAddress>{decoded(&u, offsetof(sockaddr_un, sun_path) + 6)};
  m.extra["@sock"] = file(T + "/rw/private/@sock", false);
  EXPECT_TRUE(Denied(decide(plan, "bind", {3, 0x1000, 110}, &m), EACCES, FS))
      << "bind(\"@sock\") in a denied cwd creates " << T << "/rw/private/@sock";
}

// With a filesystem section and no network section, bind() of a UNIX path
// still creates a file: it is a filesystem write (threat class 4).
TEST_F(Decide, BindOfAUnixPathWithoutANetworkSection) {
  auto plan = compile(R"(
version: 1
default: allow
filesystem:
  read: ["$T/ro/**"]
  write: ["$T/rw/**"]
  deny: ["$T/rw/private/**"]
)");
  FakeMemory m;
  m.addrs = std::vector<net::SocketAddress>{unix_addr(T + "/rw/private/s")};
  m.extra[T + "/rw/private/s"] = file(T + "/rw/private/s", false);
  EXPECT_TRUE(Denied(decide(plan, "bind", {3, 0x1000, 110}, &m), EACCES, FS));
}

// Socket tests in rules: eq / in / not_in on the address.
TEST_F(Decide, SocketTestsInRules) {
  auto plan = compile(R"(
version: 1
default: allow
rules:
  - syscalls: [connect]
    args: {addr: {not_in: [loopback, unix]}}
    action: {deny: ENETUNREACH}
  - syscalls: [connect]
    args: {addr: {eq: "127.0.0.1:25"}}
    action: {deny: EACCES}
  - syscalls: [sendto]
    args: {dest_addr: {in: ["127.0.0.1:53", "[::1]:53"]}}
    action: {deny: EPERM}
)");
  EXPECT_TRUE(Denied(connect_(plan, {ip4("192.0.2.1", 80)}), ENETUNREACH, RULE));
  EXPECT_TRUE(Allowed(connect_(plan, {ip4("127.0.0.1", 80)})));
  EXPECT_TRUE(Allowed(connect_(plan, {unix_addr("/tmp/x")})));
  EXPECT_TRUE(Denied(connect_(plan, {ip4("127.0.0.1", 25)}), EACCES, RULE));
  EXPECT_TRUE(Denied(connect_(plan, {ip6("::1", 53)}, "sendto"), EPERM, RULE));
  EXPECT_TRUE(Allowed(connect_(plan, {ip6("::1", 54)}, "sendto")));
  EXPECT_TRUE(Allowed(connect_(plan, {}, "sendto")));  // no destination: `in` does not hold
}

}  // namespace
}  // namespace sysgate

namespace sysgate {
namespace {

// Rewriting rules: a redirect is checked by the filesystem section on its new
// path; rewrites carry on to the later rules; `when` fires on its schedule.
const char* kRewriting = R"(
version: 1
default: allow
rules:
  - syscalls: [openat]
    args: {path: {eq: "$T/ro/a"}}
    action: {redirect: "$T/ro/secret"}
  - syscalls: [openat]
    args: {path: {glob: "$T/tmp/**"}}
    action: {redirect: "$T/rw/**"}
  - syscalls: [openat]
    args: {flags: {any: [O_CREAT]}}
    action: {rewrite: {mode: 0600, flags: {set: [O_CLOEXEC]}}}
  - syscalls: [openat]
    args: {flags: {all: [O_CLOEXEC, O_CREAT]}}
    action: {deny: EROFS}
  - syscalls: [write]
    when: {from: 2, every: 2, until: 6}
    action: {return: -ENOSPC}
filesystem:
  read: ["$T/ro/**", "$T/tmp/**"]
  write: ["$T/rw/**"]
  deny: ["$T/ro/secret"]
  errno: EPERM
)";

TEST_F(Decide, RedirectOntoADeniedFileIsRefused) {
  auto plan = compile(kRewriting);
  FakeMemory m;
  m.paths[1] = file(subst("$T/ro/a"));
  Decision d = decide(plan, "openat", {static_cast<std::uint64_t>(AT_FDCWD), 0x1000, O_RDONLY}, &m);
  EXPECT_TRUE(Denied(d, EPERM, FS));
  ASSERT_EQ(d.redirects.size(), 1u);
  EXPECT_EQ(d.redirects[0].from, subst("$T/ro/a"));
  EXPECT_EQ(d.redirects[0].to, subst("$T/ro/secret"));
}

TEST_F(Decide, RedirectKeepsTheTailAndIsCheckedOnItsNewPath) {
  auto plan = compile(kRewriting);
  FakeMemory m;
  m.paths[1] = file(subst("$T/tmp/d/x"));
  Decision d = decide(plan, "openat", {static_cast<std::uint64_t>(AT_FDCWD), 0x1000, O_WRONLY}, &m);
  EXPECT_TRUE(Allowed(d));  // a write, allowed under $T/rw only
  ASSERT_EQ(m.redirects.size(), 1u);
  EXPECT_EQ(m.redirects[0].second, subst("$T/rw/d/x"));
  // Reached from a descriptor inside the redirected directory: not redirected.
  FakeMemory inside;
  fs::ResolvedPath p = file(subst("$T/tmp/d/x"));
  p.walk_start = subst("$T/tmp/d");
  inside.paths[1] = p;
  d = decide(plan, "openat", {static_cast<std::uint64_t>(AT_FDCWD), 0x1000, O_WRONLY}, &inside);
  EXPECT_TRUE(inside.redirects.empty());
  EXPECT_TRUE(Denied(d, EPERM, FS));
}

TEST_F(Decide, RewriteGoesOnToTheLaterRulesWithTheNewValues) {
  auto plan = compile(kRewriting);
  FakeMemory m;
  m.paths[1] = file(subst("$T/rw/new"), false);
  Decision d = decide(plan, "openat", {static_cast<std::uint64_t>(AT_FDCWD), 0x1000, O_WRONLY | O_CREAT, 0644}, &m);
  EXPECT_TRUE(Denied(d, EROFS, RULE));  // the next rule saw O_CLOEXEC set
  ASSERT_EQ(d.edits.size(), 2u);
  EXPECT_EQ(d.edits[0].index, 3);
  EXPECT_EQ(d.edits[0].from, 0644u);
  EXPECT_EQ(d.edits[0].to, 0600u);
  EXPECT_EQ(d.edits[1].index, 2);
  EXPECT_EQ(d.edits[1].to, static_cast<std::uint64_t>(O_WRONLY | O_CREAT | O_CLOEXEC));
}

TEST_F(Decide, WhenFiresOnItsScheduleAndOtherwiseDoesNotMatch) {
  auto plan = compile(kRewriting);
  compile::ScheduleState counts(7);
  std::vector<int> fired;
  for (int i = 1; i <= 8; ++i) {
    Decision d = compile::decide(plan, Abi::X86_64, nr("write"), Args{1, 0x1000, 10}.v, nullptr, &counts, 100);
    if (d.action.kind == Action::Kind::Return) {
      EXPECT_EQ(d.action.value, -ENOSPC);
      ASSERT_EQ(d.fired.size(), 1u);
      EXPECT_EQ(d.fired[0].second, static_cast<std::uint64_t>(i));
      fired.push_back(i);
    } else {
      EXPECT_TRUE(Allowed(d));
    }
  }
  EXPECT_EQ(fired, (std::vector<int>{2, 4, 6}));
}

TEST(Schedule, ProbabilityIsReproducibleBySeed) {
  Schedule w;
  w.probability = 0.3;
  auto firings = [&](std::uint64_t seed) {
    std::vector<std::uint64_t> out;
    for (std::uint64_t c = 1; c <= 2000; ++c)
      if (w.fires(c, seed, 99)) out.push_back(c);
    return out;
  };
  auto a = firings(42);
  EXPECT_EQ(a, firings(42));
  EXPECT_NE(a, firings(43));
  EXPECT_GT(a.size(), 500u);  // about 600 of 2000
  EXPECT_LT(a.size(), 700u);
}

TEST(ArgEditTest, ClampsAndBitsKeepTheUpperHalfOf32BitArguments) {
  ArgEdit e;
  e.op = ArgEdit::Op::Max;
  e.value = 65536;
  EXPECT_EQ(e.apply(1000000, false, false), 65536u);
  EXPECT_EQ(e.apply(100, false, false), 100u);
  e.op = ArgEdit::Op::Or;
  e.value = 0x80000;
  EXPECT_EQ(e.apply(0xdead000000000001ull, true, false), 0xdead000000080001ull);
  e.op = ArgEdit::Op::Min;
  e.value = static_cast<std::uint64_t>(-5);
  EXPECT_EQ(e.apply(static_cast<std::uint64_t>(-10), false, true), static_cast<std::uint64_t>(-5));
}

}  // namespace
}  // namespace sysgate
