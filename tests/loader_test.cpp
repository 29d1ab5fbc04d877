// policy::load_text / load_file: every error with its place, and what valid
// policies load to (the contract: man/sysgate-policy.5).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "arch/constants.hpp"
#include "arch/syscall_table.hpp"
#include "policy/canonical.hpp"
#include "policy/loader.hpp"
#include "sysgate/diagnostic.hpp"
#include "sysgate/policy.hpp"

namespace sysgate {
namespace {

namespace fs = std::filesystem;
using policy::LoadOptions;

Policy load(const std::string& text) { return policy::load_text(text, "p.yaml", LoadOptions{"/box"}); }

// The diagnostics of an invalid policy; a test fails when it loads.
std::vector<Diagnostic> errors_of(const std::string& text, const LoadOptions& options = {"/box"}) {
  try {
    policy::load_text(text, "p.yaml", options);
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "policy loaded without error:\n" << text;
  return {};
}

std::string dump(const std::vector<Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) s += "  " + d.str() + "\n";
  return s;
}

// Exactly one error, at line:column, whose message contains `text`.
::testing::AssertionResult OneError(const std::string& policy, int line, int column, const std::string& text) {
  auto ds = errors_of(policy);
  if (ds.size() != 1) return ::testing::AssertionFailure() << "expected 1 error, got " << ds.size() << ":\n" << dump(ds);
  const Diagnostic& d = ds[0];
  if (d.where.file != "p.yaml" || d.where.line != line || d.where.column != column ||
      d.message.find(text) == std::string::npos)
    return ::testing::AssertionFailure() << "expected p.yaml:" << line << ":" << column << ": ..." << text
                                         << "...\ngot:\n" << dump(ds);
  return ::testing::AssertionSuccess();
}

const std::string kHead = "version: 1\n";

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/sysgate-loader-XXXXXX";
    const char* d = mkdtemp(tmpl);
    if (d == nullptr) throw std::runtime_error("mkdtemp");
    path_ = d;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::string p = path_ + "/" + name;
    fs::create_directories(fs::path(p).parent_path());
    std::ofstream(p) << text;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// --- errors -----------------------------------------------------------------

TEST(LoaderErrors, YamlSyntaxError) {
  EXPECT_TRUE(OneError("version: 1\nrules: [\n", 2, 8, "YAML syntax error"));  // at the '[' never closed
  EXPECT_TRUE(OneError("version: 1\nname: a: b\n", 2, 8, "YAML syntax error: illegal map value"));
  EXPECT_TRUE(OneError("version: 1\n\tname: x\n", 2, 1, "YAML syntax error: illegal tab"));
}

// Issue 9, item 11: yaml-cpp notices an unclosed '[' where it gives up (the
// next key, or the end of the file); the error is put at the bracket.
TEST(LoaderErrors, UnclosedFlowSequenceIsReportedAtItsBracket) {
  const std::string text = kHead +
                           "name: x\n"
                           "default: allow\n"
                           "rules:\n"
                           "  - name: a\n"
                           "    syscalls: [read, write\n"  // 6:15, was reported at 7:11
                           "    action: allow\n";
  EXPECT_TRUE(OneError(text, 6, 15, "YAML syntax error: this '[' is never closed by a ']'"));
  // The same before another rule, and at the end of the file.
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read\n    action: allow\n  - syscalls: [write]\n    action: allow\n",
                       3, 15, "'[' is never closed"));
  EXPECT_TRUE(OneError(kHead + "filesystem:\n  read: [/a, /b\n  write: [/c]\n", 3, 9, "'[' is never closed"));
  EXPECT_TRUE(OneError(kHead + "rules: [read, write\n\n\n# comment\n", 2, 8, "'[' is never closed"));
  // The outer of two: the inner one is closed.
  EXPECT_TRUE(OneError(kHead + "rules: [read, [write]\n", 2, 8, "'[' is never closed"));
  // Brackets inside quoted strings and comments are text.
  EXPECT_TRUE(OneError(kHead + "name: \"[x\"  # [y\nrules: [\"a]\", write\nabi: x86_64\n", 3, 8,
                       "'[' is never closed"));
}

TEST(LoaderErrors, UnclosedFlowMappingIsReportedAtItsBrace) {
  EXPECT_TRUE(OneError(kHead + "limits: {cpu_time: 1s\nname: x\n", 2, 9, "YAML syntax error: this '{' is never closed by a '}'"));
  EXPECT_TRUE(OneError(kHead + "limits: {cpu_time: 1s,\n  memory: 1MiB\nname: x\n", 2, 9, "'{' is never closed"));
}

// yaml-cpp reads a string whose closing quote is missing to the end of the
// file without an error: the lines after it would silently vanish into it.
TEST(LoaderErrors, UnclosedQuoteIsAnError) {
  EXPECT_TRUE(OneError(kHead + "name: \"abc\ndefault: kill\n", 2, 7, "the string opened by this \" is never closed"));
  EXPECT_TRUE(OneError(kHead + "name: 'abc\ndefault: kill\n", 2, 7, "the string opened by this ' is never closed"));
  // Apostrophes inside plain text, escaped quotes and '' are not openings.
  Policy p = load(kHead + "name: it's mine  # don't\ndefault: {deny: EPERM}\n"
                          "rules:\n  - name: \"a \\\" b\"\n    syscalls: [read]\n    action: allow\n"
                          "  - name: 'c '' d'\n    syscalls: [write]\n    action: allow\n");
  EXPECT_EQ(p.name, "it's mine");
  ASSERT_EQ(p.rules.size(), 2u);
  EXPECT_EQ(p.rules[0].name, "a \" b");
  EXPECT_EQ(p.rules[1].name, "c ' d");
}

TEST(LoaderErrors, EmptyFile) {
  EXPECT_TRUE(OneError("", 1, 1, "empty policy"));
  EXPECT_TRUE(OneError("# nothing but a comment\n", 1, 1, "empty policy"));
}

TEST(LoaderErrors, NotAMapping) { EXPECT_TRUE(OneError("- version: 1\n", 1, 1, "must be a mapping")); }

TEST(LoaderErrors, MissingVersion) { EXPECT_TRUE(OneError("name: x\ndefault: allow\n", 1, 1, "missing 'version: 1'")); }

TEST(LoaderErrors, Version2) {
  EXPECT_TRUE(OneError("version: 2\n", 1, 10, "unsupported policy version 2"));
  EXPECT_TRUE(OneError("version: one\n", 1, 10, "expected an integer, got 'one'"));
}

TEST(LoaderErrors, UnknownTopLevelKeySuggests) {
  EXPECT_TRUE(OneError(kHead + "rulez: []\n", 2, 1, "unknown key 'rulez' in policy (did you mean 'rules'?)"));
  EXPECT_TRUE(OneError(kHead + "defualt: allow\n", 2, 1, "(did you mean 'default'?)"));
  // Nothing close: no suggestion at all.
  auto ds = errors_of(kHead + "xyzzyplugh: 1\n");
  ASSERT_EQ(ds.size(), 1u) << dump(ds);
  EXPECT_EQ(ds[0].message, "unknown key 'xyzzyplugh' in policy");
}

