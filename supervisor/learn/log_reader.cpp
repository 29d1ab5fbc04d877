#include "learn/log_reader.hpp"

#include <fcntl.h>

#include <cctype>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "arch/constants.hpp"
#include "arch/syscall_table.hpp"
#include "fs/access_table.hpp"

namespace sysgate::learn {
namespace {

using nlohmann::json;

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// A name that was not UTF-8 reaches the log with U+FFFD in place of its bad
// bytes: `*` matches what was there.
std::string without_replacements(std::string s) {
  static const std::string kReplacement = "\xEF\xBF\xBD";
  for (auto at = s.find(kReplacement); at != std::string::npos; at = s.find(kReplacement, at)) {
    bool after_star = at > 0 && s[at - 1] == '*';  // one `*` for a run of them: "**" means directories
    s.replace(at, kReplacement.size(), after_star ? "" : "*");
  }
  return s;
}

std::string text_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool has_flag(const std::string& text, std::string_view flag) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t bar = text.find('|', start);
    std::string_view token(text.data() + start, (bar == std::string::npos ? text.size() : bar) - start);
    if (token == flag) return true;
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return false;
}

// The arguments of a call object as numbers, in the syscall table's order.
void numeric_args(const arch::SyscallSpec& spec, const json& args, std::uint64_t out[6]) {
  for (int i = 0; i < 6; ++i) out[i] = 0;
  if (!args.is_object()) return;
  for (int i = 0; i < spec.nargs && i < 6; ++i) {
    auto it = args.find(std::string(spec.args[i].name));
    if (it != args.end() && it->is_string()) out[i] = logged_value(it->get<std::string>());
  }
}

class Reader {
 public:
  Reader(int log_index, Observations& into) : log_(log_index), obs_(into) {}

  void line(const std::string& text) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) return;
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("syscall") || !j.contains("pid")) {
      ++obs_.bad_lines;
      return;
    }
    event(j);
  }

 private:
  void event(const json& j) {
    const int pid = j["pid"].is_number_integer() ? j["pid"].get<int>() : 0;
    const std::string name = text_of(j, "syscall");
    const std::string abi = text_of(j, "abi");
    const std::string action = text_of(j, "action");
    Actor who{pid, commands_[pid], obs_.events++};
    obs_.processes.emplace(log_, pid);
    if (abi != "x86_64") {
      obs_.foreign[abi + " " + name].add(who);
      return;
    }
    if (action != "log" && action != "allow") {
      // Refused while recorded: by sysgate's own rules, or by the policy of
      // an earlier run read with --from. Not something the run did.
      std::string what = name + ": " + action;
      if (j.contains("errno") && j["errno"].is_object()) what += " " + text_of(j["errno"], "name");
      what += " (" + text_of(j, "reason") + ")";
      obs_.refused[what].add(who);
      return;
    }
    SyscallUse& use = obs_.syscalls[name];
    use.use.add(who);
    const json empty = json::object();
    const json& resolved = j.contains("resolved") && j["resolved"].is_object() ? j["resolved"] : empty;
    const json& args = j.contains("args") && j["args"].is_object() ? j["args"] : empty;
    const arch::SyscallSpec* spec = arch::find_syscall(name);
    if (spec != nullptr) {
      paths(*spec, args, resolved, who, use);
      network(name, args, resolved, who);
      memory(name, args, who);
    }
    if ((name == "execve" || name == "execveat") && resolved.contains("path") && resolved["path"].is_string()) {
      std::string p = resolved["path"].get<std::string>();
      if (!p.empty() && p[0] == '/') commands_[pid] = p;
    }
  }

  void paths(const arch::SyscallSpec& spec, const json& args, const json& resolved, const Actor& who, SyscallUse& use) {
    const fs::PathCall* pc = fs::find_path_call(spec.name);
    if (pc == nullptr) return;
    std::uint64_t values[6];
    numeric_args(spec, args, values);
    for (int i = 0; i < pc->count; ++i) {
      const fs::PathArg& a = pc->args[i];
      if (a.path < 0 || a.path >= spec.nargs) continue;
      auto it = resolved.find(std::string(spec.args[a.path].name));
      if (it == resolved.end() || !it->is_string()) continue;
      std::string path = it->get<std::string>();
      if (path.rfind("(unresolved", 0) == 0) {
        // The kernel failed the lookup itself; under a filesystem section the
        // call fails the same way whatever the lists say.
        ++use.unresolved;
        continue;
      }
      // Pipes, sockets and deleted files are no paths; the section only lets stat reach them.
      if (path.empty() || path[0] != '/' || path.ends_with(" (deleted)")) continue;
      fs::Access access = fs::access_of(a, values);
      // An empty path with AT_EMPTY_PATH acts on the open descriptor: the
      // section looks nothing up (but an exec of it).
      if (a.empty_path_ok && a.at_flags >= 0 && (values[a.at_flags] & AT_EMPTY_PATH) != 0 && access != fs::Access::Exec)
        continue;
      path = portable_path(without_replacements(path), who.pid);
      obs_.by_access(access)[path].add(who);
      use.paths.insert(path);
    }
  }

  void network(const std::string& name, const json& args, const json& resolved, const Actor& who) {
    if (name == "socket") {
      std::string domain = text_of(args, "domain");
      std::string type = text_of(args, "type");
      if (has_flag(type, "SOCK_RAW") || has_flag(type, "SOCK_PACKET")) obs_.raw_sockets.add(who);
      if (!domain.empty()) obs_.families[domain].add(who);
      return;
    }
    if (name == "sendmsg" || name == "sendmmsg") {
      obs_.unaddressed_sends.add(who);
      return;
    }
    if (name != "connect" && name != "bind" && name != "sendto") return;
    std::string address = text_of(resolved, "address");
    if (address.empty() || address.rfind("family ", 0) == 0) return;  // none (connected), or AF_UNSPEC and the like
    obs_.addresses[without_replacements(address)].add(who);
  }

  void memory(const std::string& name, const json& args, const Actor& who) {
    if (name != "mmap" && name != "mprotect" && name != "pkey_mprotect") return;
    std::string prot = text_of(args, "prot");
    if (has_flag(prot, "PROT_WRITE") && has_flag(prot, "PROT_EXEC")) obs_.writable_executable.add(who);
  }

  int log_;
  Observations& obs_;
  std::map<int, std::string> commands_;  // pid -> the program it executed last
};

}  // namespace

