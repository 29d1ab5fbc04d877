#include "fs/landlock.hpp"

#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <string_view>

#include "fs/kernel_file.hpp"
#include "fs/path_pattern.hpp"

namespace sysgate::fs {
namespace {

// Access rights by bit (include/uapi/linux/landlock.h), some newer than our headers.
constexpr std::uint64_t kExecute = 1ull << 0;
constexpr std::uint64_t kWriteFile = 1ull << 1;
constexpr std::uint64_t kReadFile = 1ull << 2;
constexpr std::uint64_t kReadDir = 1ull << 3;
constexpr std::uint64_t kMakeAll = 0x1ff0;  // REMOVE_DIR .. MAKE_SYM (bits 4-12)
constexpr std::uint64_t kRefer = 1ull << 13;     // ABI 2
constexpr std::uint64_t kTruncate = 1ull << 14;  // ABI 3
constexpr std::uint64_t kIoctlDev = 1ull << 15;  // ABI 5

constexpr std::uint64_t kFileRights = kExecute | kWriteFile | kReadFile | kTruncate | kIoctlDev;

std::uint64_t handled_for(int abi) {
  std::uint64_t h = kExecute | kWriteFile | kReadFile | kReadDir | kMakeAll;
  if (abi >= 2) h |= kRefer;
  if (abi >= 3) h |= kTruncate;
  if (abi >= 5) h |= kIoctlDev;
  return h;
}

// The nearest existing ancestor (or the path itself).
std::string existing(std::string p) {
  struct stat st{};
  while (p.size() > 1 && stat(p.c_str(), &st) != 0) {
    auto slash = p.rfind('/');
    p = slash == 0 ? "/" : p.substr(0, slash);
  }
  return p;
}


// `inner` is `outer` or lies below it.
bool within(const std::string& inner, const std::string& outer) {
  if (outer == "/") return true;
  return inner.compare(0, outer.size(), outer) == 0 && (inner.size() == outer.size() || inner[outer.size()] == '/');
}

// Octal escapes of mountinfo ("\040" for a space).
std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Write rights moved off every tree that holds a procfs mount onto the parts
// of it that hold none.
void keep_writes_off_proc(std::map<std::string, std::uint64_t>& rights, std::vector<std::string>& notes) {
  const std::vector<std::string> procs = proc_mounts();
  std::map<std::string, std::uint64_t> moved;
  for (auto& [path, access] : rights) {
    if ((access & kWriteFile) == 0) continue;
    bool holds = false;
    for (const auto& m : procs) holds = holds || within(m, path) || within(path, m);
    if (!holds) continue;
    access &= ~kWriteFile;
    for (const auto& c : cover_except(path, procs)) moved[c] |= kWriteFile;
    notes.push_back("no file under " + procs.front() + " is opened for writing (a /proc/PID/mem could rewrite "
                    "checked memory): write rights of " + path + " are granted around it");
  }
  for (const auto& [path, access] : moved) rights[path] |= access;
}

}  // namespace

std::string interpreter_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[256] = {};
  in.read(head, sizeof head);
  if (head[0] == '#' && head[1] == '!') {
    std::string line(head + 2, static_cast<std::size_t>(in.gcount() > 2 ? in.gcount() - 2 : 0));
    line = line.substr(0, line.find('\n'));
    auto b = line.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    line = line.substr(b);
    return line.substr(0, line.find_first_of(" \t"));
  }
  if (std::memcmp(head, ELFMAG, SELFMAG) != 0 || head[EI_CLASS] != ELFCLASS64) return {};
  Elf64_Ehdr eh;
  std::memcpy(&eh, head, sizeof eh);
  for (int i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    in.clear();
    in.seekg(static_cast<std::streamoff>(eh.e_phoff + static_cast<std::uint64_t>(i) * eh.e_phentsize));
    if (!in.read(reinterpret_cast<char*>(&ph), sizeof ph)) return {};
    if (ph.p_type != PT_INTERP) continue;
    std::string interp(ph.p_filesz, '\0');
    in.seekg(static_cast<std::streamoff>(ph.p_offset));
    in.read(interp.data(), static_cast<std::streamsize>(ph.p_filesz));
    return interp.c_str();
  }
  return {};
}

std::vector<std::string> proc_mounts() {
  std::vector<std::string> out;
  const std::string text = read_kernel_file("/proc/self/mountinfo").value_or("");
  std::string_view rest = text;
  while (!rest.empty()) {
    std::string_view line = rest.substr(0, rest.find('\n'));
    rest.remove_prefix(std::min(rest.size(), line.size() + 1));
    // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER
    auto dash = line.find(" - ");
    if (dash == std::string_view::npos) continue;
    std::string_view type = line.substr(dash + 3);
    type = type.substr(0, type.find(' '));
    if (type != "proc") continue;
    std::string_view point = line;
    for (int field = 0; field < 4 && !point.empty(); ++field)  // to MOUNTPOINT
      point.remove_prefix(std::min(point.size(), point.find(' ') + 1));
    out.push_back(unescape(std::string(point.substr(0, point.find(' ')))));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.empty()) out.push_back("/proc");
  return out;
}

