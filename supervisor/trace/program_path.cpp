#include "trace/program_path.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace sysgate::trace {
namespace {

int check(const std::string& path) {
  struct stat st{};
  if (stat(path.c_str(), &st) != 0) return errno;
  if (S_ISDIR(st.st_mode)) return EACCES;
  if (access(path.c_str(), X_OK) != 0) return errno;
  return 0;
}

}  // namespace

ProgramLookup find_program(const std::string& name, const std::string& cwd, const std::optional<std::string>& path_env) {
  auto in_cwd = [&](const std::string& p) { return p.empty() || p[0] == '/' || cwd.empty() ? p : cwd + "/" + p; };
  if (name.empty()) return {"", ENOENT};
  if (name.find('/') != std::string::npos) {
    int e = check(in_cwd(name));
    return {e == 0 || e != ENOENT ? in_cwd(name) : "", e};
  }
  std::string path = path_env.value_or("/bin:/usr/bin");
  int first_error = ENOENT;
  std::size_t start = 0;
  for (;;) {
    std::size_t colon = path.find(':', start);
    std::string dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    std::string candidate = in_cwd((dir.empty() ? "." : dir) + "/" + name);
    int e = check(candidate);
    if (e == 0) return {candidate, 0};
    if (e != ENOENT && e != ENOTDIR && first_error == ENOENT) first_error = e;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return {"", first_error};
}

}  // namespace sysgate::trace