TEST(LoaderErrors, DuplicateKeys) {
  EXPECT_TRUE(OneError("version: 1\nversion: 1\n", 2, 1, "duplicate key 'version'"));
  EXPECT_TRUE(OneError(kHead +
                           "rules:\n"
                           "  - syscalls: [read]\n"
                           "    action: allow\n"
                           "    action: kill\n",
                       5, 5, "duplicate key 'action'"));
  EXPECT_TRUE(OneError(kHead +
                           "rules:\n"
                           "  - syscalls: [write]\n"
                           "    args: {fd: {eq: 1}, fd: {eq: 2}}\n"
                           "    action: allow\n",
                       4, 25, "duplicate key 'fd'"));
  // Inside one argument's tests.
  EXPECT_TRUE(OneError(kHead +
                           "rules:\n"
                           "  - syscalls: [write]\n"
                           "    args: {fd: {eq: 1, eq: 2}}\n"
                           "    action: allow\n",
                       4, 24, "duplicate key 'eq'"));
  EXPECT_TRUE(OneError(kHead + "vars: {A: x, A: y}\n", 2, 14, "duplicate key 'A'"));
}

TEST(LoaderErrors, UnknownSyscallSuggests) {
  EXPECT_TRUE(OneError(kHead +
                           "rules:\n"
                           "  - syscalls: [read, opnat]\n"
                           "    action: allow\n",
                       3, 22, "unknown syscall 'opnat' (did you mean 'openat'?)"));
}

TEST(LoaderErrors, UnknownGroupSuggests) {
  EXPECT_TRUE(OneError(kHead +
                           "rules:\n"
                           "  - syscalls: [\"%fil\"]\n"
                           "    action: allow\n",
                       3, 16, "unknown syscall group '%fil' (did you mean '%file'?)"));
}

TEST(LoaderErrors, UnknownErrnoSuggests) {
  EXPECT_TRUE(OneError(kHead + "default: {deny: EACCESS}\n", 2, 17, "unknown errno 'EACCESS' (did you mean 'EACCES'?)"));
  EXPECT_TRUE(OneError(kHead + "default: {deny: 4096}\n", 2, 17, "errno must be between 1 and 4095"));
  EXPECT_TRUE(OneError(kHead + "default: {deny: 0}\n", 2, 17, "errno must be between 1 and 4095"));
}

TEST(LoaderErrors, UnknownConstantSuggests) {
  EXPECT_TRUE(OneError(kHead +
                           "rules:\n"
                           "  - syscalls: [openat]\n"
                           "    args: {flags: {any: [O_CRAET]}}\n"
                           "    action: allow\n",
                       4, 26, "unknown constant 'O_CRAET' (did you mean 'O_CREAT'?)"));
}

TEST(LoaderErrors, WrongTypes) {
  EXPECT_TRUE(OneError(kHead + "rules: {syscalls: [read]}\n", 2, 8, "'rules' must be a list of rules"));
  EXPECT_TRUE(OneError(kHead +
                           "rules:\n"
                           "  - syscalls: [read]\n"
                           "    action: [allow]\n",
                       4, 13, "an action is allow, kill, log or {deny: ERRNO}"));
  EXPECT_TRUE(OneError(kHead +
                           "rules:\n"
                           "  - syscalls: [read]\n"
                           "    args: [fd]\n"
                           "    action: allow\n",
                       4, 11, "'args' must map argument names to tests"));
  EXPECT_TRUE(OneError(kHead +
                           "rules:\n"
                           "  - syscalls: [read]\n"
                           "    args: {fd: 1}\n"
                           "    action: allow\n",
                       4, 16, "an argument test is a mapping"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - read\n", 3, 5, "a rule is a mapping"));
  EXPECT_TRUE(OneError(kHead + "name: [a, b]\n", 2, 7, "'name' must be a single value"));
  EXPECT_TRUE(OneError(kHead + "vars: [a]\n", 2, 7, "'vars' must be a mapping"));
}

TEST(LoaderErrors, RuleWithoutSyscallsOrAction) {
  EXPECT_TRUE(OneError(kHead + "rules:\n  - action: allow\n", 3, 5, "rule has no 'syscalls'"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read]\n", 3, 5, "rule has no 'action'"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: []\n    action: allow\n", 3, 15, "'syscalls' is empty"));
}

TEST(LoaderErrors, DenyWithoutErrno) {
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read]\n    action: deny\n", 4, 13, "'deny' needs an errno"));
  auto ds = errors_of(kHead + "rules:\n  - syscalls: [read]\n    action: {deny}\n");
  ASSERT_EQ(ds.size(), 1u) << dump(ds);
  EXPECT_EQ(ds[0].where.line, 4);
  EXPECT_NE(ds[0].message.find("expected an errno name such as EPERM"), std::string::npos) << ds[0].str();
}

TEST(LoaderErrors, UnknownAction) {
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read]\n    action: alow\n", 4, 13,
                       "unknown action 'alow' (did you mean 'allow'?)"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read]\n    action: {deni: EPERM}\n", 4, 14,
                       "unknown action 'deni' (did you mean 'deny'?)"));
  EXPECT_TRUE(OneError(kHead + "default: allw\n", 2, 10, "unknown action 'allw' (did you mean 'allow'?)"));
}

TEST(Loader, ReturnRedirectRewriteWhenDelay) {
  Policy p = load(kHead + R"(tmp: private
rules:
  - syscalls: [getuid]
    action: {return: 1000}
  - syscalls: [write]
    args: {fd: {eq: 1}}
    when: {nth: 3, per: process}
    action: {return: -ENOSPC, delay: 50ms}
  - syscalls: [openat]
    args: {path: {glob: "/tmp/**"}}
    action: {redirect: "${RUNDIR}/tmp/**"}
  - syscalls: [openat]
    action: {rewrite: {flags: {set: [O_CLOEXEC]}, mode: 0600}}
  - syscalls: [read]
    when: {from: 2, every: 5, until: 20}
    action: {rewrite: {count: {max: 65536}}}
  - syscalls: [mmap]
    when: {probability: 0.25, seed: 42}
    action: {deny: ENOMEM}
)");
  ASSERT_EQ(p.rules.size(), 6u);
  EXPECT_TRUE(p.private_tmp);
  EXPECT_EQ(p.rules[0].action.kind, Action::Kind::Return);
  EXPECT_EQ(p.rules[0].action.value, 1000);
  EXPECT_EQ(p.rules[1].action.value, -28);
  EXPECT_DOUBLE_EQ(p.rules[1].action.delay_s, 0.05);
  ASSERT_TRUE(p.rules[1].when);
  EXPECT_EQ(p.rules[1].when->from, 3u);
  EXPECT_EQ(p.rules[1].when->until, 3u);
  EXPECT_TRUE(p.rules[1].when->per_process);
  EXPECT_EQ(p.rules[2].action.kind, Action::Kind::Redirect);
  EXPECT_EQ(p.rules[2].action.target, "/RUNDIR/tmp/**");  // no run: a stand-in
  ASSERT_EQ(p.rules[3].action.edits.size(), 2u);
  EXPECT_EQ(p.rules[3].action.edits[0].op, ArgEdit::Op::Or);
  EXPECT_EQ(p.rules[3].action.edits[0].value, 02000000u);  // O_CLOEXEC
  EXPECT_EQ(p.rules[3].action.edits[1].op, ArgEdit::Op::Set);
  EXPECT_EQ(p.rules[3].action.edits[1].value, 0600u);
  EXPECT_EQ(p.rules[4].when->every, 5u);
  EXPECT_EQ(p.rules[4].action.edits[0].op, ArgEdit::Op::Max);
  EXPECT_EQ(p.rules[5].when->seed, 42u);
  EXPECT_DOUBLE_EQ(*p.rules[5].when->probability, 0.25);
}

