// sysgate learn, stage by stage: the log reader (JSON call objects ->
// Observations), the path generaliser (paths -> filesystem list entries), the
// policy builder (Observations -> a Policy and its notes) and the YAML writer,
// whose text the loader must read back into the same model.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "arch/abi.hpp"
#include "arch/syscall_table.hpp"
#include "compile/bpf_filter.hpp"
#include "compile/plan.hpp"
#include "learn/log_reader.hpp"
#include "learn/observations.hpp"
#include "learn/path_generaliser.hpp"
#include "learn/policy_builder.hpp"
#include "learn/yaml_writer.hpp"
#include "policy/loader.hpp"
#include "sysgate/diagnostic.hpp"

namespace sysgate::learn {
namespace {

// A file system that holds what the test says: directory sizes, paths that
// exist, symlinks, scripts.
struct FakeFs {
  std::map<std::string, std::size_t> dirs;
  std::set<std::string> present;
  std::set<std::string> symlinks;
  std::map<std::string, std::string> scripts;  // path -> interpreter
  FileSystemView view() const {
    FileSystemView v;
    v.entries = [this](const std::string& d) -> std::optional<std::size_t> {
      auto it = dirs.find(d);
      if (it == dirs.end()) return std::nullopt;
      return it->second;
    };
    v.exists = [this](const std::string& p) {
      if (present.count(p) != 0 || dirs.count(p) != 0) return true;
      // Every directory of a present path exists.
      for (const auto& q : present)
        if (q.size() > p.size() && q.compare(0, p.size(), p) == 0 && q[p.size()] == '/') return true;
      return false;
    };
    v.is_symlink = [this](const std::string& p) { return symlinks.count(p) != 0; };
    v.interpreter = [this](const std::string& p) {
      auto it = scripts.find(p);
      return it == scripts.end() ? std::string() : it->second;
    };
    v.resolve_parent = [](const std::string& p) { return p; };
    return v;
  }
};

Use used(int pid, const std::string& cmd, std::uint64_t count = 1, std::uint64_t seq = 0) {
  Use u;
  u.add(Actor{pid, cmd, seq}, count);
  return u;
}

std::map<std::string, Use> paths_of(const std::vector<std::string>& ps) {
  std::map<std::string, Use> m;
  std::uint64_t seq = 0;
  for (const auto& p : ps) m[p] = used(100, "/usr/bin/cc", 1, seq++);
  return m;
}

std::vector<std::string> patterns(const std::vector<PathEntry>& es) {
  std::vector<std::string> out;
  for (const auto& e : es) out.push_back(e.pattern);
  return out;
}

const PathEntry* entry(const std::vector<PathEntry>& es, const std::string& pattern) {
  for (const auto& e : es)
    if (e.pattern == pattern) return &e;
  return nullptr;
}

using Strings = std::vector<std::string>;

// ---- temporaries and portable paths --------------------------------------

TEST(LearnTemporary, KeepsTheStablePartOfGeneratedNames) {
  EXPECT_EQ(temporary_glob("ccA1b2C3.s"), "cc*.s");              // gcc: ccXXXXXX.s
  EXPECT_EQ(temporary_glob("ccwgcoNz.cdtor.c"), "cc*.cdtor.c");  // collect2
  EXPECT_EQ(temporary_glob("tmp_obj_Xy12Zq"), "tm*");            // git (no separator from the _ run)
  EXPECT_EQ(temporary_glob("tmp.Ab12Cd34Ef"), "tmp.*");          // mktemp(1)
  EXPECT_EQ(temporary_glob("sysgate-learn-aB3dEf.jsonl"), "sysgate-learn-*.jsonl");
  EXPECT_EQ(temporary_glob("tmpab12cd34"), "tm*");  // Python's tempfile
  // Nothing generated: kept.
  EXPECT_EQ(temporary_glob("TryCompile-DNxYs5"), "TryCompile-*");  // cmake: the random part is last
  EXPECT_EQ(temporary_glob("Progress"), "Progress");
  EXPECT_EQ(temporary_glob("main.o"), "main.o");
  EXPECT_EQ(temporary_glob("index.lock"), "index.lock");
  EXPECT_EQ(temporary_glob("a.out"), "a.out");
  EXPECT_EQ(temporary_glob("socket"), "socket");
  EXPECT_EQ(temporary_glob("ccabcdef.o"), "cc*.o");  // no mixed run: one of 8 or more
}

TEST(LearnLogReader, ProcPathsOfTheCallerAreProcSelf) {
  EXPECT_EQ(portable_path("/proc/42/status", 42), "/proc/self/status");
  EXPECT_EQ(portable_path("/proc/42/task/43/comm", 42), "/proc/self/task/*/comm");
  EXPECT_EQ(portable_path("/proc/7/stat", 42), "/proc/*/stat");
  EXPECT_EQ(portable_path("/proc/filesystems", 42), "/proc/filesystems");
  EXPECT_EQ(portable_path("/usr/lib/x", 42), "/usr/lib/x");
}

TEST(LearnLogReader, LoggedValuesAreReadBack) {
  EXPECT_EQ(logged_value("O_RDONLY|O_CLOEXEC"), static_cast<std::uint64_t>(O_RDONLY | O_CLOEXEC));
  EXPECT_EQ(logged_value("O_WRONLY|O_CREAT|O_TRUNC"), static_cast<std::uint64_t>(O_WRONLY | O_CREAT | O_TRUNC));
  EXPECT_EQ(logged_value("0644"), 0644u);
  EXPECT_EQ(logged_value("0x1f"), 0x1fu);
  EXPECT_EQ(logged_value("12"), 12u);
  EXPECT_EQ(static_cast<std::int32_t>(logged_value("AT_FDCWD")), AT_FDCWD);
  EXPECT_EQ(logged_value("R_OK|W_OK"), static_cast<std::uint64_t>(R_OK | W_OK));
}

// ---- the log reader ----------------------------------------------------------

std::string call(int pid, const std::string& name, const std::string& args, const std::string& resolved,
                 const std::string& action = "log", const std::string& extra = "") {
  return R"({"pid":)" + std::to_string(pid) + R"(,"tid":)" + std::to_string(pid) + R"(,"abi":"x86_64","syscall":")" +
         name + R"(","nr":0,"args":{)" + args + R"(},"resolved":{)" + resolved + R"(},"action":")" + action + "\"" +
         extra + R"(,"rule":null,"reason":"learn"})";
}

TEST(LearnLogReader, SortsPathsByTheAccessTheSectionChecks) {
  const std::vector<std::string> lines = {
      call(10, "execve", R"("path":"0x1","argv":"0x2","envp":"0x3")", R"("path":"/usr/bin/make")"),
      call(10, "openat", R"("dirfd":"AT_FDCWD","path":"0x1","flags":"O_RDONLY|O_CLOEXEC")",
           R"("path":"/etc/ld.so.cache")"),
      call(10, "openat", R"("dirfd":"AT_FDCWD","path":"0x1","flags":"O_WRONLY|O_CREAT|O_TRUNC","mode":"0666")",
           R"("path":"/w/out.o")"),
      call(10, "newfstatat", R"("dirfd":"3","path":"0x1","statbuf":"0x2","flags":"AT_EMPTY_PATH")",
           R"("path":"/etc/ld.so.cache")"),
      call(10, "newfstatat", R"("dirfd":"AT_FDCWD","path":"0x1","statbuf":"0x2","flags":"0x0")", R"("path":"/w/src")"),
      call(10, "access", R"("path":"0x1","mode":"R_OK")", R"("path":"/etc/ld.so.preload")"),
      call(10, "openat", R"("dirfd":"AT_FDCWD","path":"0x1","flags":"O_RDONLY")", R"x("path":"(unresolved: ENOENT)")x"),
      call(10, "openat", R"("dirfd":"AT_FDCWD","path":"0x1","flags":"O_RDONLY")", R"("path":"/proc/10/status")"),
      call(10, "read", R"("fd":"3","buf":"0x1","count":"10")", ""),
      call(10, "openat", R"("dirfd":"AT_FDCWD","path":"0x1","flags":"O_RDONLY")", R"("path":"/w/bad\ufffd\ufffdname")"),
      "not json",
  };
  std::string log;
  for (const auto& l : lines) log += l + "\n";
  Observations o;
  std::istringstream in(log);
  read_log(in, 0, o);
  EXPECT_EQ(o.events, 10u);
  // Bytes that were not UTF-8 (U+FFFD in the log): one `*`.
  EXPECT_EQ(o.by_access(fs::Access::Read).count("/w/bad*name"), 1u);
  EXPECT_EQ(o.bad_lines, 1u);
  EXPECT_EQ(o.by_access(fs::Access::Exec).count("/usr/bin/make"), 1u);
  EXPECT_EQ(o.by_access(fs::Access::Read).count("/etc/ld.so.cache"), 1u);
  EXPECT_EQ(o.by_access(fs::Access::Read).count("/etc/ld.so.preload"), 1u);
  EXPECT_EQ(o.by_access(fs::Access::Read).count("/proc/self/status"), 1u);
  EXPECT_EQ(o.by_access(fs::Access::Write).count("/w/out.o"), 1u);
  EXPECT_EQ(o.by_access(fs::Access::Stat).count("/w/src"), 1u);
  // fstat through AT_EMPTY_PATH looks nothing up.
  EXPECT_EQ(o.by_access(fs::Access::Stat).count("/etc/ld.so.cache"), 0u);
  EXPECT_EQ(o.syscalls.at("openat").unresolved, 1u);
  EXPECT_EQ(o.syscalls.at("openat").use.count, 5u);
  EXPECT_EQ(o.syscalls.at("read").use.count, 1u);
  // The process is named by the program it executed.
  EXPECT_EQ(o.by_access(fs::Access::Read).at("/etc/ld.so.cache").first.text(), "pid 10 make");
}

TEST(LearnLogReader, AddressesFamiliesRefusalsAndWritableExecutableMappings) {
  std::string log =
      call(5, "socket", R"("domain":"AF_INET","type":"SOCK_DGRAM|SOCK_CLOEXEC","protocol":"0")", "") + "\n" +
      call(5, "connect", R"("sockfd":"3","addr":"0x1","addrlen":"16")", R"("address":"127.0.0.53:53")") + "\n" +
      call(5, "connect", R"("sockfd":"3","addr":"0x1","addrlen":"16")", R"("address":"family 0")") + "\n" +
      call(5, "sendmmsg", R"("sockfd":"3","msgvec":"0x1","vlen":"2","flags":"0x0")", "") + "\n" +
      call(
          5, "mmap",
          R"("addr":"0","length":"4096","prot":"PROT_READ|PROT_WRITE|PROT_EXEC","flags":"MAP_PRIVATE|MAP_ANONYMOUS","fd":"-1","offset":"0")",
          "") +
      "\n" +
      call(5, "openat2", R"("dirfd":"AT_FDCWD","path":"0x1","how":"0x2","size":"24")", "", "deny",
           R"(,"errno":{"number":38,"name":"ENOSYS"})") +
      "\n";
  Observations o;
  std::istringstream in(log);
  read_log(in, 0, o);
  EXPECT_EQ(o.families.count("AF_INET"), 1u);
  EXPECT_EQ(o.addresses.count("127.0.0.53:53"), 1u);
  EXPECT_EQ(o.addresses.size(), 1u);  // AF_UNSPEC dissolves an association: no address
  EXPECT_EQ(o.unaddressed_sends.count, 1u);
  EXPECT_EQ(o.writable_executable.count, 1u);
  // Refused while recorded: not something the run did.
  EXPECT_EQ(o.syscalls.count("openat2"), 0u);
  ASSERT_EQ(o.refused.size(), 1u);
  EXPECT_EQ(o.refused.begin()->first.rfind("openat2: deny ENOSYS", 0), 0u) << o.refused.begin()->first;
}

// ---- the generaliser ---------------------------------------------------------

TEST(LearnGeneraliser, NoneKeepsExactPaths) {
  FakeFs f;
  GeneraliseOptions o;
  o.mode = Generalise::None;
  auto es = generalise(paths_of({"/p/src/a.c", "/p/src/b.c", "/p/src/c.c"}), o, f.view());
  EXPECT_EQ(patterns(es), (Strings{"/p/src/a.c", "/p/src/b.c", "/p/src/c.c"}));
}

TEST(LearnGeneraliser, FilesOfADirectoryMostlyUsedBecomeDirStar) {
  FakeFs f;
  f.dirs["/p/src"] = 4;             // the run used 3 of 4
  f.dirs["/usr/lib/x86_64"] = 900;  // the run used 2 of 900
  GeneraliseOptions o;
  auto es = generalise(paths_of({"/p/src/a.c", "/p/src/b.c", "/p/src/main.c", "/usr/lib/x86_64/libc.so.6",
                                 "/usr/lib/x86_64/libm.so.6", "/etc/passwd"}),
                       o, f.view());
  EXPECT_EQ(patterns(es),
            (Strings{"/etc/passwd", "/p/src/*", "/usr/lib/x86_64/libc.so.6", "/usr/lib/x86_64/libm.so.6"}));
  const PathEntry* star = entry(es, "/p/src/*");
  ASSERT_NE(star, nullptr);
  EXPECT_EQ(star->paths, 3u);
  EXPECT_EQ(star->use.count, 3u);
  EXPECT_EQ(star->kind, PathEntry::Kind::Directory);
  // One file of a directory stays itself.
  EXPECT_EQ(patterns(generalise(paths_of({"/p/one/x.c"}), o, f.view())), (Strings{"/p/one/x.c"}));
}

TEST(LearnGeneraliser, ATreeOfOneExtensionBecomesAnExtensionGlob) {
  FakeFs f;
  f.dirs["/usr/include"] = 500;
  f.dirs["/usr/include/sys"] = 100;
  f.dirs["/usr/include/bits"] = 100;
  GeneraliseOptions o;
  auto es = generalise(
      paths_of({"/usr/include/stdio.h", "/usr/include/sys/types.h", "/usr/include/bits/types.h", "/usr/lib/libc.so.6"}),
      o, f.view());
  EXPECT_EQ(patterns(es), (Strings{"/usr/include/**/*.h", "/usr/lib/libc.so.6"}));
  EXPECT_EQ(entry(es, "/usr/include/**/*.h")->kind, PathEntry::Kind::Extension);
  // Mixed extensions: no extension glob.
  auto mixed = generalise(paths_of({"/usr/include/stdio.h", "/usr/include/sys/types.h", "/usr/include/bits/x.inc"}), o,
                          f.view());
  EXPECT_EQ(patterns(mixed), (Strings{"/usr/include/bits/x.inc", "/usr/include/stdio.h", "/usr/include/sys/types.h"}));
  // Never across a directory named by a variable from above, nor at $HOME itself.
  o.roots = {"/home/u/p", "/home/u"};
  o.shared_dirs = {"/home/u"};
  auto home = generalise(paths_of({"/home/u/.a/x.conf", "/home/u/.b/y.conf", "/home/u/.c/z.conf"}), o, f.view());
  EXPECT_EQ(patterns(home), (Strings{"/home/u/.a/x.conf", "/home/u/.b/y.conf", "/home/u/.c/z.conf"}));
}

TEST(LearnGeneraliser, TreesCoverWhatLiesDeeperThanTheDepth) {
  FakeFs f;
  GeneraliseOptions o;
  o.mode = Generalise::Trees;
  o.depth = 2;
  o.roots = {"/w"};
  auto es = generalise(paths_of({"/usr/lib/gcc/x/12/cc1", "/usr/lib/gcc/x/12/specs", "/usr/lib/locale/C/LC_CTYPE",
                                 "/opt/one/deep/file", "/etc/passwd", "/w/a/b/c.txt", "/w/a/b/d.txt", "/w/top.txt"}),
                       o, f.view());
  // Below depth 2 (/usr/lib, and /w/a/b from ${CWD}) two files make DIR/**;
  // one alone is kept.
  EXPECT_EQ(patterns(es), (Strings{"/etc/passwd", "/opt/one/deep/file", "/usr/lib/**", "/w/a/b/**", "/w/top.txt"}));
  EXPECT_EQ(entry(es, "/usr/lib/**")->paths, 3u);
  EXPECT_EQ(entry(es, "/usr/lib/**")->kind, PathEntry::Kind::Tree);
  // Depth counts from the root ${CWD}: /w/a/b/c.txt is 3 deep there.
  o.depth = 1;
  auto es1 = generalise(paths_of({"/w/a/b/c.txt", "/w/a/x/d.txt"}), o, f.view());
  EXPECT_EQ(patterns(es1), (Strings{"/w/a/**"}));
}

TEST(LearnGeneraliser, TemporariesTerminalsAndSymlinks) {
  FakeFs f;
  f.present = {"/tmp/keep.txt", "/usr/bin/x86_64-linux-gnu-gcc-12"};
  f.dirs["/tmp"] = 50;
  f.symlinks = {"/usr/bin/cc"};
  GeneraliseOptions o;
  o.roots = {"/tmp"};
  o.shared_dirs = {"/tmp"};
  o.written = {"/tmp/ccA1b2C3.s", "/tmp/ccZ9y8X7.s", "/tmp/keep.txt", "/tmp/tmpQ1w2E3r4", "/tmp/tmpQ1w2E3r4/f.o"};
  auto es = generalise(paths_of({"/tmp/ccA1b2C3.s", "/tmp/ccZ9y8X7.s", "/tmp/keep.txt", "/tmp/tmpQ1w2E3r4/f.o",
                                 "/dev/pts/3", "/usr/bin/cc", "/tmp/gone-but-never-written"}),
                       o, f.view());
  EXPECT_EQ(patterns(es), (Strings{"/dev/pts/*", "/tmp/cc*.s", "/tmp/gone-but-never-written", "/tmp/keep.txt",
                                   "/tmp/tm*/f.o", "/usr/bin/**/cc"}));
  EXPECT_EQ(entry(es, "/tmp/cc*.s")->paths, 2u);
  EXPECT_EQ(entry(es, "/tmp/cc*.s")->kind, PathEntry::Kind::Temporary);
}

// ---- the host's file system ----------------------------------------------------

TEST(LearnFileSystemView, TheHostsAnswers) {
  char dir_template[] = "/tmp/learn-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  { std::ofstream(dir + "/script") << "#!/bin/sh -e\necho hi\n"; }
  { std::ofstream(dir + "/binary") << "\x7f" "ELF"; }
  ASSERT_EQ(symlink("script", (dir + "/link").c_str()), 0);
  ASSERT_EQ(mkfifo((dir + "/fifo").c_str(), 0600), 0);
  FileSystemView v = FileSystemView::host();
  EXPECT_EQ(v.interpreter(dir + "/script"), "/bin/sh");
  EXPECT_EQ(v.interpreter(dir + "/binary"), "");
  EXPECT_EQ(v.interpreter(dir + "/fifo"), "");  // not opened to wait for a writer
  EXPECT_EQ(v.interpreter(dir + "/missing"), "");
  EXPECT_TRUE(v.is_symlink(dir + "/link"));
  EXPECT_FALSE(v.is_symlink(dir + "/script"));
  EXPECT_TRUE(v.exists(dir + "/link"));
  EXPECT_FALSE(v.exists(dir + "/missing"));
  EXPECT_EQ(v.entries(dir), std::optional<std::size_t>(4));
  EXPECT_EQ(v.entries(dir + "/missing"), std::nullopt);
  EXPECT_EQ(v.resolve_parent(dir + "/./sock"), dir + "/sock");
  for (const char* f : {"/script", "/binary", "/link", "/fifo"}) unlink((dir + f).c_str());
  rmdir(dir.c_str());
}

// ---- the builder -------------------------------------------------------------

Observations sample() {
  Observations o;
  auto add_call = [&](const std::string& name, int n = 1) {
    o.syscalls[name].use.add(Actor{7, "/usr/bin/make", 0}, n);
  };
  for (const char* c : {"read", "write", "close", "mmap", "brk", "exit_group", "openat", "execve", "newfstatat"})
    add_call(c);
  o.by_access(fs::Access::Exec)["/usr/bin/make"] = used(7, "");
  o.by_access(fs::Access::Read)["/proj/src/a.c"] = used(7, "/usr/bin/make");
  o.by_access(fs::Access::Read)["/proj/src/b.c"] = used(7, "/usr/bin/make");
  o.by_access(fs::Access::Read)["/usr/lib/libc.so.6"] = used(7, "/usr/bin/make");
  o.by_access(fs::Access::Write)["/proj/out/a.o"] = used(8, "/usr/bin/as");
  o.by_access(fs::Access::Stat)["/proj"] = used(7, "/usr/bin/make");           // on the way: no entry
  o.by_access(fs::Access::Stat)["/etc/localtime"] = used(7, "/usr/bin/make");  // needs one
  o.events = 20;
  return o;
}

LearnOptions sample_options() {
  LearnOptions opt;
  opt.cwd = "/proj";
  opt.home = "/home/u";
  opt.tmpdir = "/tmp";
  opt.name = "learned-make";
  opt.sources = {"a test"};
  return opt;
}

const Rule* rule_named(const Policy& p, const std::string& name) {
  for (const auto& r : p.rules)
    if (r.name == name) return &r;
  return nullptr;
}

std::set<std::string> selector_names(const Rule& r) {
  std::set<std::string> s;
  for (const auto& sel : r.syscalls) s.insert(selector_text(sel));
  return s;
}

TEST(LearnBuilder, SectionCallsAreLeftToTheSections) {
  FakeFs f;
  f.dirs["/proj/src"] = 3;
  f.dirs["/usr/lib"] = 1000;
  auto learned = build_policy(sample(), sample_options(), f.view());
  const Policy& p = learned.policy;
  const Rule* made = rule_named(p, kRuleMade);
  ASSERT_NE(made, nullptr);
  EXPECT_EQ(selector_names(*made), (std::set<std::string>{"brk", "close", "exit_group", "mmap", "read", "write"}));
  EXPECT_EQ(made->action.kind, Action::Kind::Allow);
  const Rule* not_made = rule_named(p, kRuleNotMade);
  ASSERT_NE(not_made, nullptr);
  auto refused = selector_names(*not_made);
  EXPECT_EQ(refused.count("unlink"), 1u);
  EXPECT_EQ(refused.count("connect"), 1u);
  EXPECT_EQ(refused.count("socket"), 1u);
  EXPECT_EQ(refused.count("openat"), 0u);  // made: the section decides it
  EXPECT_EQ(refused.count("execve"), 0u);
  EXPECT_EQ(not_made->action.kind, Action::Kind::Deny);
  // W^X: mmap was made, never writable and executable.
  const Rule* wx = rule_named(p, kRuleNoWx);
  ASSERT_NE(wx, nullptr);
  EXPECT_EQ(selector_names(*wx), (std::set<std::string>{"mmap"}));
  ASSERT_EQ(wx->args.size(), 1u);
  EXPECT_EQ(wx->args[0].op, ArgTest::Op::All);
  EXPECT_EQ(wx->args[0].values, (std::vector<std::int64_t>{PROT_WRITE, PROT_EXEC}));
  EXPECT_EQ(p.rules.front().name, kRuleNoWx);  // before the allowing rule
  // Files.
  EXPECT_TRUE(p.filesystem.present);
  EXPECT_EQ(p.filesystem.exec, (Strings{"/usr/bin/make"}));
  EXPECT_EQ(p.filesystem.write, (Strings{"/proj/out/a.o"}));
  EXPECT_EQ(p.filesystem.read, (Strings{"/etc/localtime", "/proj/src/*", "/usr/lib/libc.so.6"}));
  EXPECT_FALSE(p.network.present);
  EXPECT_EQ(p.default_action.kind, Action::Kind::Deny);
  EXPECT_EQ(p.default_action.error, EPERM);
}

TEST(LearnBuilder, AWholeGroupIsNamedByItsGroup) {
  Observations o = sample();
  std::vector<std::string> pure;
  for (const auto& s : arch::all_syscalls())
    if ((s.groups & arch::G_PURE) != 0 && arch::syscall_number(Abi::X86_64, s.name) >= 0) pure.emplace_back(s.name);
  ASSERT_GE(pure.size(), 2u);
  for (const auto& c : pure) o.syscalls[c].use.add(Actor{7, "", 0});
  FakeFs f;
  auto learned = build_policy(o, sample_options(), f.view());
  const Rule* made = rule_named(learned.policy, kRuleMade);
  ASSERT_NE(made, nullptr);
  auto names = selector_names(*made);
  EXPECT_EQ(names.count("%pure"), 1u);
  for (const auto& c : pure) EXPECT_EQ(names.count(c), 0u) << c;
  // One short of the group: named one by one.
  Observations o2 = sample();
  for (std::size_t i = 1; i < pure.size(); ++i) o2.syscalls[pure[i]].use.add(Actor{7, "", 0});
  auto names2 = selector_names(*rule_named(build_policy(o2, sample_options(), f.view()).policy, kRuleMade));
  EXPECT_EQ(names2.count("%pure"), 0u);
  EXPECT_EQ(names2.count(pure[1]), 1u);
}

TEST(LearnBuilder, WritableExecutableMappingsDropTheRuleWithAWarning) {
  Observations o = sample();
  o.writable_executable.add(Actor{9, "/usr/bin/java", 3});
  FakeFs f;
  auto learned = build_policy(o, sample_options(), f.view());
  EXPECT_EQ(rule_named(learned.policy, kRuleNoWx), nullptr);
  bool warned = std::any_of(learned.warnings.begin(), learned.warnings.end(), [](const std::string& w) {
    return w.find("writable and executable") != std::string::npos;
  });
  EXPECT_TRUE(warned);
}

TEST(LearnBuilder, NetworkSectionFromAddressesAndFamilies) {
  Observations o = sample();
  for (const char* c : {"socket", "connect", "bind"}) o.syscalls[c].use.add(Actor{7, "", 0});
  o.addresses["127.0.0.53:53"] = used(7, "");
  o.addresses["unix:/run/nscd/socket"] = used(7, "");
  o.addresses["unix:(unnamed)"] = used(7, "");
  o.families["AF_INET"] = used(7, "");
  o.families["AF_INET6"] = used(7, "");
  o.families["AF_NETLINK"] = used(7, "");
  FakeFs f;
  auto learned = build_policy(o, sample_options(), f.view());
  const NetworkSection& n = learned.policy.network;
  ASSERT_TRUE(n.present);
  EXPECT_EQ(n.allow, (Strings{"127.0.0.53:53", "[ff0f::]:0", "netlink", "unix", "unix:/run/nscd/socket"}));
  // The socket's path is a file the section checks for writing.
  auto& w = learned.policy.filesystem.write;
  EXPECT_NE(std::find(w.begin(), w.end(), "/run/nscd/socket"), w.end());
  // connect, bind and socket are left to the section; sendto is not made.
  EXPECT_EQ(selector_names(*rule_named(learned.policy, kRuleMade)).count("connect"), 0u);
  EXPECT_EQ(selector_names(*rule_named(learned.policy, kRuleNotMade)).count("sendto"), 1u);
}

TEST(LearnBuilder, ScriptsAddTheirInterpreter) {
  Observations o = sample();
  o.by_access(fs::Access::Exec)["/proj/gen.sh"] = used(7, "/usr/bin/make");
  FakeFs f;
  f.scripts["/proj/gen.sh"] = "/bin/sh";
  auto learned = build_policy(o, sample_options(), f.view());
  EXPECT_EQ(learned.policy.filesystem.exec, (Strings{"/bin/sh", "/proj/gen.sh", "/usr/bin/make"}));
}

TEST(LearnBuilder, WhatTheBaseAllowsIsNotAddedAgain) {
  Policy base = policy::load_text(R"(version: 1
rules:
  - name: no-tracing
    syscalls: [ptrace]
    action: {deny: EPERM}
  - syscalls: [brk]
    action: allow
filesystem:
  read: ["/usr/**"]
)",
                                  "base.yaml", policy::LoadOptions("/proj"));
  Observations o = sample();
  o.syscalls["ptrace"].use.add(Actor{7, "", 0});
  LearnOptions opt = sample_options();
  opt.base = "/etc/sysgate/base.yaml";
  opt.base_policy = &base;
  FakeFs f;
  f.dirs["/proj/src"] = 10;
  auto learned = build_policy(o, opt, f.view());
  EXPECT_EQ(learned.includes, (Strings{"/etc/sysgate/base.yaml"}));
  auto made = selector_names(*rule_named(learned.policy, kRuleMade));
  EXPECT_EQ(made.count("brk"), 0u);     // the base allows it
  EXPECT_EQ(made.count("ptrace"), 0u);  // the base refuses it: left to the base, with a warning
  EXPECT_EQ(made.count("read"), 1u);
  EXPECT_TRUE(std::any_of(learned.warnings.begin(), learned.warnings.end(),
                          [](const std::string& w) { return w.rfind("ptrace:", 0) == 0; }));
  EXPECT_EQ(learned.policy.filesystem.read, (Strings{"/etc/localtime", "/proj/src/a.c", "/proj/src/b.c"}));
}

