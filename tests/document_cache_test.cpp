// policy::DocumentCache: a policy loaded from trees parsed once (sysgate
// batch) is the policy a fresh load gives, with each load's own ${CWD} and
// ${RUNDIR}, the same places in its diagnostics, and the trees unchanged.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "policy/canonical.hpp"
#include "policy/documents.hpp"
#include "policy/loader.hpp"
#include "policy/shipped.hpp"
#include "sysgate/diagnostic.hpp"
#include "sysgate/policy.hpp"

namespace sysgate {
namespace {

namespace fs = std::filesystem;
using policy::DocumentCache;
using policy::LoadOptions;

LoadOptions with(DocumentCache* cache, std::string cwd = "/box", std::string rundir = "/run/r1") {
  LoadOptions o{std::move(cwd), std::move(rundir)};
  o.documents = cache;
  return o;
}

// Everything a load gives that a run or a report uses: the canonical text
// (what the report hashes) and every place a rule, selector, edit or list
// entry was read from.
std::string everything(const Policy& p) {
  std::string s = policy::canonical_text(p);
  auto at = [&](const SourceLocation& w) { s += "\n@" + w.file + ":" + std::to_string(w.line) + ":" + std::to_string(w.column); };
  at(p.default_where);
  for (const auto& r : p.rules) {
    at(r.where);
    for (const auto& sel : r.syscalls) at(sel.where);
    for (const auto& e : r.action.edits) at(e.where);
  }
  for (const auto& [k, w] : p.filesystem.where_of) s += "\n" + k, at(w);
  for (const auto& [k, w] : p.network.where_of) s += "\n" + k, at(w);
  for (const auto& src : p.sources) s += "\nsource " + src;
  return s;
}

std::vector<std::string> diagnostics_of(const std::string& text, const LoadOptions& o) {
  try {
    policy::load_text(text, "p.yaml", o);
  } catch (const InputError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.diagnostics()) out.push_back(d.str());
    return out;
  }
  ADD_FAILURE() << "loaded without error";
  return {};
}

// The shipped policies' texts, as files would hold them (a shipped policy
// named by name is read from its build-time tree, not through the cache).
TEST(DocumentCache, EveryShippedPolicyTextLoadsAsFreshTwiceOverOneTree) {
  DocumentCache cache;
  for (auto name : policy::shipped_policy_names()) {
    const std::string text(*policy::shipped_policy(name));
    const std::string display = "/etc/sysgate/" + std::string(name) + ".yaml";
    const std::string fresh = everything(policy::load_text(text, display, LoadOptions{"/box", "/run/r1"}));
    EXPECT_EQ(everything(policy::load_text(text, display, with(&cache))), fresh) << name;
    // The second load reads the tree the first one read (and did not change).
    EXPECT_EQ(everything(policy::load_text(text, display, with(&cache))), fresh) << name;
    // And the build-time tree gives what parsing gives.
    Policy shipped = policy::load_shipped(name, LoadOptions{"/box", "/run/r1"});
    EXPECT_EQ(policy::canonical_text(shipped), policy::canonical_text(policy::load_text(text, display, with(&cache))))
        << name;
  }
  EXPECT_EQ(cache.size(), policy::shipped_policy_names().size());
}

TEST(DocumentCache, EachLoadExpandsItsOwnVariables) {
  DocumentCache cache;
  const std::string text =
      "version: 1\n"
      "vars: {OUT: \"${CWD}/out\"}\n"
      "filesystem:\n"
      "  read: [\"${CWD}/**\"]\n"
      "  write: [\"${OUT}/**\", \"${RUNDIR}/tmp/**\"]\n";
  Policy a = policy::load_text(text, "p.yaml", with(&cache, "/jobs/a", "/run/a"));
  Policy b = policy::load_text(text, "p.yaml", with(&cache, "/jobs/b", "/run/b"));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(a.filesystem.read, std::vector<std::string>{"/jobs/a/**"});
  EXPECT_EQ(b.filesystem.read, std::vector<std::string>{"/jobs/b/**"});
  EXPECT_EQ(a.filesystem.write, (std::vector<std::string>{"/jobs/a/out/**", "/run/a/tmp/**"}));
  EXPECT_EQ(b.filesystem.write, (std::vector<std::string>{"/jobs/b/out/**", "/run/b/tmp/**"}));
  EXPECT_EQ(everything(policy::load_text(text, "p.yaml", with(nullptr, "/jobs/b", "/run/b"))), everything(b));
}

TEST(DocumentCache, AnInvalidPolicyGivesTheSameDiagnosticsFromTheTree) {
  DocumentCache cache;
  const std::string text =
      "version: 1\n"
      "rules:\n"
      "  - syscalls: [opne]\n"
      "    action: allow\n"
      "limits: {memory: lots}\n";
  const auto fresh = diagnostics_of(text, LoadOptions{"/box"});
  ASSERT_EQ(fresh.size(), 2u);
  EXPECT_EQ(diagnostics_of(text, with(&cache)), fresh);
  EXPECT_EQ(diagnostics_of(text, with(&cache)), fresh);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(DocumentCache, ASyntaxErrorIsNotKeptAndIsReportedEachTime) {
  DocumentCache cache;
  const std::string text = "version: 1\nrules: [\n";
  const auto fresh = diagnostics_of(text, LoadOptions{"/box"});
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_EQ(diagnostics_of(text, with(&cache)), fresh);
  EXPECT_EQ(diagnostics_of(text, with(&cache)), fresh);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(DocumentCache, AFileChangedBetweenLoadsIsParsedAgain) {
  char tmpl[] = "/tmp/sysgate-documents-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string top = dir + "/top.yaml", inc = dir + "/inc.yaml";
  std::ofstream(top) << "version: 1\ninclude: [inc.yaml]\nrules:\n  - {syscalls: [getpid], action: allow}\n";
  std::ofstream(inc) << "version: 1\nrules:\n  - {syscalls: [getppid], action: {deny: EPERM}}\n";
  DocumentCache cache;
  Policy first = policy::load_file(top, with(&cache));
  EXPECT_EQ(cache.size(), 2u);  // the file and what it includes
  ASSERT_EQ(first.rules.size(), 2u);
  EXPECT_EQ(first.rules[1].action.kind, Action::Kind::Deny);
  std::ofstream(inc) << "version: 1\nrules:\n  - {syscalls: [getppid], action: kill}\n";
  Policy second = policy::load_file(top, with(&cache));
  EXPECT_EQ(cache.size(), 3u);
  ASSERT_EQ(second.rules.size(), 2u);
  EXPECT_EQ(second.rules[1].action.kind, Action::Kind::Kill);
  EXPECT_EQ(everything(second), everything(policy::load_file(top, LoadOptions{"/box", "/run/r1"})));
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace sysgate
