// `sysgate test`: the described-call parser (numbers, constants and flag
// expressions, strings with escapes, socket addresses in every written form,
// ABIs, errors with their columns), the described memory and the decision the
// shipped `default` and `grade-c` policies make for described calls, with the
// filter's verdict checked against the real BPF filter, and the text the
// command prints (outcome, what decided, expectations of a CASES file).
#include "described/call_description.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <string>

#include "arch/abi.hpp"
#include "bpf_interpreter.hpp"
#include "cli/test_command.hpp"
#include "compile/bpf_filter.hpp"
#include "compile/plan.hpp"
#include "described/described_memory.hpp"
#include "described/evaluation.hpp"
#include "policy/loader.hpp"

namespace sysgate {
namespace {

using described::CallError;
using described::DescribedCall;
using described::parse_call;

DescribedCall parse(const std::string& text, Abi abi = Abi::X86_64) { return parse_call(text, abi); }

// The column and message of the error `text` gives.
::testing::AssertionResult FailsAt(const std::string& text, int column, const std::string& words,
                                   Abi abi = Abi::X86_64) {
  try {
    parse_call(text, abi);
  } catch (const CallError& e) {
    std::string m = e.what();
    if (e.column() != column)
      return ::testing::AssertionFailure() << "column " << e.column() << ", expected " << column << ": " << m;
    if (m.find(words) == std::string::npos)
      return ::testing::AssertionFailure() << "message '" << m << "' lacks '" << words << "'";
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "'" << text << "' parsed";
}

TEST(CallDescription, NumbersConstantsAndFlags) {
  auto c = parse("openat(AT_FDCWD, \"/etc/passwd\", O_WRONLY|O_CREAT|O_TRUNC, 0644)");
  EXPECT_EQ(c.name, "openat");
  EXPECT_EQ(c.nr, arch::syscall_number(Abi::X86_64, "openat"));
  ASSERT_NE(c.spec, nullptr);
  EXPECT_EQ(c.args[0], static_cast<std::uint64_t>(std::int64_t{AT_FDCWD}));  // sign-extended, as glibc passes an int
  EXPECT_EQ(c.args[2], static_cast<std::uint64_t>(O_WRONLY | O_CREAT | O_TRUNC));
  EXPECT_EQ(c.args[3], 0644u);
  EXPECT_EQ(c.written, 4);
  EXPECT_EQ(c.columns, (std::vector<int>{8, 18, 33, 59}));
  EXPECT_EQ(c.text, "openat(AT_FDCWD, \"/etc/passwd\", O_WRONLY|O_CREAT|O_TRUNC, 0644)");

  auto p = parse("  ptrace(PTRACE_ATTACH, 1)  ");
  EXPECT_EQ(p.args[0], 0x10u);
  EXPECT_EQ(p.args[1], 1u);
  EXPECT_EQ(p.args[2], 0u);  // missing trailing arguments are 0
  EXPECT_EQ(p.args[3], 0u);
  EXPECT_EQ(p.text, "ptrace(PTRACE_ATTACH, 1)");

  EXPECT_EQ(parse("getuid()").written, 0);
  EXPECT_EQ(parse("kill(-1, SIGKILL)").args[0], ~std::uint64_t{0});
  EXPECT_EQ(parse("kill(-1, SIGKILL)").args[1], 9u);
  EXPECT_EQ(parse("personality(0xffffffff)").args[0], 0xffffffffu);
  EXPECT_EQ(parse("mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)").args[0], 0u);
  EXPECT_EQ(parse("umask(~0777 | 0022)").args[0], ~std::uint64_t{0777} | 0022);
  EXPECT_EQ(parse("umask(0o17)").args[0], 017u);
  EXPECT_EQ(parse("clone(CLONE_NEWUSER | SIGCHLD)").args[0], static_cast<std::uint64_t>(CLONE_NEWUSER | SIGCHLD));
}

TEST(CallDescription, StringsWithEscapes) {
  auto c = parse(R"(openat(AT_FDCWD, "/tmp/a \"b\" \\ \x41\x7a \101\0end\n", O_RDONLY))");
  ASSERT_TRUE(c.strings.contains(1));
  EXPECT_EQ(c.strings[1], std::string("/tmp/a \"b\" \\ Az A\0end\n", 22));
  EXPECT_NE(c.args[1], 0u);  // a pointer to the bytes
  EXPECT_EQ(c.args[2], static_cast<std::uint64_t>(O_RDONLY));
  auto w = parse(R"(write(1, "", 10))");
  EXPECT_EQ(w.strings[1], "");
  EXPECT_NE(w.args[1], 0u);
  EXPECT_EQ(w.args[2], 10u);
  // Two strings, two pointers.
  auto r = parse(R"(renameat2(AT_FDCWD, "a", AT_FDCWD, "b", 0))");
  EXPECT_EQ(r.strings[1], "a");
  EXPECT_EQ(r.strings[3], "b");
  EXPECT_NE(r.args[1], r.args[3]);
  // argv and structures a decision does not read: a pointer.
  auto e = parse(R"(execve("/bin/ls", ["ls", "-l"], []))");
  EXPECT_EQ(e.strings[0], "/bin/ls");
  EXPECT_NE(e.args[1], 0u);
}

net::SocketAddress one_address(const DescribedCall& c, int index) {
  auto it = c.addresses.find(index);
  EXPECT_NE(it, c.addresses.end());
  if (it == c.addresses.end() || it->second.size() != 1) return {};
  return it->second[0];
}

TEST(CallDescription, SocketAddresses) {
  for (const char* text :
       {"connect(3, {AF_INET, 127.0.0.1:80}, 16)", "connect(3, \"127.0.0.1:80\")",
        "connect(3, {AF_INET, \"127.0.0.1:80\"})",
        "connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"127.0.0.1\")}, 16)"}) {
    auto c = parse(text);
    auto a = one_address(c, 1);
    EXPECT_EQ(a.str(), "127.0.0.1:80") << text;
    EXPECT_NE(c.args[1], 0u) << text;
  }
  EXPECT_EQ(parse("connect(3, {AF_INET, 127.0.0.1:80}, 16)").args[2], 16u);
  for (const char* text : {"connect(3, {AF_INET6, [::1]:53})", "connect(3, \"[::1]:53\")",
                           "connect(3, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), "
                           "inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}, 28)"})
    EXPECT_EQ(one_address(parse(text), 1).str(), "[::1]:53") << text;
  for (const char* text :
       {"connect(3, \"unix:/run/x.sock\")", "connect(3, {AF_UNIX, \"/run/x.sock\"})",
        "connect(3, {sa_family=AF_UNIX, sun_path=\"/run/x.sock\"}, 110)", "connect(3, unix:/run/x.sock)"}) {
    auto a = one_address(parse(text), 1);
    EXPECT_EQ(a.family, AF_UNIX) << text;
    EXPECT_FALSE(a.abstract) << text;
    EXPECT_EQ(a.unix_path, "/run/x.sock") << text;
  }
  for (const char* text : {"connect(3, \"unix:@bus\")", "connect(3, {AF_UNIX, \"@bus\"})",
                           "connect(3, {sa_family=AF_UNIX, sun_path=@\"bus\"}, 6)"}) {
    auto a = one_address(parse(text), 1);
    EXPECT_TRUE(a.abstract) << text;
    EXPECT_EQ(a.unix_path, "bus") << text;
  }
  EXPECT_TRUE(one_address(parse("bind(3, {AF_UNIX})"), 1).unnamed);
  EXPECT_EQ(one_address(parse("connect(3, {AF_UNSPEC})"), 1).family, AF_UNSPEC);
  // sendto: the destination is argument 4; NULL is a connected socket's send.
  EXPECT_EQ(one_address(parse("sendto(3, \"x\", 1, 0, {AF_INET, 10.0.0.1:53}, 16)"), 4).str(), "10.0.0.1:53");
  EXPECT_FALSE(parse("sendto(3, \"x\", 1, 0, NULL, 0)").addresses.contains(4));
  // sendmsg and sendmmsg: the msg_name of each message.
  EXPECT_EQ(one_address(parse("sendmsg(3, {msg_name={AF_INET, 1.2.3.4:53}, msg_namelen=16}, 0)"), 1).str(),
            "1.2.3.4:53");
  EXPECT_EQ(one_address(parse("sendmsg(3, \"1.2.3.4:53\", 0)"), 1).str(), "1.2.3.4:53");
  EXPECT_TRUE(parse("sendmsg(3, {msg_name=NULL, msg_iov=[]}, 0)").addresses.at(1).empty());
  EXPECT_TRUE(parse("sendmsg(3, {}, 0)").addresses.at(1).empty());
  auto mm = parse("sendmmsg(3, [{msg_hdr={msg_name={AF_INET, 1.1.1.1:53}}}, {msg_hdr={}}, \"[::1]:5\"], 3, 0)");
  ASSERT_EQ(mm.addresses.at(1).size(), 2u);
  EXPECT_EQ(mm.addresses.at(1)[0].str(), "1.1.1.1:53");
  EXPECT_EQ(mm.addresses.at(1)[1].str(), "[::1]:5");
}

TEST(CallDescription, AbisAndNumbers) {
  auto i = parse("getpid()", Abi::I386);
  EXPECT_EQ(i.abi, Abi::I386);
  EXPECT_EQ(i.nr, arch::syscall_number(Abi::I386, "getpid"));
  auto prefixed = parse("i386:openat(AT_FDCWD, \"/x\", O_RDONLY)");
  EXPECT_EQ(prefixed.abi, Abi::I386);
  EXPECT_EQ(prefixed.args[0], 0xffffff9cu);  // 32-bit registers
  EXPECT_LT(prefixed.args[1], 0x100000000u);
  auto x32 = parse("x32:getpid()");
  EXPECT_EQ(x32.abi, Abi::X32);
  EXPECT_EQ(x32.nr, arch::syscall_number(Abi::X32, "getpid"));
  EXPECT_NE(x32.nr & 0x40000000, 0);
  // A number: named when the ABI has a call of that number.
  auto two = parse("syscall_2(\"/etc/passwd\", O_RDONLY)");
  EXPECT_EQ(two.name, "open");
  EXPECT_EQ(two.strings[0], "/etc/passwd");
  auto unknown = parse("syscall_999(1, 2)");
  EXPECT_EQ(unknown.nr, 999);
  EXPECT_EQ(unknown.spec, nullptr);
  EXPECT_EQ(unknown.args[1], 2u);
  // With `end`: the call stops at its parenthesis.
  std::size_t end = 0;
  auto c = parse_call("getpid() -> allow", Abi::X86_64, &end);
  EXPECT_EQ(end, 8u);
  EXPECT_EQ(c.text, "getpid()");
}

TEST(CallDescription, ErrorsNameTheColumn) {
  EXPECT_TRUE(FailsAt("opnat(AT_FDCWD, \"/x\", 0)", 1, "unknown syscall 'opnat' (did you mean 'openat'?)"));
  EXPECT_TRUE(
      FailsAt("openat(AT_FDCWD, \"/x\", O_RDONY)", 24, "unknown constant 'O_RDONY' (did you mean 'O_RDONLY'?)"));
  EXPECT_TRUE(FailsAt("openat(AT_FDCWD, \"/x\", O_RDONLY", 32, "expected ',' or ')'"));
  EXPECT_TRUE(FailsAt("openat(AT_FDCWD, \"/x, O_RDONLY)", 18, "unterminated string"));
  EXPECT_TRUE(FailsAt("openat(AT_FDCWD, \"/\\q\")", 20, "unknown escape"));
  EXPECT_TRUE(FailsAt("openat(AT_FDCWD, \"/\\xg\")", 20, "\\x needs"));
  EXPECT_TRUE(FailsAt("getpid(1)", 8, "getpid takes 0 arguments"));
  EXPECT_TRUE(FailsAt("close(1, 2)", 10, "close takes 1 argument"));
  EXPECT_TRUE(FailsAt("write(\"1\", \"x\", 1)", 7, "is a number, not a string"));
  EXPECT_TRUE(FailsAt("openat(3, \"rel\", O_RDONLY)", 8, "AT_FDCWD"));
  EXPECT_TRUE(FailsAt("newfstatat(5, \"\", 0x1000, AT_EMPTY_PATH)", 12, "empty path"));
  EXPECT_TRUE(FailsAt("connect(3, {AF_INET, 127.0.0.1:99999})", 22, "bad port"));
  EXPECT_TRUE(FailsAt("connect(3, \"localhost:80\")", 12, "bad IPv4 address"));
  EXPECT_TRUE(FailsAt("connect(3, {AF_INET6, 127.0.0.1:80})", 23, "not of the family"));
  EXPECT_TRUE(FailsAt("connect(3, {sa_family=AF_INET, sin_prot=htons(80)})", 41, "did you mean 'sin_port'?"));
  EXPECT_TRUE(FailsAt("connect(3, 5, {AF_INET, 1.2.3.4:5})", 15, "a number, not a structure"));
  EXPECT_TRUE(FailsAt("getpid() x", 10, "unexpected text after the call"));
  EXPECT_TRUE(FailsAt("getpid", 7, "expected '(' after the name at the end"));
  EXPECT_TRUE(FailsAt("", 1, "expected a system call"));
  EXPECT_TRUE(FailsAt("i368:getpid()", 1, "unknown ABI 'i368' (did you mean 'i386'?)"));
  EXPECT_TRUE(FailsAt("x86_64:socketcall(1, 0)", 8, "not a system call of the x86_64 ABI"));
  EXPECT_TRUE(FailsAt("write(1, 0x1g, 1)", 10, "bad number '0x1g'"));
  EXPECT_TRUE(FailsAt("write(1, \"abc\"..., 1)", 15, "cut short"));
}

// The concrete addresses sysgate reads policies' patterns against.
TEST(CallDescription, ParseAddress) {
  EXPECT_EQ(described::parse_address("10.1.2.3:8080").str(), "10.1.2.3:8080");
  EXPECT_EQ(described::parse_address("[fd00::1]:53").str(), "[fd00::1]:53");
  EXPECT_EQ(described::parse_address("unix:/a b").unix_path, "/a b");
  EXPECT_THROW(described::parse_address("10.0.0.0/8:80"), std::invalid_argument);
  EXPECT_THROW(described::parse_address("1.2.3.4:*"), std::invalid_argument);
  EXPECT_THROW(described::parse_address("unix:"), std::invalid_argument);
}

// Decisions of the shipped policies, through the command's own pieces.
class ShippedDecisions : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sg-described-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    char real[PATH_MAX];
    ASSERT_NE(realpath(tmpl, real), nullptr);
    T = real;
    std::ofstream(T + "/in.txt") << "1 2\n";
    std::ofstream(T + "/a.out") << "";
  }
  void TearDown() override {
    if (!T.empty()) {
      EXPECT_EQ(system(("rm -rf '" + T + "'").c_str()), 0);
    }
  }
  compile::Plan shipped(const char* name) {
    return compile::compile(policy::load_shipped(name, policy::LoadOptions{T}), compile::Engine::Seccomp);
  }
  compile::Plan text(const std::string& yaml) {
    std::string y = yaml;
    for (auto at = y.find("$T"); at != std::string::npos; at = y.find("$T")) y.replace(at, 2, T);
    return compile::compile(policy::load_text(y, "p.yaml", policy::LoadOptions{T}), compile::Engine::Seccomp);
  }
  // The line `sysgate test` prints for `call`.
  std::string line(const compile::Plan& plan, const std::string& call, compile::ScheduleState* s = nullptr) {
    std::string c = call;
    for (auto at = c.find("$T"); at != std::string::npos; at = c.find("$T")) c.replace(at, 2, T);
    auto d = parse_call(c, Abi::X86_64);
    compile::ScheduleState own(0);
    return cli::outcome_line(d, described::evaluate(plan, d, s != nullptr ? s : &own));
  }
  std::string T;
};