// ---- the writer and the round trip through the loader ----------------------------

void expect_same(const Policy& a, const Policy& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.abis, b.abis);
  EXPECT_EQ(a.default_action, b.default_action);
  ASSERT_EQ(a.rules.size(), b.rules.size());
  for (std::size_t i = 0; i < a.rules.size(); ++i) {
    const Rule& x = a.rules[i];
    const Rule& y = b.rules[i];
    SCOPED_TRACE("rule " + x.name);
    EXPECT_EQ(x.name, y.name);
    ASSERT_EQ(x.syscalls.size(), y.syscalls.size());
    for (std::size_t k = 0; k < x.syscalls.size(); ++k) {
      EXPECT_EQ(x.syscalls[k].kind, y.syscalls[k].kind);
      EXPECT_EQ(selector_text(x.syscalls[k]), selector_text(y.syscalls[k]));
      EXPECT_EQ(x.syscalls[k].group, y.syscalls[k].group);
    }
    ASSERT_EQ(x.args.size(), y.args.size());
    for (std::size_t k = 0; k < x.args.size(); ++k) {
      EXPECT_EQ(x.args[k].arg, y.args[k].arg);
      EXPECT_EQ(x.args[k].op, y.args[k].op);
      EXPECT_EQ(x.args[k].values, y.args[k].values);
      EXPECT_EQ(x.args[k].texts, y.args[k].texts);
    }
    EXPECT_EQ(x.when, y.when);
    EXPECT_EQ(x.action.kind, y.action.kind);
    EXPECT_EQ(x.action.error, y.action.error);
    EXPECT_EQ(x.action.value, y.action.value);
    EXPECT_EQ(x.action.target, y.action.target);
    EXPECT_EQ(x.action.delay_s, y.action.delay_s);
    ASSERT_EQ(x.action.edits.size(), y.action.edits.size());
    for (std::size_t k = 0; k < x.action.edits.size(); ++k) {
      EXPECT_EQ(x.action.edits[k].arg, y.action.edits[k].arg);
      EXPECT_EQ(x.action.edits[k].op, y.action.edits[k].op);
      EXPECT_EQ(x.action.edits[k].value, y.action.edits[k].value);
    }
    EXPECT_EQ(x.log, y.log);
    EXPECT_EQ(x.quiet, y.quiet);
  }
  EXPECT_EQ(a.filesystem.present, b.filesystem.present);
  EXPECT_EQ(a.filesystem.read, b.filesystem.read);
  EXPECT_EQ(a.filesystem.write, b.filesystem.write);
  EXPECT_EQ(a.filesystem.exec, b.filesystem.exec);
  EXPECT_EQ(a.filesystem.deny, b.filesystem.deny);
  EXPECT_EQ(a.filesystem.error, b.filesystem.error);
  EXPECT_EQ(a.network.present, b.network.present);
  EXPECT_EQ(a.network.allow, b.network.allow);
  EXPECT_EQ(a.network.error, b.network.error);
  EXPECT_EQ(a.limits.cpu_time_s, b.limits.cpu_time_s);
  EXPECT_EQ(a.limits.memory, b.limits.memory);
  EXPECT_EQ(a.limits.processes, b.limits.processes);
  EXPECT_EQ(a.keep_caps, b.keep_caps);
  EXPECT_EQ(a.private_tmp, b.private_tmp);
}