TEST(Loader, RundirExpandsToTheRunsDirectory) {
  Policy p = policy::load_text(kHead + "filesystem:\n  write: [\"${RUNDIR}/**\"]\n", "p.yaml",
                               LoadOptions{"/box", "/tmp/sysgate-run-x"});
  ASSERT_EQ(p.filesystem.write.size(), 1u);
  EXPECT_EQ(p.filesystem.write[0], "/tmp/sysgate-run-x/**");
}

TEST(LoaderErrors, RewritingActionsAreChecked) {
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [openat]\n    action: {redirect: /box/x}\n", 4, 24,
                       "a redirect needs a path test on the argument it replaces"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [openat]\n    args: {path: {eq: /a}}\n    action: {redirect: /b/**}\n",
                       5, 24, "its test must be one {prefix: P}"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [openat]\n    action: {rewrite: {path: /x}}\n", 4, 24,
                       "points into the program's memory; rewrite changes scalar arguments (redirect changes paths)"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [openat]\n    action: {rewrite: {mood: 0600}}\n", 4, 24,
                       "'openat' has no argument 'mood' (did you mean 'mode'?)"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [getuid]\n    action: {return: -ENOSPAC}\n", 4, 22,
                       "'return' takes a number or -ERRNO such as -ENOSPC, got '-ENOSPAC' (did you mean 'ENOSPC'?)"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [getuid]\n    action: {return: 0, deny: EPERM}\n", 4, 25,
                       "an action does one of deny, return, redirect, rewrite"));
  EXPECT_TRUE(OneError(kHead + "default: {return: 0}\n", 2, 11, "'return' cannot be the default"));
}

TEST(LoaderErrors, WhenValuesOutOfRange) {
  auto rule = [](const std::string& when) {
    return kHead + "rules:\n  - syscalls: [write]\n    when: " + when + "\n    action: {deny: EIO}\n";
  };
  EXPECT_TRUE(OneError(rule("{nth: 0}"), 4, 17, "'nth' counts matches from 1, got 0"));
  EXPECT_TRUE(OneError(rule("{probability: 1.5}"), 4, 25, "'probability' is a number above 0 and at most 1"));
  EXPECT_TRUE(OneError(rule("{probability: 0}"), 4, 25, "'probability' is a number above 0 and at most 1"));
  EXPECT_TRUE(OneError(rule("{from: 5, until: 2}"), 4, 28, "'until' (2) is before 'from' (5)"));
  EXPECT_TRUE(OneError(rule("{nth: 2, every: 3}"), 4, 27, "'nth' and 'every' cannot be combined"));
  EXPECT_TRUE(OneError(rule("{seed: 3}"), 4, 18, "'seed' seeds a 'probability'"));
  EXPECT_TRUE(OneError(rule("{nth: 1, per: thread}"), 4, 25, "'per' is tree or process"));
  EXPECT_TRUE(OneError(rule("{nht: 1}"), 4, 12, "unknown key 'nht' in when (did you mean 'nth'?)"));
}

// Regression: `default: {return: 0}` once said "unknown action 'return' (did
// you mean 'return'?)".
TEST(LoaderErrors, DefaultReturnDoesNotSuggestItself) {
  auto ds = errors_of(kHead + "default: {return: 0}\n");
  ASSERT_EQ(ds.size(), 1u) << dump(ds);
  EXPECT_EQ(ds[0].where.line, 2);
  EXPECT_EQ(ds[0].where.column, 11);
  EXPECT_EQ(ds[0].message.find("did you mean 'return'"), std::string::npos) << ds[0].str();
  EXPECT_NE(ds[0].message.find("'return'"), std::string::npos) << ds[0].str();
}

TEST(LoaderErrors, LogMustBeBoolean) {
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read]\n    action: allow\n    log: maybe\n", 5, 10,
                       "'log' is true or false"));
}

TEST(LoaderErrors, UnknownRuleKeySuggests) {
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read]\n    action: allow\n    arg: {fd: {eq: 1}}\n", 5, 5,
                       "unknown key 'arg' in rule (did you mean 'args'?)"));
}

TEST(LoaderErrors, UnknownOpAndAbi) {
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read]\n    args: {fd: {eqq: 1}}\n    action: allow\n", 4, 17,
                       "unknown key 'eqq' in argument test (did you mean 'eq'?)"));
  EXPECT_TRUE(OneError(kHead + "abi: [x86_64, x86_46]\n", 2, 15, "unknown ABI 'x86_46' (did you mean 'x86_64'?)"));
}

TEST(LoaderErrors, NamedArgMissingFromSyscall) {
  // getpid has no arguments: nothing to suggest.
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [getpid]\n    args: {fd: {eq: 1}}\n    action: allow\n", 4, 12,
                       "'getpid' has no argument 'fd'"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read]\n    args: {fdd: {eq: 1}}\n    action: allow\n", 4, 12,
                       "'read' has no argument 'fdd' (did you mean 'fd'?)"));
  // The argument must exist in every call the rule names.
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read, getpid]\n    args: {fd: {eq: 1}}\n    action: allow\n", 4,
                       12, "'getpid' has no argument 'fd'"));
  // A call named by number has positions only.
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [{nr: 463}]\n    args: {fd: {eq: 1}}\n    action: allow\n", 4, 12,
                       "a call named by number has no argument names"));
}

TEST(LoaderErrors, FlagTestsTakeSingleBits) {
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [openat]\n    args: {flags: {any: [O_RDONLY]}}\n    action: allow\n",
                       4, 26, "'O_RDONLY' is not a single bit"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [openat]\n    args: {flags: {all: [O_SYNC]}}\n    action: allow\n",
                       4, 26, "'O_SYNC' is not a single bit; 'all' tests single-bit flags (test the access mode"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [openat]\n    args: {flags: {none: [O_CREAT, O_TMPFILE]}}\n    action: allow\n",
                       4, 36, "'O_TMPFILE' is not a single bit"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [openat]\n    args: {flags: {any: 0}}\n    action: allow\n", 4, 25,
                       "'0' is not a single bit"));
}

TEST(LoaderErrors, ValueMustFitA32BitArgument) {
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read]\n    args: {fd: {eq: 0x100000000}}\n    action: allow\n", 4,
                       21, "value 0x100000000 does not fit the 32-bit argument 'fd'"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read]\n    args: {fd: {in: [1, -2147483649]}}\n    action: allow\n",
                       4, 25, "value -2147483649 does not fit the 32-bit argument 'fd'"));
  // The extremes that do fit.
  EXPECT_NO_THROW(load(kHead + "rules:\n  - syscalls: [read]\n    args: {fd: {in: [0xffffffff, -2147483648]}}\n    action: allow\n"));
  // A 64-bit argument takes 64-bit values.
  EXPECT_NO_THROW(load(kHead + "rules:\n  - syscalls: [lseek]\n    args: {offset: {eq: 0x100000000}}\n    action: allow\n"));
}

TEST(LoaderErrors, ListOpsAndScalarOps) {
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read]\n    args: {fd: {eq: [1, 2]}}\n    action: allow\n", 4, 21,
                       "'eq' takes one value; use 'in' for a list"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read]\n    args: {fd: {in: []}}\n    action: allow\n", 4, 21,
                       "'in' needs at least one value"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [openat]\n    args: {flags: {accmode: [4]}}\n    action: allow\n", 4,
                       30, "'accmode' takes O_RDONLY, O_WRONLY or O_RDWR"));
}

TEST(LoaderErrors, PathTestOnANonPathArgument) {
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read]\n    args: {fd: {prefix: /etc}}\n    action: allow\n", 4, 17,
                       "'prefix' tests paths; 'fd' is not a path"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [read]\n    args: {fd: {glob: \"/etc/**\"}}\n    action: allow\n", 4,
                       17, "'glob' tests paths; 'fd' is not a path"));
  EXPECT_TRUE(OneError(kHead + "rules:\n  - syscalls: [openat]\n    args: {path: {glob: \"etc/**\"}}\n    action: allow\n", 4,
                       25, "path patterns must be absolute"));
}

TEST(LoaderErrors, SeveralErrorsCollectedInOneInputError) {
  const std::string text = kHead +
                           "rulez: []\n"                       // 2:1
                           "default: {deny: EACCESS}\n"        // 3:17
                           "rules:\n"
                           "  - syscalls: [opnat]\n"           // 5:16
                           "    action: alow\n"                // 6:13
                           "  - syscalls: [read]\n"
                           "    args: {fd: {eq: O_CRAET}}\n"   // 8:21
                           "    action: allow\n";
  auto ds = errors_of(text);
  ASSERT_EQ(ds.size(), 5u) << dump(ds);
  std::vector<std::string> where;
  for (const auto& d : ds) where.push_back(d.where.str());
  EXPECT_EQ(where, (std::vector<std::string>{"p.yaml:2:1", "p.yaml:3:17", "p.yaml:5:16", "p.yaml:6:13", "p.yaml:8:21"}));
  try {
    load(text);
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostics().size(), 5u);
  }
}

// Issue 9, item 11: `check` prints the errors in the order of the file, not
// in the order the loader looks at the sections (limits before rules, the
// missing version after every unknown key).
TEST(LoaderErrors, ErrorsAreSortedByLineAndColumn) {
  const std::string text = "rules:\n"
                           "  - syscalls: [opnat]\n"           // 2:16
                           "    action: allow\n"
                           "network: {allow: [unix], erno: 1}\n"  // 4:26
                           "limits: {memory: lots}\n"          // 5:18
                           "filesystem: {read: [relative]}\n"  // 6:21
                           "abi: [x86_64, x86]\n"              // 7:15
                           "colour: blue\n";                   // 8:1
  auto ds = errors_of(text);
  std::vector<std::string> where;
  for (const auto& d : ds) where.push_back(d.where.str());
  EXPECT_EQ(where, (std::vector<std::string>{"p.yaml:1:1", "p.yaml:2:16", "p.yaml:4:26", "p.yaml:5:18", "p.yaml:6:21",
                                             "p.yaml:7:15", "p.yaml:8:1"}))
      << dump(ds);
}

TEST(LoaderErrors, ErrorsOfTheTopFileComeBeforeThoseOfItsIncludes) {
  TempDir dir;
  dir.write("bad.yaml", kHead + "rules:\n  - syscalls: [opnat]\n    action: allow\n");
  std::string top = dir.write("top.yaml", kHead + "include: [bad.yaml]\nlimits: {memory: lots}\nrulez: []\n");
  try {
    policy::load_file(top, LoadOptions{dir.path()});
    ADD_FAILURE() << "loaded";
  } catch (const InputError& e) {
    std::vector<std::string> where;
    for (const auto& d : e.diagnostics()) where.push_back(d.where.str());
    EXPECT_EQ(where, (std::vector<std::string>{top + ":3:18", top + ":4:1", dir.path() + "/bad.yaml:3:16"}))
        << dump(e.diagnostics());
  }
}

TEST(LoaderErrors, UnknownVariable) {
  auto ds = errors_of(kHead + "include: [\"${UNDEFINED}/x.yaml\"]\n");
  ASSERT_GE(ds.size(), 1u);
  EXPECT_EQ(ds[0].where.str(), "p.yaml:2:11");
  EXPECT_NE(ds[0].message.find("unknown variable '${UNDEFINED}'"), std::string::npos) << dump(ds);
  EXPECT_TRUE(OneError(kHead + "vars: {A: \"${NOPE}\"}\n", 2, 11, "unknown variable '${NOPE}'"));
  EXPECT_TRUE(OneError(kHead + "vars: {CWD: /x}\n", 2, 8, "'CWD' is built in"));
  EXPECT_TRUE(OneError(kHead + "vars: {A: \"${B\"}\n", 2, 11, "unterminated '${'"));
}

TEST(LoaderErrors, IncludeNotFound) {
  EXPECT_TRUE(OneError(kHead + "include: [nosuch]\n", 2, 11, "cannot find included policy 'nosuch'"));
}

TEST(LoaderErrors, LoadFileThatDoesNotExist) {
  try {
    policy::load_file("/nonexistent/dir/p.yaml", LoadOptions{"/box"});
    ADD_FAILURE() << "loaded a file that does not exist";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].where.file, "/nonexistent/dir/p.yaml");
    EXPECT_NE(e.diagnostics()[0].message.find("cannot read policy"), std::string::npos);
  }
}

// --- valid policies -----------------------------------------------------------

TEST(LoaderValid, MinimalPolicyDefaults) {
  Policy p = load(kHead);
  EXPECT_EQ(p.version, 1);
  EXPECT_EQ(p.abis, std::vector<Abi>{Abi::X86_64});
  // A policy file without `default` kills (an allow-all needs saying so).
  EXPECT_EQ(p.default_action, (Action{Action::Kind::Kill, 0}));
  EXPECT_TRUE(p.rules.empty());
  EXPECT_EQ(p.sources, std::vector<std::string>{"p.yaml"});
}

TEST(LoaderValid, ScalarsAndDefaults) {
  Policy p = load(kHead + "name: grade-c\nabi: [x86_64, i386, x86_64]\ndefault: {deny: EACCES}\n");
  EXPECT_EQ(p.name, "grade-c");
  EXPECT_EQ(p.abis, (std::vector<Abi>{Abi::X86_64, Abi::I386}));
  EXPECT_EQ(p.default_action, (Action{Action::Kind::Deny, 13}));
  EXPECT_EQ(p.default_where.str(), "p.yaml:4:10");
  EXPECT_EQ(load(kHead + "default: {deny: 38}\n").default_action, (Action{Action::Kind::Deny, 38}));
  EXPECT_EQ(load(kHead + "default: log\n").default_action.kind, Action::Kind::Log);
  EXPECT_EQ(load(kHead + "default: allow\n").default_action.kind, Action::Kind::Allow);
  EXPECT_EQ(load(kHead + "abi: x32\n").abis, std::vector<Abi>{Abi::X32});
}

TEST(LoaderValid, Selectors) {
  Policy p = load(kHead +
                  "rules:\n"
                  "  - syscalls: [\"%file\", \"%%stat\", read, \"*\", {nr: 463}]\n"
                  "    action: allow\n"
                  "  - syscalls: write\n"
                  "    action: kill\n");
  ASSERT_EQ(p.rules.size(), 2u);
  const auto& s = p.rules[0].syscalls;
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0].kind, SyscallSelector::Kind::Group);
  EXPECT_EQ(s[0].name, "file");
  EXPECT_EQ(s[0].group, arch::G_FILE);
  EXPECT_EQ(s[1].kind, SyscallSelector::Kind::Group);
  EXPECT_EQ(s[1].group, arch::G_STAT_LIKE);
  EXPECT_EQ(s[2].kind, SyscallSelector::Kind::Name);
  EXPECT_EQ(s[2].name, "read");
  EXPECT_EQ(s[2].where.str(), "p.yaml:3:35");
  EXPECT_EQ(s[3].kind, SyscallSelector::Kind::All);
  EXPECT_EQ(s[4].kind, SyscallSelector::Kind::Number);
  EXPECT_EQ(s[4].number, 463);
  EXPECT_EQ(p.rules[0].where.str(), "p.yaml:3:5");
  EXPECT_EQ(p.rules[0].label(), "rule at p.yaml:3:5");
  ASSERT_EQ(p.rules[1].syscalls.size(), 1u);
  EXPECT_EQ(p.rules[1].syscalls[0].name, "write");
  EXPECT_EQ(p.rules[1].action.kind, Action::Kind::Kill);
}

TEST(LoaderValid, EveryGroupIsAccepted) {
  for (const char* g : {"file", "network", "process", "signal", "ipc", "memory", "creds", "clock", "desc", "stat",
                        "lstat", "fstat", "statfs", "fstatfs", "pure", "%stat", "%statfs"}) {
    Policy p = load(kHead + "rules:\n  - syscalls: [\"%" + g + "\"]\n    action: allow\n");
    ASSERT_EQ(p.rules.size(), 1u) << g;
    EXPECT_EQ(p.rules[0].syscalls[0].name, g);
  }
}

TEST(LoaderValid, NameOnlyAnotherAbiKnows) {
  // socketcall is i386-only; it is still a syscall name the policy may use.
  Policy p = load(kHead + "rules:\n  - syscalls: [socketcall, mmap2]\n    action: {deny: ENOSYS}\n");
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].action, (Action{Action::Kind::Deny, 38}));
}

TEST(LoaderValid, ArgumentTestValues) {
  Policy p = load(kHead +
                  "rules:\n"
                  "  - name: stdio\n"
                  "    syscalls: [write]\n"
                  "    args: {fd: {in: [1, 2]}, count: {not_in: [0]}}\n"
                  "    action: allow\n"
                  "  - syscalls: [openat]\n"
                  "    args:\n"
                  "      flags: {accmode: [O_WRONLY, O_RDWR], any: [O_CREAT, O_TRUNC], none: [O_PATH]}\n"
                  "      dirfd: {eq: AT_FDCWD}\n"
                  "    action: {deny: EROFS}\n"
                  "    log: true\n"
                  "  - syscalls: [read]\n"
                  "    args: {arg0: {ge: 3}, arg2: {lt: 0x1000}, arg1: {le: 0755}, arg5: {gt: -1}}\n"
                  "    action: log\n"
                  "  - syscalls: [clone]\n"
                  "    args: {flags: {all: [CLONE_NEWUSER]}}\n"
                  "    action: kill\n");
  ASSERT_EQ(p.rules.size(), 4u);
  const Rule& stdio = p.rules[0];
  EXPECT_EQ(stdio.name, "stdio");
  EXPECT_EQ(stdio.label(), "stdio");
  ASSERT_EQ(stdio.args.size(), 2u);
  EXPECT_EQ(stdio.args[0].arg, "fd");
  EXPECT_EQ(stdio.args[0].position, -1);
  EXPECT_EQ(stdio.args[0].op, ArgTest::Op::In);
  EXPECT_EQ(stdio.args[0].values, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(stdio.args[1].op, ArgTest::Op::NotIn);
  EXPECT_EQ(stdio.args[1].values, (std::vector<std::int64_t>{0}));
  EXPECT_FALSE(stdio.log);

  const Rule& open = p.rules[1];
  ASSERT_EQ(open.args.size(), 4u);
  EXPECT_EQ(open.args[0].op, ArgTest::Op::AccMode);
  EXPECT_EQ(open.args[0].values, (std::vector<std::int64_t>{O_WRONLY, O_RDWR}));
  EXPECT_EQ(open.args[0].where.str(), "p.yaml:9:15");
  EXPECT_EQ(open.args[1].op, ArgTest::Op::Any);
  EXPECT_EQ(open.args[1].values, (std::vector<std::int64_t>{O_CREAT, O_TRUNC}));
  EXPECT_EQ(open.args[2].op, ArgTest::Op::None);
  EXPECT_EQ(open.args[2].values, (std::vector<std::int64_t>{O_PATH}));
  EXPECT_EQ(open.args[3].arg, "dirfd");
  EXPECT_EQ(open.args[3].values, (std::vector<std::int64_t>{AT_FDCWD}));
  EXPECT_EQ(open.action, (Action{Action::Kind::Deny, 30}));  // EROFS
  EXPECT_TRUE(open.log);

  const Rule& read = p.rules[2];
  ASSERT_EQ(read.args.size(), 4u);
  EXPECT_EQ(read.args[0].arg, "arg0");
  EXPECT_EQ(read.args[0].position, 0);
  EXPECT_EQ(read.args[0].op, ArgTest::Op::Ge);
  EXPECT_EQ(read.args[1].position, 2);
  EXPECT_EQ(read.args[1].op, ArgTest::Op::Lt);
  EXPECT_EQ(read.args[1].values, (std::vector<std::int64_t>{0x1000}));
  EXPECT_EQ(read.args[2].position, 1);
  EXPECT_EQ(read.args[2].op, ArgTest::Op::Le);
  EXPECT_EQ(read.args[2].values, (std::vector<std::int64_t>{0755}));  // a leading 0 is octal
  EXPECT_EQ(read.args[3].position, 5);  // read has 3 arguments; positions go to 5
  EXPECT_EQ(read.args[3].op, ArgTest::Op::Gt);
  EXPECT_EQ(read.args[3].values, (std::vector<std::int64_t>{-1}));
  EXPECT_EQ(read.action.kind, Action::Kind::Log);
  EXPECT_TRUE(read.log);  // the log action logs

  EXPECT_EQ(p.rules[3].args[0].values, (std::vector<std::int64_t>{CLONE_NEWUSER}));
}

TEST(LoaderValid, ErrnoNamesAsValues) {
  Policy p = load(kHead + "rules:\n  - syscalls: [exit_group]\n    args: {status: {eq: EPERM}}\n    action: allow\n");
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].args[0].values, (std::vector<std::int64_t>{1}));
}

TEST(LoaderValid, PathAndSectionsAreAccepted) {
  Policy p = load(kHead +
                  "vars: {BOX: \"${CWD}/sub\"}\n"
                  "rules:\n"
                  "  - syscalls: [openat]\n"
                  "    args: {path: {glob: \"${BOX}/**\", prefix: /etc}}\n"
                  "    action: {deny: EROFS}\n"
                  "filesystem: {read: [\"/usr/**\"], write: [\"${BOX}/out/**\"], errno: EPERM}\n"
                  "network: {allow: [unix], errno: ECONNREFUSED}\n"
                  "limits: {cpu_time: 2s, memory: 256MiB, processes: 4}\n");
  ASSERT_EQ(p.rules.size(), 1u);
  ASSERT_EQ(p.rules[0].args.size(), 2u);
  EXPECT_EQ(p.rules[0].args[0].op, ArgTest::Op::PathGlob);
  EXPECT_EQ(p.rules[0].args[0].texts, std::vector<std::string>{"/box/sub/**"});
  EXPECT_EQ(p.rules[0].args[1].op, ArgTest::Op::PathPrefix);
  EXPECT_TRUE(p.filesystem.present);
  EXPECT_EQ(p.filesystem.read, std::vector<std::string>{"/usr/**"});
  EXPECT_EQ(p.filesystem.write, std::vector<std::string>{"/box/sub/out/**"});
  EXPECT_EQ(p.filesystem.error, 1);
  EXPECT_TRUE(p.network.present);
  EXPECT_EQ(p.network.error, 111);
  ASSERT_TRUE(p.limits.cpu_time_s.has_value());
  EXPECT_DOUBLE_EQ(*p.limits.cpu_time_s, 2.0);
  EXPECT_EQ(p.limits.memory, std::optional<std::uint64_t>(256ull << 20));
  EXPECT_EQ(p.limits.processes, std::optional<std::uint64_t>(4));
}

TEST(LoaderValid, IncludeShippedDefaultOwnRulesFirstAndScalarsWin) {
  Policy p = load(kHead +
                  "include: [default]\n"
                  "default: kill\n"
                  "rules:\n"
                  "  - name: mine\n"
                  "    syscalls: [ptrace]\n"
                  "    action: allow\n");
  Policy shipped = policy::load_shipped("default", LoadOptions{"/box"});
  ASSERT_GT(shipped.rules.size(), 5u);
  ASSERT_EQ(p.rules.size(), shipped.rules.size() + 1);
  EXPECT_EQ(p.rules[0].name, "mine");  // own rules first: they override the included ones
  EXPECT_EQ(p.rules[1].name, "no-tracing");
  for (std::size_t i = 0; i < shipped.rules.size(); ++i) EXPECT_EQ(p.rules[i + 1].name, shipped.rules[i].name);
  EXPECT_EQ(p.default_action.kind, Action::Kind::Kill);  // own scalar wins
  EXPECT_EQ(shipped.default_action.kind, Action::Kind::Allow);
  EXPECT_EQ(p.abis, std::vector<Abi>{Abi::X86_64});  // taken from the include
  EXPECT_EQ(p.name, "default");                      // taken from the include when unset
  EXPECT_EQ(p.sources, (std::vector<std::string>{"p.yaml", "<shipped:default>", "<shipped:base>"}));
  // `default.yaml` names the same shipped policy.
  EXPECT_EQ(load(kHead + "include: default.yaml\n").rules.size(), shipped.rules.size());
}

TEST(LoaderValid, IncludeTakesDefaultWhenUnset) {
  Policy p = load(kHead + "include: [default]\n");
  EXPECT_EQ(p.default_action.kind, Action::Kind::Allow);
}


TEST(LoaderInclude, FileNextToTheIncludingOne) {
  TempDir dir;
  dir.write("base.yaml", kHead +
                             "abi: [x86_64, i386]\n"
                             "default: {deny: EPERM}\n"
                             "rules:\n"
                             "  - name: base-rule\n"
                             "    syscalls: [read]\n"
                             "    action: allow\n"
                             "limits: {memory: 1GiB, cpu_time: 1s}\n");
  std::string top = dir.write("top.yaml", kHead +
                                               "include: [base.yaml]\n"
                                               "default: allow\n"
                                               "rules:\n"
                                               "  - name: top-rule\n"
                                               "    syscalls: [read]\n"
                                               "    action: kill\n"
                                               "limits: {memory: 2GiB}\n");
  Policy p = policy::load_file(top, LoadOptions{dir.path()});
  ASSERT_EQ(p.rules.size(), 2u);
  EXPECT_EQ(p.rules[0].name, "top-rule");
  EXPECT_EQ(p.rules[1].name, "base-rule");
  EXPECT_EQ(p.rules[1].where.file, dir.path() + "/base.yaml");
  EXPECT_EQ(p.rules[1].where.line, 5);
  EXPECT_EQ(p.default_action.kind, Action::Kind::Allow);
  EXPECT_EQ(p.abis, (std::vector<Abi>{Abi::X86_64, Abi::I386}));
  EXPECT_EQ(p.limits.memory, std::optional<std::uint64_t>(1ull << 30));  // the smaller wins
  ASSERT_TRUE(p.limits.cpu_time_s.has_value());
  EXPECT_DOUBLE_EQ(*p.limits.cpu_time_s, 1.0);
  EXPECT_EQ(p.sources, (std::vector<std::string>{top, dir.path() + "/base.yaml"}));
}

TEST(LoaderInclude, ErrorsInAnIncludedFileNameThatFile) {
  TempDir dir;
  dir.write("bad.yaml", kHead + "rules:\n  - syscalls: [opnat]\n    action: allow\n");
  std::string top = dir.write("top.yaml", kHead + "include: [bad.yaml]\n");
  try {
    policy::load_file(top, LoadOptions{dir.path()});
    ADD_FAILURE() << "loaded";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].where.str(), dir.path() + "/bad.yaml:3:16");
  }
}

TEST(LoaderInclude, Cycle) {
  TempDir dir;
  dir.write("a.yaml", kHead + "include: [b.yaml]\n");
  dir.write("b.yaml", kHead + "include: [a.yaml]\n");
  try {
    policy::load_file(dir.path() + "/a.yaml", LoadOptions{dir.path()});
    ADD_FAILURE() << "an include cycle loaded";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u) << e.what();
    EXPECT_EQ(e.diagnostics()[0].where.str(), dir.path() + "/b.yaml:2:11");
    EXPECT_NE(e.diagnostics()[0].message.find("include cycle"), std::string::npos) << e.diagnostics()[0].str();
  }
}

TEST(LoaderInclude, SelfInclude) {
  TempDir dir;
  std::string a = dir.write("a.yaml", kHead + "include: a.yaml\n");
  try {
    policy::load_file(a, LoadOptions{dir.path()});
    ADD_FAILURE() << "a self include loaded";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_NE(e.diagnostics()[0].message.find("include cycle"), std::string::npos);
  }
}

// Regression: cycles were detected by comparing the path strings as written, so
// "./a.yaml" recursed until the path outgrew PATH_MAX and a filesystem_error
// escaped load_file.
TEST(LoaderInclude, CycleThroughAnotherSpellingOfThePath) {
  TempDir dir;
  std::string a = dir.write("a.yaml", kHead + "include: ./a.yaml\n");
  try {
    policy::load_file(a, LoadOptions{dir.path()});
    ADD_FAILURE() << "a self include loaded";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u) << e.diagnostics()[0].str().substr(0, 300);
    EXPECT_NE(e.diagnostics()[0].message.find("include cycle"), std::string::npos)
        << e.diagnostics()[0].str().substr(0, 300);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "the loader threw " << std::string(e.what()).substr(0, 120) << "...";
  }
}

TEST(LoaderInclude, CwdVariableInTheIncludePath) {
  TempDir dir;
  dir.write("sub/base.yaml", kHead + "rules:\n  - name: from-cwd\n    syscalls: [getpid]\n    action: allow\n");
  // load_text with a bare name: includes are found through ${CWD} (absolute).
  Policy p = policy::load_text(kHead + "include: [\"${CWD}/sub/base.yaml\"]\n", "p.yaml", LoadOptions{dir.path()});
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_EQ(p.rules[0].name, "from-cwd");
  EXPECT_EQ(p.sources.back(), dir.path() + "/sub/base.yaml");
  // A user variable built from ${CWD} works the same.
  Policy q = policy::load_text(kHead + "vars: {D: \"${CWD}/sub\"}\ninclude: [\"${D}/base.yaml\"]\n", "p.yaml",
                               LoadOptions{dir.path()});
  ASSERT_EQ(q.rules.size(), 1u);
}

TEST(LoaderInclude, SectionsAreUnioned) {
  TempDir dir;
  dir.write("base.yaml", kHead + "filesystem: {read: [\"/usr/**\", \"/lib/**\"], errno: EPERM}\n");
  std::string top = dir.write("top.yaml", kHead + "include: base.yaml\nfilesystem: {read: [\"/lib/**\", \"/etc/**\"]}\n");
  Policy p = policy::load_file(top, LoadOptions{dir.path()});
  EXPECT_EQ(p.filesystem.read, (std::vector<std::string>{"/lib/**", "/etc/**", "/usr/**"}));
  EXPECT_EQ(p.filesystem.error, 13);  // the including file's errno (its default) wins
}

// `view: true` binds whole trees and files: any other wildcard is refused where
// it was written, in the including file or an included one.
TEST(LoaderFilesystem, ViewTakesOnlyPathsAndTrees) {
  Policy p = load(kHead + "filesystem:\n  view: true\n  read: [\"/usr/**\", /etc/passwd]\n  deny: [\"/usr/x/**\"]\n");
  EXPECT_TRUE(p.filesystem.view);
  EXPECT_FALSE(load(kHead + "filesystem: {read: [\"/usr/*/x\"]}\n").filesystem.view);
  EXPECT_TRUE(OneError(kHead + "filesystem:\n  view: true\n  read: [\"/usr/**\", \"/home/*/src/**\"]\n", 4, 21,
                       "with 'view: true', a read entry is a path P or a tree P/** without other wildcards"));
  EXPECT_TRUE(OneError(kHead + "filesystem:\n  view: yes\n", 3, 9, "'view' is true or false"));
  TempDir dir;
  dir.write("base.yaml", kHead + "filesystem: {deny: [\"/etc/*.key\"]}\n");
  std::string top = dir.write("top.yaml", kHead + "include: base.yaml\nfilesystem: {view: true, read: [\"/etc/**\"]}\n");
  try {
    policy::load_file(top, LoadOptions{dir.path()});
    ADD_FAILURE() << "loaded";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].where.str(), dir.path() + "/base.yaml:2:21");
    EXPECT_NE(e.diagnostics()[0].message.find("a deny entry"), std::string::npos);
  }
}