std::vector<std::string> cover_except(const std::string& dir, const std::vector<std::string>& avoid) {
  bool inside = false;
  for (const auto& a : avoid) {
    if (within(dir, a)) return {};
    inside = inside || within(a, dir);
  }
  if (!inside) return {dir};
  std::vector<std::string> out;
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir.c_str()), closedir);
  if (!d) return out;
  while (const dirent* e = readdir(d.get())) {
    const std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    const std::string child = dir == "/" ? "/" + n : dir + "/" + n;
    struct stat st{};
    if (lstat(child.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) continue;  // a link could lead into /proc
    for (auto& c : cover_except(child, avoid)) out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool guard_proc_writes(LandlockPlan& plan) {
  plan.abi = landlock_abi();
  if (plan.abi == 0) return false;
  if ((plan.handled & kWriteFile) != 0) return true;  // a filesystem section's plan keeps writes off /proc itself
  plan.handled |= kWriteFile;
  for (const auto& p : cover_except("/", proc_mounts())) plan.rules.push_back({p, kWriteFile});
  return true;
}

int landlock_abi() {
  long v = syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return v < 0 ? 0 : static_cast<int>(v);
}

LandlockPlan plan_landlock(const FilesystemSection& fs, const std::string& program) {
  LandlockPlan plan;
  plan.abi = landlock_abi();
  if (plan.abi == 0) return plan;
  plan.handled = handled_for(plan.abi);
  scope_signals(plan);
  std::map<std::string, std::uint64_t> rights;
  auto grant = [&](const std::string& pattern, std::uint64_t access) {
    PathPattern p(PathPattern::Kind::Glob, pattern);
    std::string base = existing(p.literal_base());
    if (base != p.literal_base())
      plan.notes.push_back("'" + pattern + "': Landlock grants the existing ancestor " + base);
    rights[base] |= access & plan.handled;
  };
  const std::uint64_t read = kReadFile | kReadDir;
  const std::uint64_t write = read | kWriteFile | kMakeAll | kRefer | kTruncate | kIoctlDev;
  for (const auto& p : fs.read) grant(p, read);
  for (const auto& p : fs.write) grant(p, write);
  for (const auto& p : fs.exec) grant(p, read | kExecute);
  // The kernel opens interpreters for exec too: the program's, and the system's
  // usual ELF interpreters for the programs it may run.
  for (const std::string& interp : {interpreter_of(program), std::string("/lib64/ld-linux-x86-64.so.2"),
                                    std::string("/lib/ld-linux.so.2")}) {
    if (interp.empty()) continue;
    char real[4096];
    if (realpath(interp.c_str(), real) != nullptr) rights[real] |= (kExecute | kReadFile) & plan.handled;
  }
  keep_writes_off_proc(rights, plan.notes);
  for (auto& [path, access] : rights) {
    struct stat st{};
    if (stat(path.c_str(), &st) != 0) continue;
    if (!S_ISDIR(st.st_mode)) access &= kFileRights;
    if (access != 0) plan.rules.push_back({path, access});
  }
  return plan;
}

bool scope_signals(LandlockPlan& plan) {
  plan.abi = landlock_abi();
  if (plan.abi < 6) return false;
  plan.scoped |= 1ull << 1;  // LANDLOCK_SCOPE_SIGNAL
  return true;
}

int apply_landlock(const LandlockPlan& plan) {
  if (plan.abi == 0 || (plan.handled == 0 && plan.scoped == 0)) return 0;
  // struct landlock_ruleset_attr of Landlock ABI 6 (newer than our headers).
  struct {
    std::uint64_t handled_access_fs;
    std::uint64_t handled_access_net;
    std::uint64_t scoped;
  } attr{plan.handled, 0, plan.scoped};
  std::size_t size = plan.scoped != 0 ? sizeof attr : sizeof(std::uint64_t);
  int ruleset = static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, size, 0));
  if (ruleset < 0) return errno;
  for (const auto& r : plan.rules) {
    int fd = open(r.path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) continue;  // vanished since planning: nothing to grant
    landlock_path_beneath_attr pb{};
    pb.allowed_access = r.access;
    pb.parent_fd = fd;
    long rc = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
    int e = errno;
    close(fd);
    if (rc != 0) {
      close(ruleset);
      return e;
    }
  }
  long rc = syscall(SYS_landlock_restrict_self, ruleset, 0);
  int e = errno;
  close(ruleset);
  return rc == 0 ? 0 : e;
}

}  // namespace sysgate::fs