TEST(LearnWriter, TheLearnedPolicyLoadsBackTheSame) {
  Observations o = sample();
  for (const char* c : {"socket", "connect"}) o.syscalls[c].use.add(Actor{7, "", 0});
  o.addresses["127.0.0.1:8080"] = used(7, "");
  o.addresses["unix:/proj/run/x.sock"] = used(7, "");
  o.by_access(fs::Access::Read)["/home/u/.gitconfig"] = used(7, "/usr/bin/git");
  o.by_access(fs::Access::Write)["/tmp/ccA1b2C3.s"] = used(8, "/usr/bin/cc1");
  o.by_access(fs::Access::Read)["/proj/we ird \"name\"#1"] = used(7, "");
  o.by_access(fs::Access::Read)["/proj/${HOME}"] = used(7, "");
  FakeFs f;
  f.dirs["/proj/src"] = 2;
  f.dirs["/proj"] = 100;
  auto learned = build_policy(o, sample_options(), f.view());
  const std::string text = learned.text();
  // Directories of the run by variable, ${CWD} before the others.
  EXPECT_NE(text.find("\"${CWD}/src/*\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"${HOME}/.gitconfig\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"${TMPDIR}/cc*.s\""), std::string::npos) << text;
  EXPECT_NE(text.find("unix:${CWD}/run/x.sock"), std::string::npos) << text;
  // Comments: counts and the first process.
  EXPECT_NE(text.find("# 1 call; first: pid 7 make"), std::string::npos) << text;
  EXPECT_NE(text.find("# 2 paths, 2 calls; first: pid 7 make"), std::string::npos) << text;
  Policy back;
  try {
    back = policy::load_text(text, "learned.yaml", policy::LoadOptions("/proj"));
  } catch (const InputError& e) {
    std::string all;
    for (const auto& d : e.diagnostics()) all += d.str() + "\n";
    FAIL() << all << text;
  }
  // ${HOME} and ${TMPDIR} expand to the environment's; the model was learned with these.
  auto expanded = [](std::vector<std::string> v, const std::string& from, const std::string& to) {
    for (auto& s : v)
      if (s.rfind(from, 0) == 0) s = to + s.substr(from.size());
    return v;
  };
  Policy want = learned.policy;
  const char* home = std::getenv("HOME");
  const char* tmp = std::getenv("TMPDIR");
  want.filesystem.read = expanded(want.filesystem.read, "/home/u", home != nullptr ? home : "/");
  want.filesystem.write = expanded(want.filesystem.write, "/tmp", tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
  // A file name that holds "${" is written so that it does not read as a variable.
  want.filesystem.read = expanded(want.filesystem.read, "/proj/${HOME}", "/proj/$*{HOME}");
  expect_same(want, back);
  // And it compiles, filter and all.
  auto plan = compile::compile(std::move(back), compile::Engine::Seccomp);
  EXPECT_FALSE(compile::build_filter(plan).empty());
}

TEST(LearnWriter, EveryPartOfTheModelRoundTrips) {
  const std::string text = R"(version: 1
name: all-parts
abi: [x86_64, i386]
default: kill
limits: {cpu_time: 1500ms, memory: 256MiB, processes: 4, on_process_limit: fail}
capabilities: [CAP_CHOWN, CAP_FOWNER]
tmp: private
rules:
  - name: opens
    syscalls: [openat, "%memory", {nr: 999}]
    args: {arg2: {any: [O_CREAT, O_TRUNC], none: [O_EXCL]}}
    action: {deny: EROFS}
    log: false
  - syscalls: [socket]
    args: {domain: {in: [AF_INET, AF_INET6]}, type: {ne: 3}}
    action: log
  - name: paths
    syscalls: [openat]
    args: {path: {glob: ["/etc/**", "/usr/*"]}, flags: {accmode: [O_WRONLY, O_RDWR]}}
    action: {return: -ENOSPC, delay: 20ms}
  - name: redirect
    syscalls: [openat]
    args: {path: {prefix: /tmp}}
    action: {redirect: "/RUNDIR/tmp/**"}
  - name: rewrite
    syscalls: [openat]
    action: {rewrite: {flags: {set: [O_CLOEXEC]}, mode: 0600}}
  - name: sometimes
    syscalls: [fsync]
    when: {from: 2, every: 3, until: 20, probability: 0.25, seed: 7, per: process}
    action: {return: 0}
  - name: addr
    syscalls: [connect]
    args: {addr: {not_in: ["10.0.0.0/8:*", "unix:/run/*.sock"]}}
    action: allow
    log: true
filesystem:
  read: ["/usr/**", "/box/in/*"]
  write: [/box/out]
  exec: [/usr/bin/cc]
  deny: [/etc/shadow]
  errno: EPERM
network:
  allow: [loopback, "[::1]:80"]
  errno: EACCES
)";
  Policy p = policy::load_text(text, "p.yaml", policy::LoadOptions("/box"));
  std::string written = write_policy(p, {}, {}, {{"/box", "${CWD}"}});
  Policy back;
  try {
    back = policy::load_text(written, "q.yaml", policy::LoadOptions("/box"));
  } catch (const InputError& e) {
    std::string all;
    for (const auto& d : e.diagnostics()) all += d.str() + "\n";
    FAIL() << all << written;
  }
  expect_same(p, back);
  EXPECT_NE(written.find("\"${CWD}/in/*\""), std::string::npos) << written;
  EXPECT_NE(written.find("any: [O_CREAT, O_TRUNC]"), std::string::npos) << written;
  EXPECT_NE(written.find("in: [AF_INET, AF_INET6]"), std::string::npos) << written;
}

TEST(LearnWriter, ScalarsAreQuotedOnlyWhereYamlNeedsIt) {
  EXPECT_EQ(yaml_scalar("read"), "read");
  EXPECT_EQ(yaml_scalar("/usr/lib/x86_64-linux-gnu/libc.so.6"), "/usr/lib/x86_64-linux-gnu/libc.so.6");
  EXPECT_EQ(yaml_scalar("%pure"), "\"%pure\"");
  EXPECT_EQ(yaml_scalar("*"), "\"*\"");
  EXPECT_EQ(yaml_scalar("/usr/**"), "\"/usr/**\"");
  EXPECT_EQ(yaml_scalar("yes"), "\"yes\"");
  EXPECT_EQ(yaml_scalar("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
  EXPECT_EQ(yaml_scalar("x\x01y"), "\"x\\x01y\"");
}

}  // namespace
}  // namespace sysgate::learn