// --- limits: units (issue 9, item 10) -------------------------------------------

TEST(LoaderLimits, SizeWithoutUnitBelowOneMebibyteIsRefused) {
  // `memory: 10` was 10 bytes.
  EXPECT_TRUE(OneError(kHead + "limits: {memory: 10}\n", 2, 18, "memory: '10' has no unit"));
  auto ds = errors_of(kHead + "limits:\n  output: 65535\n  stack: 8\n  file_size: 4096\n");
  ASSERT_EQ(ds.size(), 3u) << dump(ds);
  EXPECT_EQ(ds[0].where.str(), "p.yaml:3:11");
  EXPECT_NE(ds[0].message.find("output: '65535' has no unit"), std::string::npos) << dump(ds);
  EXPECT_NE(ds[0].message.find("KiB"), std::string::npos) << dump(ds);  // names the units
  EXPECT_NE(ds[0].message.find("MiB"), std::string::npos) << dump(ds);
  EXPECT_EQ(ds[1].where.str(), "p.yaml:4:10");
  EXPECT_EQ(ds[2].where.str(), "p.yaml:5:14");
}

TEST(LoaderLimits, SizesWithUnitsOrLargeByteCounts) {
  Policy p = load(kHead + "limits: {memory: 10MiB, output: 512B, stack: 64KiB, file_size: 1048576}\n");
  EXPECT_EQ(p.limits.memory, std::optional<std::uint64_t>(10ull << 20));
  EXPECT_EQ(p.limits.output, std::optional<std::uint64_t>(512));
  EXPECT_EQ(p.limits.stack, std::optional<std::uint64_t>(64ull << 10));
  EXPECT_EQ(p.limits.file_size, std::optional<std::uint64_t>(1ull << 20));
}

