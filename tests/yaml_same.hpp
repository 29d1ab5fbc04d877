// Whether a policy::yaml::Node is what yaml-cpp's YAML::Load built for the
// same text: kind, tag, scalar, place and children, all the way down (shared
// by the unit tests and the differential fuzzer).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "policy/yaml_tree.hpp"

namespace sysgate::testing {

// Empty when the same; else where and how they differ.
inline std::string yaml_difference(const YAML::Node& want, const sysgate::policy::yaml::Node& got,
                                   const std::string& at = "root") {
  if (want.IsDefined() != got.IsDefined()) return at + ": defined differs";
  if (!want.IsDefined()) return {};
  if (want.IsNull() != got.IsNull() || want.IsScalar() != got.IsScalar() || want.IsSequence() != got.IsSequence() ||
      want.IsMap() != got.IsMap())
    return at + ": kind differs";
  if (want.Tag() != got.Tag()) return at + ": tag '" + want.Tag() + "' vs '" + std::string(got.Tag()) + "'";
  if (want.IsScalar() && want.Scalar() != got.Scalar()) return at + ": scalar differs";
  const YAML::Mark a = want.Mark(), b = got.Mark();
  if (a.pos != b.pos || a.line != b.line || a.column != b.column)
    return at + ": mark " + std::to_string(a.line) + ":" + std::to_string(a.column) + " vs " + std::to_string(b.line) +
           ":" + std::to_string(b.column);
  if (want.size() != got.size()) return at + ": size differs";
  if (want.IsSequence()) {
    std::size_t i = 0;
    auto g = got.begin();
    for (auto w = want.begin(); w != want.end(); ++w, ++g, ++i)
      if (auto d = yaml_difference(*w, *g, at + "[" + std::to_string(i) + "]"); !d.empty()) return d;
  } else if (want.IsMap()) {
    std::size_t i = 0;
    auto g = got.begin();
    for (auto w = want.begin(); w != want.end(); ++w, ++g, ++i) {
      if (auto d = yaml_difference(w->first, g->first, at + ".key" + std::to_string(i)); !d.empty()) return d;
      if (auto d = yaml_difference(w->second, g->second, at + ".value" + std::to_string(i)); !d.empty()) return d;
      // A lookup by this key finds what yaml-cpp's finds (the first of duplicates).
      if (w->first.IsScalar()) {
        const YAML::Node& cw = want;
        if (auto d = yaml_difference(cw[w->first.Scalar()], got[w->first.Scalar()], at + "[" + w->first.Scalar() + "]");
            !d.empty())
          return d;
      }
    }
    const YAML::Node& cw = want;
    if (cw["no such key, surely"].IsDefined() || got["no such key, surely"].IsDefined()) return at + ": a missing key found";
  }
  return {};
}

}  // namespace sysgate::testing