std::uint64_t logged_value(const std::string& text) {
  std::uint64_t v = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t bar = text.find('|', start);
    std::string token = text.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    if (auto c = arch::constant_value(token)) {
      v |= static_cast<std::uint64_t>(*c);
    } else if (!token.empty()) {
      const char* s = token.c_str();
      char* end = nullptr;
      if (token[0] == '-') {
        v |= static_cast<std::uint64_t>(std::strtoll(s, &end, 10));
      } else {
        // 0x.. hexadecimal, 0.. octal (modes), else decimal: as the log writes them.
        v |= std::strtoull(s, &end, 0);
      }
    }
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return v;
}

std::string portable_path(const std::string& path, int pid) {
  if (path.rfind("/proc/", 0) != 0) return path;
  std::size_t end = path.find('/', 6);
  std::string_view id(path.data() + 6, (end == std::string::npos ? path.size() : end) - 6);
  if (!all_digits(id)) return path;
  std::string rest = end == std::string::npos ? std::string() : path.substr(end);
  std::string head = id == std::to_string(pid) ? "/proc/self" : "/proc/*";
  // A thread's own directory: /proc/self/task/TID.
  if (rest.rfind("/task/", 0) == 0) {
    std::size_t tid_end = rest.find('/', 6);
    std::string_view tid(rest.data() + 6, (tid_end == std::string::npos ? rest.size() : tid_end) - 6);
    if (all_digits(tid)) rest = "/task/*" + (tid_end == std::string::npos ? std::string() : rest.substr(tid_end));
  }
  return head + rest;
}

void read_log(std::istream& in, int log_index, Observations& into) {
  Reader reader(log_index, into);
  std::string line;
  while (std::getline(in, line)) reader.line(line);
}

}  // namespace sysgate::learn