TEST(LoaderLimits, DurationWithoutUnitIsSecondsBelowAThousand) {
  Policy p = load(kHead + "limits: {cpu_time: 2, wall_time: 999}\n");
  EXPECT_DOUBLE_EQ(p.limits.cpu_time_s.value_or(0), 2.0);
  EXPECT_DOUBLE_EQ(p.limits.wall_time_s.value_or(0), 999.0);
  EXPECT_TRUE(OneError(kHead + "limits: {cpu_time: 2000}\n", 2, 20, "cpu_time: '2000' has no unit"));
  EXPECT_DOUBLE_EQ(load(kHead + "limits: {cpu_time: 2000ms}\n").limits.cpu_time_s.value_or(0), 2.0);
  EXPECT_DOUBLE_EQ(load(kHead + "limits: {wall_time: 2000s}\n").limits.wall_time_s.value_or(0), 2000.0);
}

// --- limits: on_process_limit (issue 9, item 16) -------------------------------

TEST(LoaderLimits, OnProcessLimit) {
  EXPECT_FALSE(load(kHead + "limits: {processes: 10}\n").limits.on_process_limit.has_value());  // end
  EXPECT_EQ(load(kHead + "limits: {processes: 10, on_process_limit: fail}\n").limits.on_process_limit,
            std::optional<ProcessLimitAction>(ProcessLimitAction::Fail));
  EXPECT_EQ(load(kHead + "limits: {on_process_limit: end}\n").limits.on_process_limit,
            std::optional<ProcessLimitAction>(ProcessLimitAction::End));
  EXPECT_TRUE(OneError(kHead + "limits: {processes: 10, on_process_limit: fial}\n", 2, 43,
                       "on_process_limit: unknown value 'fial' (did you mean 'fail'?): end ends the run"));
  EXPECT_TRUE(OneError(kHead + "limits: {on_proces_limit: fail}\n", 2, 10, "did you mean 'on_process_limit'?"));
}

