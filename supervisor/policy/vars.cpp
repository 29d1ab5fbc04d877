#include "policy/vars.hpp"

#include <dirent.h>
#include <pwd.h>
#include <sys/stat.h>

#include <cctype>
#include <climits>
#include <cstdlib>
#include <memory>
#include <set>
#include <stdexcept>

#include "fs/path_pattern.hpp"

namespace sysgate::policy {

bool valid_var_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

bool is_builtin_var(std::string_view name) {
  return name == "CWD" || name == "HOME" || name == "TMPDIR" || name == "RUNDIR" || name == kOtherHomesVar;
}

namespace {

bool is_dir(const std::string& p) {
  struct stat st{};
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}


}  // namespace

std::vector<std::string> other_homes(const std::string& cwd) {
  std::set<std::string> candidates = {"/root"};
  if (std::unique_ptr<DIR, int (*)(DIR*)> d(opendir("/home"), closedir); d)
    while (const dirent* e = readdir(d.get())) {
      const std::string n = e->d_name;
      if (n != "." && n != "..") candidates.insert("/home/" + n);
    }
  setpwent();
  while (const passwd* pw = getpwent())
    if (pw->pw_uid >= 1000 && pw->pw_uid < 60000 && pw->pw_dir != nullptr && pw->pw_dir[0] == '/')
      candidates.insert(pw->pw_dir);
  endpwent();
  const char* h = std::getenv("HOME");
  const std::string home = h != nullptr ? fs::real_path(h) : std::string();
  const std::string here = fs::real_path(cwd);
  std::set<std::string> out;
  for (const auto& c : candidates) {
    if (!is_dir(c)) continue;
    const std::string r = fs::real_path(c);
    if (r.empty() || r == "/" || r == home || fs::within(here, r)) continue;
    out.insert(r);
  }
  return {out.begin(), out.end()};
}

namespace {

std::string lookup(std::string_view name, const std::map<std::string, std::string>& vars, const std::string& cwd) {
  if (name == "CWD") return cwd;
  if (name == "RUNDIR") {
    // The run's own directory, named by the session before the policy is read
    // (kept under this reserved key); /RUNDIR where no run is made (check, explain).
    auto it = vars.find(std::string(kRundirVar));
    return it != vars.end() ? it->second : "/RUNDIR";
  }
  if (name == "HOME") {
    const char* h = std::getenv("HOME");
    return h != nullptr ? h : "/";
  }
  if (name == "TMPDIR") {
    const char* t = std::getenv("TMPDIR");
    return t != nullptr && *t != '\0' ? t : "/tmp";
  }
  if (name == kOtherHomesVar)
    throw std::invalid_argument("${OTHER_HOMES} is a list: it may only begin an entry of a filesystem list");
  if (name.substr(0, 4) == "ENV:") {
    std::string env(name.substr(4));
    const char* v = std::getenv(env.c_str());
    if (v == nullptr) throw std::invalid_argument("environment variable '" + env + "' is not set");
    return v;
  }
  auto it = vars.find(std::string(name));
  if (it == vars.end()) throw std::invalid_argument("unknown variable '${" + std::string(name) + "}'");
  return it->second;
}

}  // namespace

std::string expand_vars(std::string_view text, const std::map<std::string, std::string>& vars,
                        const std::string& cwd) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      auto end = text.find('}', i + 2);
      if (end == std::string_view::npos) throw std::invalid_argument("unterminated '${' in '" + std::string(text) + "'");
      out += lookup(text.substr(i + 2, end - i - 2), vars, cwd);
      i = end;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace sysgate::policy
