// policy::yaml::Document::parse against yaml-cpp's YAML::Load, any bytes in:
// both throw, or both give the same tree (kinds, tags, scalars, places,
// children, key lookups). The loader reads policies through the former, and
// must read them as it did through the latter.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "policy/yaml_tree.hpp"
#include "yaml_same.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 16 * 1024) return -1;
  const std::string text(reinterpret_cast<const char*>(data), size);
  YAML::Node want;
  bool want_ok = true;
  try {
    want = YAML::Load(text);
  } catch (const YAML::Exception&) {
    want_ok = false;
  }
  sysgate::policy::yaml::Document got;
  bool got_ok = true;
  try {
    got = sysgate::policy::yaml::Document::parse(text);
  } catch (const YAML::Exception&) {
    got_ok = false;
  }
  if (want_ok != got_ok) {
    std::fprintf(stderr, "fuzz_yaml_tree: yaml-cpp %s, the tree %s\n", want_ok ? "parsed" : "threw", got_ok ? "parsed" : "threw");
    __builtin_trap();
  }
  if (!want_ok) return 0;
  const std::string d = sysgate::testing::yaml_difference(want, sysgate::policy::yaml::Node(&got.tree(), 0));
  if (!d.empty()) {
    std::fprintf(stderr, "fuzz_yaml_tree: %s\n", d.c_str());
    __builtin_trap();
  }
  return 0;
}