TEST(LoaderLimits, OnProcessLimitOfTheIncludingFileWins) {
  TempDir dir;
  dir.write("base.yaml", kHead + "limits: {processes: 5, on_process_limit: fail}\n");
  Policy p = policy::load_file(dir.write("a.yaml", kHead + "include: base.yaml\nlimits: {processes: 8}\n"),
                               LoadOptions{dir.path()});
  EXPECT_EQ(p.limits.processes, std::optional<std::uint64_t>(5));
  EXPECT_EQ(p.limits.on_process_limit, std::optional<ProcessLimitAction>(ProcessLimitAction::Fail));
  Policy q = policy::load_file(dir.write("b.yaml", kHead + "include: base.yaml\nlimits: {on_process_limit: end}\n"),
                               LoadOptions{dir.path()});
  EXPECT_EQ(q.limits.on_process_limit, std::optional<ProcessLimitAction>(ProcessLimitAction::End));
}

// --- capabilities (issue 9, item 15) -------------------------------------------

TEST(LoaderCapabilities, NamesAllAndNone) {
  EXPECT_EQ(load(kHead).keep_caps, 0u);
  EXPECT_EQ(load(kHead + "capabilities: []\n").keep_caps, 0u);
  EXPECT_EQ(load(kHead + "capabilities: [CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER]\n").keep_caps,
            (1ull << 0) | (1ull << 1) | (1ull << 3));
  // As capabilities(7) and Docker write them: any case, the CAP_ prefix optional.
  EXPECT_EQ(load(kHead + "capabilities: [chown, Cap_Kill, SYS_PTRACE]\n").keep_caps,
            (1ull << 0) | (1ull << 5) | (1ull << 19));
  EXPECT_EQ(load(kHead + "capabilities: CAP_SETUID\n").keep_caps, 1ull << 7);
  EXPECT_EQ(load(kHead + "capabilities: all\n").keep_caps, (1ull << 41) - 1);  // CAP_CHOWN .. CAP_CHECKPOINT_RESTORE
  EXPECT_EQ(load(kHead + "capabilities: [all]\n").keep_caps, (1ull << 41) - 1);
}