::testing::AssertionResult Starts(const std::string& line, const std::string& head) {
  if (line.rfind(head, 0) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << line << "' does not start with '" << head << "'";
}
::testing::AssertionResult Has(const std::string& line, const std::string& part) {
  if (line.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << line << "' lacks '" << part << "'";
}

TEST_F(ShippedDecisions, Default) {
  auto plan = shipped("default");
  auto allow = line(plan, "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY)");
  EXPECT_TRUE(Starts(allow, "allow (decided by the filesystem section: read entry \"/**\" at <shipped:default>:"));
  // Secrets and writes outside the working directory and /tmp (issue 13).
  auto secret = line(plan, "openat(AT_FDCWD, \"/etc/shadow\", O_RDONLY)");
  EXPECT_TRUE(Starts(secret, "deny EACCES (decided by the filesystem section: deny entry \"/etc/shadow\" at <shipped:default>:"));
  EXPECT_FALSE(Has(secret, "to allow it"));  // an explicit deny: no suggestion
  EXPECT_EQ(line(plan, "openat(AT_FDCWD, \"/etc/passwd\", O_WRONLY)"),
            "deny EACCES (decided by the filesystem section: no write entry matches; to allow it: "
            "filesystem: {write: [\"/etc/passwd\"]})");
  EXPECT_TRUE(Starts(line(plan, "openat(AT_FDCWD, \"/tmp/x\", O_WRONLY|O_CREAT, 0600)"), "allow"));
  EXPECT_TRUE(Starts(line(plan, "connect(3, {AF_INET, 10.0.0.1:80}, 16)"), "deny ECONNREFUSED"));
  EXPECT_EQ(line(plan, "getuid()").rfind("allow", 0), 0u);
  // The built-in rule comes before the policy's own no-tracing.
  EXPECT_EQ(line(plan, "ptrace(PTRACE_ATTACH, 1)"),
            "deny EPERM (decided by sysgate's built-in rule \"sysgate:no-ptrace\")");
  auto ns = line(plan, "clone(CLONE_NEWUSER|SIGCHLD)");
  EXPECT_TRUE(Starts(ns, "deny EPERM (decided by rule \"no-namespace-clone\" at <shipped:base>:"));
  EXPECT_FALSE(Has(ns, "kernel: allowed"));
  EXPECT_TRUE(Has(line(plan, "clone(SIGCHLD)"), "(kernel: allowed without a stop)"));
  EXPECT_TRUE(Starts(line(plan, "personality(8)"), "deny EPERM (decided by rule \"no-personality-tricks\""));
  EXPECT_TRUE(Starts(line(plan, "personality(0xffffffff)"), "allow (decided by the default"));
  EXPECT_TRUE(Starts(line(plan, "bpf(0)"), "deny EPERM (decided by rule \"no-kernel-surfaces\""));
  EXPECT_TRUE(Starts(line(plan, "clone3(NULL, 88)"), "deny ENOSYS (decided by sysgate's built-in rule"));
  EXPECT_TRUE(Starts(line(plan, "connect(3, {AF_INET, 127.0.0.1:80}, 16)"),
                     "allow (decided by the network section: allow entry \"loopback\""));
  EXPECT_EQ(line(plan, "i386:getpid()"), "kill (decided by the policy's abi list, which does not name i386)");
  EXPECT_EQ(line(plan, "syscall_999()"),
            "deny ENOSYS (decided by the number, which no system call of the ABI has) "
            "(kernel: fails with ENOSYS without a stop)");
}

TEST_F(ShippedDecisions, GradeC) {
  auto plan = shipped("grade-c");
  EXPECT_TRUE(Starts(line(plan, "write(1, \"hello\", 5)"), "allow (decided by rule \"stdio\" at <shipped:grade-c>:"));
  EXPECT_TRUE(Has(line(plan, "write(1, \"hello\", 5)"), "(kernel: allowed without a stop)"));
  EXPECT_TRUE(Starts(line(plan, "openat(AT_FDCWD, \"$T/in.txt\", O_RDONLY)"),
                     "allow (decided by the filesystem section: read entry \"" + T + "/**\" at <shipped:grade-c>:"));
  EXPECT_FALSE(Has(line(plan, "openat(AT_FDCWD, \"$T/in.txt\", O_RDONLY)"), "kernel:"));  // the supervisor looks
  EXPECT_TRUE(Starts(line(plan, "openat(AT_FDCWD, \"$T/out.txt\", O_WRONLY|O_CREAT, 0644)"),
                     "deny EACCES (decided by the filesystem section: no write entry matches"));
  auto passwd = line(plan, "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY)");
  EXPECT_TRUE(Starts(passwd, "deny EACCES (decided by the filesystem section: no read entry matches (nearest: "));
  EXPECT_TRUE(Starts(line(plan, "openat(AT_FDCWD, \"/dev/null\", O_WRONLY)"),
                     "allow (decided by the filesystem section: write entry \"/dev/null\""));
  EXPECT_TRUE(Starts(line(plan, "execve(\"$T/a.out\", [\"./a.out\"], [])"),
                     "allow (decided by the filesystem section: exec entry"));
  EXPECT_TRUE(Starts(line(plan, "execve(\"/bin/sh\", 0, 0)"),
                     "deny EACCES (decided by the filesystem section: no exec entry matches"));
  // A path that cannot be looked up fails as the kernel fails it.
  EXPECT_TRUE(Starts(line(plan, "openat(AT_FDCWD, \"/no/such/dir/x\", O_RDONLY)"),
                     "deny ENOENT (decided by the filesystem section; the kernel fails the lookup itself"));
  EXPECT_TRUE(Has(line(plan, "openat(AT_FDCWD, NULL, O_RDONLY)"), "deny EFAULT"));
  EXPECT_TRUE(
      Starts(line(plan, "socket(AF_INET, SOCK_STREAM, 0)"), "kill (decided by the default at <shipped:grade-c>:"));
  // Processes are counted by the limit (processes: 1, on_process_limit: fail), not refused by a rule.
  EXPECT_TRUE(Starts(line(plan, "fork()"), "allow (decided by rule \"processes\" at <shipped:grade-c>:"));
  EXPECT_EQ(plan.policy.limits.processes, 1u);
  // A UNIX socket path is a file to the filesystem section.
  EXPECT_TRUE(Starts(line(plan, "connect(3, \"unix:/run/x.sock\")"),
                     "deny EACCES (decided by the filesystem section: no write entry matches"));
}

TEST_F(ShippedDecisions, RelativePathsFromTheWorkingDirectory) {
  auto plan = shipped("grade-c");
  char before[PATH_MAX];
  ASSERT_NE(getcwd(before, sizeof before), nullptr);
  ASSERT_EQ(chdir(T.c_str()), 0);
  auto in = line(plan, "openat(AT_FDCWD, \"in.txt\", O_RDONLY)");
  auto up = line(plan, "openat(AT_FDCWD, \"../../etc/passwd\", O_RDONLY)");
  ASSERT_EQ(chdir(before), 0);
  EXPECT_TRUE(Starts(in, "allow (decided by the filesystem section: read entry"));
  EXPECT_TRUE(Starts(up, "deny EACCES"));
}

// What the command says the kernel does is what the BPF filter does.
TEST_F(ShippedDecisions, KernelVerdictIsTheFilters) {
  for (const char* name : {"default", "grade-c"}) {
    auto plan = shipped(name);
    auto prog = compile::build_filter(plan);
    for (const char* text :
         {"getuid()", "write(1, \"\", 10)", "clone(CLONE_NEWUSER|SIGCHLD)", "clone(SIGCHLD)", "personality(8)",
          "personality(0xffffffff)", "personality(0)", "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY)",
          "openat(AT_FDCWD, \"/etc/passwd\", O_RDWR)", "ptrace(PTRACE_ATTACH, 1)", "mmap(0x1000, 4096, 3, 0x22, -1, 0)",
          "mmap(NULL, 4096, 3, 0x22, -1, 0)", "ioctl(1, TCGETS, 0)", "socket(AF_INET, SOCK_STREAM, 0)", "syscall_999()",
          "i386:getpid()", "i386:write(1, \"\", 1)", "x32:getpid()"}) {
      auto c = parse(text);
      auto want = described::kernel_verdict(plan, c.abi, c.nr, c.args);
      const auto& info = arch::abi_info(c.abi);
      auto got =
          testing::run_bpf(prog, testing::make_data(info.audit_arch, static_cast<std::int32_t>(c.nr), c.args)).ret;
      std::uint32_t action = got & SECCOMP_RET_ACTION_FULL;
      auto seen = action == SECCOMP_RET_ALLOW   ? compile::KernelVerdict::Allow
                  : action == SECCOMP_RET_ERRNO ? compile::KernelVerdict::Errno
                                                : compile::KernelVerdict::Trace;
      EXPECT_EQ(static_cast<int>(want), static_cast<int>(seen)) << name << ": " << text;
    }
  }
}

TEST_F(ShippedDecisions, RewritesRedirectsReturnsAndSchedules) {
  std::ofstream(T + "/fixture") << "x\n";
  auto plan = text(R"(
version: 1
default: allow
rules:
  - name: fake-uid
    syscalls: [getuid]
    action: {return: 1000}
  - syscalls: [getgid]
    action: {return: -EPERM}
  - syscalls: [openat]
    args: {path: {eq: /etc/hosts}}
    action: {redirect: "$T/fixture"}
  - name: third-write
    syscalls: [write]
    args: {fd: {eq: 1}}
    when: {nth: 3}
    action: {deny: ENOSPC}
  - syscalls: [openat]
    action: {rewrite: {flags: {set: [O_CLOEXEC]}}}
)");
  EXPECT_TRUE(Starts(line(plan, "getuid()"), "return 1000 (decided by rule \"fake-uid\" at p.yaml:5:5)"));
  EXPECT_TRUE(Starts(line(plan, "getgid()"), "return -EPERM (decided by rule at p.yaml:8:5)"));
  EXPECT_EQ(line(plan, "openat(AT_FDCWD, \"/etc/hosts\", O_RDONLY)"),
            "redirect /etc/hosts -> " + T +
                "/fixture, rewrite flags O_RDONLY -> O_RDONLY|O_CLOEXEC, then allow "
                "(decided by the default at p.yaml:3:10)");
  compile::ScheduleState s(0);
  EXPECT_TRUE(Starts(line(plan, "write(1, \"a\", 1)", &s), "allow (decided by the default"));
  EXPECT_TRUE(Starts(line(plan, "write(1, \"a\", 1)", &s), "allow"));
  EXPECT_EQ(line(plan, "write(1, \"a\", 1)", &s),
            "deny ENOSPC (decided by rule \"third-write\" at p.yaml:13:5, whose `when` fires at match 3)");
  EXPECT_TRUE(Starts(line(plan, "write(1, \"a\", 1)", &s), "allow"));
}

TEST_F(ShippedDecisions, NetworkSection) {
  auto plan = text(R"(
version: 1
default: allow
network:
  allow: ["127.0.0.1:8080", "unix:@bus"]
)");
  EXPECT_EQ(line(plan, "connect(3, {AF_INET, 127.0.0.1:8080}, 16)"),
            "allow (decided by the network section: allow entry \"127.0.0.1:8080\" at p.yaml:5:11)");
  EXPECT_EQ(line(plan, "connect(3, \"127.0.0.1:80\")"),
            "deny ECONNREFUSED (decided by the network section: no allow entry matches 127.0.0.1:80; to allow it: "
            "network: {allow: [\"127.0.0.1:80\"]})");
  EXPECT_TRUE(Starts(line(plan, "connect(3, {sa_family=AF_UNIX, sun_path=@\"bus\"}, 6)"), "allow"));
  EXPECT_TRUE(Starts(line(plan, "sendto(3, \"x\", 1, 0, NULL, 0)"), "allow (decided by the network section)"));
  EXPECT_TRUE(Starts(line(plan, "sendto(3, \"x\", 1, 0, {AF_INET, 8.8.8.8:53}, 16)"), "deny ECONNREFUSED"));
  EXPECT_TRUE(Starts(line(plan, "connect(3, NULL, 0)"), "deny EFAULT"));
  EXPECT_TRUE(Starts(line(plan, "socket(AF_INET, SOCK_STREAM, 0)"), "allow (decided by the network section"));
  EXPECT_TRUE(Starts(line(plan, "socket(AF_NETLINK, SOCK_RAW, 0)"), "deny EAFNOSUPPORT"));
}

// The memory a decision reads: paths resolved here, addresses as written.
TEST_F(ShippedDecisions, DescribedMemory) {
  ASSERT_EQ(symlink((T + "/in.txt").c_str(), (T + "/link").c_str()), 0);
  auto c = parse_call("openat(AT_FDCWD, \"" + T + "/link\", O_RDONLY)", Abi::X86_64);
  described::DescribedMemory m(c);
  int error = 0;
  const fs::ResolvedPath* p = m.path(1, error);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->path, T + "/in.txt");  // the symlink followed
  auto nofollow = parse_call("openat(AT_FDCWD, \"" + T + "/link\", O_RDONLY|O_NOFOLLOW)", Abi::X86_64);
  described::DescribedMemory n(nofollow);
  ASSERT_NE(n.path(1, error), nullptr);
  EXPECT_EQ(n.path(1, error)->path, T + "/link");
  EXPECT_EQ(m.path(2, error), nullptr);  // not a string: nothing to read
  EXPECT_EQ(error, EFAULT);
  auto self = parse_call("openat(AT_FDCWD, \"/proc/self/status\", O_RDONLY)", Abi::X86_64);
  described::DescribedMemory s(self);
  ASSERT_NE(s.path(1, error), nullptr);
  EXPECT_EQ(s.path(1, error)->path, "/proc/" + std::to_string(getpid()) + "/status");
  auto send = parse_call("sendto(3, \"x\", 1, 0, 0x1234, 16)", Abi::X86_64);
  described::DescribedMemory a(send);
  EXPECT_EQ(a.addresses(error), nullptr);  // a pointer written as a number
  EXPECT_EQ(error, EFAULT);
}

TEST(TestCommandExpectations, ParseAndMatch) {
  using cli::Expectation;
  using cli::parse_expectation;
  EXPECT_EQ(parse_expectation("allow").kind, Expectation::Kind::Allow);
  EXPECT_EQ(parse_expectation("  deny  # any errno").error, 0);
  EXPECT_EQ(parse_expectation("deny EPERM").error, EPERM);
  EXPECT_EQ(parse_expectation("deny 13").error, 13);
  EXPECT_EQ(parse_expectation("return 1000").value, 1000);
  EXPECT_EQ(parse_expectation("return -EPERM").value, -EPERM);
  EXPECT_EQ(parse_expectation("return -1").value, -1);
  EXPECT_EQ(parse_expectation("redirect /a//b/../c").path, "/a/c");
  EXPECT_EQ(parse_expectation("x -> deny EPERM", 4).text, "deny EPERM");
  auto fails_at = [](const char* text, int column, const std::string& words) -> ::testing::AssertionResult {
    try {
      parse_expectation(text);
    } catch (const CallError& e) {
      if (e.column() == column && std::string(e.what()).find(words) != std::string::npos)
        return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << e.column() << ": " << e.what();
    }
    return ::testing::AssertionFailure() << "parsed";
  };
  EXPECT_TRUE(fails_at("alow", 1, "did you mean 'allow'?"));
  EXPECT_TRUE(fails_at("deny EPRM", 6, "did you mean 'EPERM'?"));
  EXPECT_TRUE(fails_at("allow now", 7, "unexpected text"));
  EXPECT_TRUE(fails_at("return", 7, "expected the value"));
  EXPECT_TRUE(fails_at("", 1, "expected allow"));
  EXPECT_TRUE(fails_at("redirect x", 10, "absolute path"));

  described::Evaluation e;
  e.decision = Decision{{Action::Kind::Deny, EPERM}, true, Decision::Source::Rule};
  EXPECT_TRUE(parse_expectation("deny").matches(e));
  EXPECT_TRUE(parse_expectation("deny EPERM").matches(e));
  EXPECT_FALSE(parse_expectation("deny EACCES").matches(e));
  EXPECT_FALSE(parse_expectation("allow").matches(e));
  e.decision = Decision{{Action::Kind::Allow, 0}, false, Decision::Source::Default};
  EXPECT_TRUE(parse_expectation("allow").matches(e));
  EXPECT_FALSE(parse_expectation("redirect /x").matches(e));
  e.decision.redirects.push_back({1, "/etc/hosts", "/x"});
  EXPECT_TRUE(parse_expectation("redirect /x").matches(e));
  e.decision.action = Action{Action::Kind::Return, 0};
  e.decision.action.value = 7;
  EXPECT_TRUE(parse_expectation("return 7").matches(e));
  EXPECT_FALSE(parse_expectation("return 8").matches(e));
}

}  // namespace
}  // namespace sysgate
