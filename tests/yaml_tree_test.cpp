// policy::yaml: the loader's read-only YAML tree is what yaml-cpp's
// YAML::Load builds for the same text (the same parser's events, so the same
// kinds, tags, scalars and places), and the shipped policies' trees parsed at
// build time are the ones a run would parse.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "policy/shipped.hpp"
#include "policy/yaml_tree.hpp"
#include "yaml_same.hpp"

namespace sysgate {
namespace {

namespace fs = std::filesystem;
using policy::yaml::Document;
using policy::yaml::Node;

std::string same(const std::string& text) {
  const YAML::Node want = YAML::Load(text);
  const Document got = Document::parse(text);
  return testing::yaml_difference(want, Node(&got.tree(), 0));
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(YamlTree, EveryPolicyFileOfTheRepositoryParsesAsYamlCppParsesIt) {
  int files = 0;
  for (const char* dir : {"policies", "integration/policies", "bench/policies", "tests/fuzz/corpus/policy_loader"}) {
    const fs::path d = fs::path(SYSGATE_SOURCE_DIR) / dir;
    if (!fs::is_directory(d)) continue;
    for (const auto& e : fs::directory_iterator(d)) {
      if (!e.is_regular_file()) continue;
      const std::string text = slurp(e.path());
      try {
        YAML::Load(text);
      } catch (const YAML::Exception&) {
        EXPECT_THROW(Document::parse(text), YAML::ParserException) << e.path();
        continue;
      }
      EXPECT_EQ(same(text), "") << e.path();
      ++files;
    }
  }
  EXPECT_GT(files, 20);
}

TEST(YamlTree, TheHardShapesParseAsYamlCppParsesThem) {
  const std::vector<std::string> texts = {
      "",
      "# only a comment\n",
      "~\n",
      "a: 1\nb:\nc: ~\nd: null\ne: ''\nf: \"\"\n",
      "a: 1\na: 2\nb: {a: 3}\n",  // duplicate keys: kept, the first found
      "base: &b {x: 1, y: [1, 2]}\nother: *b\nlist: [*b, *b]\n",
      "? [complex, key]\n: value\n? {k: v}\n: w\n~: null key\n",
      "- a\n- 'b'\n- \"c\\td\"\n- !!str 4\n- !custom x\n- [nested, [deeper, {m: n}]]\n",
      "s: |\n  line one\n  line two\nf: >\n  folded\n  text\n",
      "--- \na: 1\n...\n---\nb: 2\n",  // the first document only
      "k: \"\\u00e9\\xff\"\nbytes: \"\\x00\"\n",
      "rules:\n  - syscalls: [read, write]\n    action: {deny: EPERM}\n  - {syscalls: [openat], args: {path: {prefix: /tmp}}, action: allow}\n",
      "\xef\xbb\xbfversion: 1\n",  // a byte-order mark
      "a:\n  - b:\n      c:\n        - d\n",
  };
  for (const auto& t : texts) EXPECT_EQ(same(t), "") << t;
}

TEST(YamlTree, WhatYamlCppRefusesItRefuses) {
  for (const std::string t : {"a: [1, 2\n", "a: {b: c\n", "a: *nosuch\n", "a: 'open\n", "- a\nb: c\n", "a: b: c\n"}) {
    bool yaml_cpp_threw = false;
    try {
      YAML::Load(t);
    } catch (const YAML::ParserException&) {
      yaml_cpp_threw = true;
    }
    if (yaml_cpp_threw) {
      EXPECT_THROW(Document::parse(t), YAML::ParserException) << t;
    } else {
      EXPECT_EQ(same(t), "") << t;
    }
  }
}

// A short document's text fits in its std::string's own buffer: a moved
// Document must view its own copy (the differential fuzzer found views of
// the moved-from one).
TEST(YamlTree, AMovedDocumentViewsItsOwnText) {
  Document a = Document::parse("k: v\n");
  Document b;
  b = std::move(a);
  Document c(std::move(b));
  {
    Document scratch = Document::parse("x: yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n");  // reuses the freed stack/heap
    (void)scratch;
  }
  const Node root(&c.tree(), 0);
  EXPECT_EQ(root["k"].Scalar(), "v");
  EXPECT_EQ(root["k"].Tag(), "?");
  EXPECT_EQ(same("k: v\n"), "");
}

TEST(YamlTree, LookupsAndIteration) {
  const Document doc = Document::parse("m: {a: 1, b: [x, y], a: 2}\ns: plain\nq: 'quoted'\n");
  const Node root(&doc.tree(), 0);
  ASSERT_TRUE(root.IsMap());
  EXPECT_EQ(root.size(), 3u);
  EXPECT_EQ(root["m"]["a"].Scalar(), "1");  // the first of duplicates
  EXPECT_EQ(root["m"].size(), 3u);
  EXPECT_FALSE(root["nope"]);
  EXPECT_FALSE(root["nope"]["deeper"]);
  EXPECT_FALSE(root["s"]["x"]);  // a scalar has no keys
  EXPECT_EQ(root["s"].Tag(), "?");
  EXPECT_EQ(root["q"].Tag(), "!");
  EXPECT_EQ(root["q"].Mark().line, 2);
  EXPECT_EQ(root["q"].Mark().column, 3);
  std::vector<std::string> elements;
  for (const auto& e : root["m"]["b"]) elements.push_back(e.Scalar());
  EXPECT_EQ(elements, (std::vector<std::string>{"x", "y"}));
  std::vector<std::string> keys;
  for (auto it = root.begin(); it != root.end(); ++it) keys.push_back(it->first.Scalar());
  EXPECT_EQ(keys, (std::vector<std::string>{"m", "s", "q"}));
  EXPECT_EQ(root["nope"].Mark().line, -1);
}

TEST(YamlTree, TheShippedTreesAreTheOnesARunWouldParse) {
  for (auto name : policy::shipped_policy_names()) {
    const policy::yaml::Tree* built = policy::shipped_tree(name);
    ASSERT_NE(built, nullptr) << name;
    const Document parsed = Document::parse(*policy::shipped_policy(name));
    const auto& a = *built;
    const auto& b = parsed.tree();
    ASSERT_EQ(a.items.size(), b.items.size()) << name;
    ASSERT_EQ(a.children.size(), b.children.size()) << name;
    for (std::size_t i = 0; i < a.items.size(); ++i) {
      const auto &x = a.items[i], &y = b.items[i];
      EXPECT_TRUE(x.kind == y.kind && x.pos == y.pos && x.line == y.line && x.column == y.column && x.tag == y.tag &&
                  x.tag_size == y.tag_size && x.scalar == y.scalar && x.scalar_size == y.scalar_size &&
                  x.first == y.first && x.count == y.count)
          << name << " item " << i;
    }
    EXPECT_EQ(a.text, b.text) << name;
    for (std::size_t i = 0; i < a.children.size(); ++i) EXPECT_EQ(a.children[i], b.children[i]) << name;
    EXPECT_EQ(testing::yaml_difference(YAML::Load(std::string(*policy::shipped_policy(name))), Node(built, 0)), "")
        << name;
  }
  EXPECT_EQ(policy::shipped_tree("no-such-policy"), nullptr);
}

}  // namespace
}  // namespace sysgate