TEST(LoaderCapabilities, UnknownNamesAndWrongShapes) {
  EXPECT_TRUE(OneError(kHead + "capabilities: [CAP_CHOWN, CAP_CHWON]\n", 2, 27,
                       "unknown capability 'CAP_CHWON' (did you mean 'CAP_CHOWN'?)"));
  EXPECT_TRUE(OneError(kHead + "capabilities:\n  - dac_overide\n", 3, 5,
                       "unknown capability 'dac_overide' (did you mean 'CAP_DAC_OVERRIDE'?)"));
  EXPECT_TRUE(OneError(kHead + "capabilities: [CAP_NOTHING_LIKE_IT]\n", 2, 16, "unknown capability 'CAP_NOTHING_LIKE_IT'"));
  EXPECT_TRUE(OneError(kHead + "capabilities: {CAP_CHOWN: true}\n", 2, 15, "'capabilities' must be a list"));
  EXPECT_TRUE(OneError(kHead + "capabilities:\n", 2, 1, "'capabilities' must be a list"));
  EXPECT_TRUE(OneError(kHead + "capabilities: [[CAP_CHOWN]]\n", 2, 16, "a capability is a name"));
  EXPECT_TRUE(OneError(kHead + "capabilites: [CAP_CHOWN]\n", 2, 1, "did you mean 'capabilities'?"));
}

