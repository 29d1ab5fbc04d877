#include "session/policy_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "policy/loader.hpp"
#include "policy/shipped.hpp"

namespace sysgate::session {
namespace {

// "grade-c" or "grade-c.yaml", when no such file exists.
std::optional<std::string> shipped_name(const std::string& name) {
  if (name.find('/') != std::string::npos) return std::nullopt;
  std::string base = name;
  if (base.size() > 5 && base.ends_with(".yaml")) base.resize(base.size() - 5);
  if (policy::shipped_policy(base)) return base;
  return std::nullopt;
}

std::string shipped_list() {
  std::string out;
  for (auto n : policy::shipped_policy_names()) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

}  // namespace

Policy load_policy(const std::optional<std::string>& file_or_name, const std::string& cwd, const std::string& rundir,
                   policy::DocumentCache* documents) {
  policy::LoadOptions options{cwd, rundir};
  options.documents = documents;
  if (!file_or_name) return policy::load_shipped("default", options);
  const std::string& f = *file_or_name;
  if (access(f.c_str(), F_OK) != 0) {
    int e = errno;
    if (auto name = shipped_name(f)) return policy::load_shipped(*name, options);
    throw PolicyNotFound("cannot read " + f + ": " + std::strerror(e) + " (shipped policies: " + shipped_list() + ")");
  }
  return policy::load_file(f, options);
}

}  // namespace sysgate::session