TEST(LoaderCapabilities, UnionedOverIncludesAndHashed) {
  TempDir dir;
  dir.write("base.yaml", kHead + "capabilities: [CAP_CHOWN, CAP_FOWNER]\n");
  std::string top = dir.write("top.yaml", kHead + "include: base.yaml\ncapabilities: [CAP_FOWNER, CAP_KILL]\n");
  Policy p = policy::load_file(top, LoadOptions{dir.path()});
  EXPECT_EQ(p.keep_caps, (1ull << 0) | (1ull << 3) | (1ull << 5));
  // Part of the policy's hash; a policy without the key keeps its old canonical form.
  std::string with = policy::canonical_text(p);
  EXPECT_NE(with.find("\"capabilities\":\"CAP_CHOWN,CAP_FOWNER,CAP_KILL\""), std::string::npos) << with;
  EXPECT_EQ(policy::canonical_text(load(kHead)).find("capabilities"), std::string::npos);
}

TEST(LoaderShipped, DefaultPolicyLoads) {
  Policy p = policy::load_shipped("default", LoadOptions{"/box"});
  EXPECT_EQ(p.name, "default");
  EXPECT_EQ(p.default_action.kind, Action::Kind::Allow);
  EXPECT_EQ(p.abis, std::vector<Abi>{Abi::X86_64});
  ASSERT_FALSE(p.rules.empty());
  EXPECT_EQ(p.rules[0].name, "no-tracing");
  EXPECT_THROW(policy::load_shipped("no-such-policy", LoadOptions{"/box"}), InputError);
}

}  // namespace
}  // namespace sysgate
