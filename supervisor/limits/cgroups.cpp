#include "limits/cgroups.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <memory>
#include <climits>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "fs/kernel_file.hpp"

namespace sysgate::limits {
namespace {

struct Hierarchy {
  std::string mount;  // where it is mounted
  std::string root;   // the mount's root within the hierarchy
};

// The fields of `s` between `sep`s (empty fields kept, none after a trailing one).
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    auto at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) break;
    s.remove_prefix(at + 1);
  }
  return out;
}

using fs::read_kernel_file;

// The whitespace-separated words of `s`.
std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// The numbers of a file of one number per line (cgroup.procs).
std::vector<pid_t> read_pids(const std::string& path) {
  std::vector<pid_t> out;
  const std::string text = read_kernel_file(path).value_or("");  // outlives the views of words()
  for (auto w : words(text))
    out.push_back(static_cast<pid_t>(std::strtol(std::string(w).c_str(), nullptr, 10)));
  return out;
}

// cgroup2 mount, or the v1 mount carrying `controller`, in /proc/self/mountinfo's text.
std::optional<Hierarchy> find_mount(const std::string& mountinfo, const std::string& controller) {
  for (auto line : split(mountinfo, '\n')) {
    auto dash = line.find(" - ");
    if (dash == std::string_view::npos) continue;
    auto pre = split(line.substr(0, dash), ' ');
    auto post = split(line.substr(dash + 3), ' ');
    if (pre.size() < 5 || post.size() < 3) continue;
    if (controller.empty() && post[0] == "cgroup2") return Hierarchy{std::string(pre[4]), std::string(pre[3])};
    if (!controller.empty() && post[0] == "cgroup")
      for (auto opt : split(post[2], ','))
        if (opt == controller) return Hierarchy{std::string(pre[4]), std::string(pre[3])};
  }
  return std::nullopt;
}

// A process's cgroup path in the hierarchy of `controller` ("" = v2), in
// /proc/PID/cgroup's text.
std::optional<std::string> cgroup_path(const std::string& cgroups, const std::string& controller) {
  for (auto line : split(cgroups, '\n')) {
    auto first = line.find(':');
    if (first == std::string_view::npos) continue;
    auto second = line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    auto ctrls = line.substr(first + 1, second - first - 1);
    auto path = line.substr(second + 1);
    if (controller.empty() && line.substr(0, first) == "0" && ctrls.empty()) return std::string(path);
    if (!controller.empty())
      for (auto c : split(ctrls, ','))
        if (c == controller) return std::string(path);
  }
  return std::nullopt;
}

// Where a process's cgroups are: /proc/self/mountinfo and /proc/PID/cgroup,
// each read once however many hierarchies are asked about.
class CgroupsOf {
 public:
  explicit CgroupsOf(pid_t pid)  // 0: ourselves
      : mountinfo_(read_kernel_file("/proc/self/mountinfo").value_or("")),
        cgroups_(read_kernel_file(pid == 0 ? std::string("/proc/self/cgroup")
                                           : "/proc/" + std::to_string(pid) + "/cgroup")
                     .value_or("")) {}
  // The directory of its cgroup in the hierarchy of `controller` ("" = v2).
  std::optional<std::string> dir(const std::string& controller) const {
    auto h = find_mount(mountinfo_, controller);
    auto p = cgroup_path(cgroups_, controller);
    if (!h || !p) return std::nullopt;
    std::string rel = *p;
    if (h->root != "/" && rel.compare(0, h->root.size(), h->root) == 0) rel = rel.substr(h->root.size());
    if (rel == "/") rel.clear();
    return h->mount + rel;
  }

 private:
  std::string mountinfo_, cgroups_;
};

std::optional<std::string> own_dir(const std::string& controller) { return CgroupsOf(0).dir(controller); }

bool write_file(const std::string& path, const std::string& value) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
  close(fd);
  return ok;
}

std::optional<std::uint64_t> read_number(const std::string& path) {
  auto s = read_kernel_file(path);
  if (!s || s->empty()) return std::nullopt;
  if (s->compare(0, 3, "max") == 0) return UINT64_MAX;
  return std::strtoull(s->c_str(), nullptr, 10);
}

// "key value" lines (memory.events, cpu.stat, pids.events, memory.oom_control).
std::optional<std::uint64_t> read_key(const std::string& path, const std::string& key) {
  auto s = read_kernel_file(path);
  if (!s) return std::nullopt;
  auto w = words(*s);
  for (std::size_t i = 0; i + 1 < w.size(); i += 2)
    if (w[i] == key) return std::strtoull(std::string(w[i + 1]).c_str(), nullptr, 10);
  return std::nullopt;
}

bool contains_word(const std::optional<std::string>& s, const std::string& w) {
  if (!s) return false;
  for (auto x : words(*s))
    if (x == w) return true;
  return false;
}

std::string unique_name() {
  static std::atomic<int> counter{0};
  return "sysgate-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
}

std::string make_child(const std::optional<std::string>& parent, const std::string& name) {
  if (!parent) return {};
  std::string dir = *parent + "/" + name;
  if (mkdir(dir.c_str(), 0755) != 0) return {};
  return dir;
}

void remove_dir(std::string& dir) {
  if (dir.empty()) return;
  // Reaped processes leave a cgroup asynchronously: under load it can stay
  // "populated" for a while after the last one is gone. Wait up to 10 s,
  // killing anything still inside (cgroup v2) half-way.
  for (int i = 0; rmdir(dir.c_str()) != 0; ++i) {
    if (errno != EBUSY || i >= 1000) {
      std::fprintf(stderr, "sysgate: cannot remove cgroup %s: %s\n", dir.c_str(), std::strerror(errno));
      break;
    }
    if (i == 500) write_file(dir + "/cgroup.kill", "1");
    struct timespec ts{0, i < 100 ? 1000000 : 10000000};
    nanosleep(&ts, nullptr);
  }
  dir.clear();
}

// Removes the run cgroups (sysgate-PID-N) under `parent` that a sysgate killed
// before it could remove them left behind: empty (rmdir refuses any other),
// older than a run takes to fill its cgroup, and not of a sysgate that still
// runs here. A pid seen from another pid namespace may name someone else, hence
// the age; a concurrent sweep's rmdir wins the race harmlessly.
void sweep_stale(const std::optional<std::string>& parent) {
  if (!parent) return;
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(parent->c_str()), closedir);
  if (!d) return;
  const auto now = std::time(nullptr);
  while (const dirent* e = readdir(d.get())) {
    unsigned long pid = 0, n = 0;
    char tail = 0;
    if (std::sscanf(e->d_name, "sysgate-%lu-%lu%c", &pid, &n, &tail) != 2) continue;
    if (static_cast<pid_t>(pid) == getpid()) continue;
    const std::string dir = *parent + "/" + e->d_name;
    struct stat st{};
    if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || now - st.st_mtime < kStaleAfterSeconds) continue;
    auto comm = read_kernel_file("/proc/" + std::to_string(pid) + "/comm");
    if (comm && comm->starts_with("sysgate")) continue;  // its owner still runs
    rmdir(dir.c_str());
  }
}

}  // namespace

const char* to_string(Mechanism m) {
  switch (m) {
    case Mechanism::CgroupV2: return "cgroup_v2";
    case Mechanism::CgroupV1: return "cgroup_v1";
    case Mechanism::Rlimit: return "rlimit";
    case Mechanism::Supervisor: return "supervisor";
  }
  return "?";
}

std::string delegated_parent_problem(const std::string& path) {
  struct statfs fs{};
  if (statfs(path.c_str(), &fs) != 0) return path + ": " + std::strerror(errno);
  if (fs.f_type != CGROUP2_SUPER_MAGIC) return path + " is not a directory of a cgroup v2 mount";
  if (access(path.c_str(), W_OK) != 0)
    return "cannot create a cgroup in " + path + ": " + std::strerror(errno) + " (it is not delegated to this user)";
  // Moving a process needs write access to cgroup.procs of the common
  // ancestor of where it is and where it goes.
  char real[PATH_MAX];
  auto own = own_dir("");
  if (realpath(path.c_str(), real) == nullptr || !own) return "cannot find this process's cgroup v2";
  std::string target = real, from = *own, common = from;
  auto within = [](const std::string& dir, const std::string& p) {
    return p == dir || (p.compare(0, dir.size(), dir) == 0 && (dir.back() == '/' || p[dir.size()] == '/'));
  };
  while (!within(common, target)) {
    auto slash = common.rfind('/');
    if (slash == std::string::npos || slash == 0) break;
    common.resize(slash);
  }
  if (!within(common, target)) return path + " is not in the cgroup hierarchy this process is in (" + from + ")";
  if (access((common + "/cgroup.procs").c_str(), W_OK) != 0)
    return "sysgate runs in " + from + ", and moving the program from there to " + path + " needs write access to " +
           common + "/cgroup.procs: start sysgate from inside that delegated subtree (for example with "
           "systemd-run --user --scope)";
  return {};
}

CgroupHome CgroupHome::find(const std::string& parent) {
  const CgroupsOf ours(0);
  CgroupHome home{parent.empty() ? ours.dir("") : std::optional<std::string>(parent), ours.dir("memory"),
                  ours.dir("pids"), ours.dir("cpuacct")};
  for (const auto& dir : {home.v2, home.memory, home.pids, home.cpuacct}) sweep_stale(dir);
  return home;
}

RunCgroups RunCgroups::create(bool want_memory, bool want_pids, const CgroupHome& home) {
  RunCgroups g;
  std::string name = unique_name();
  const auto& own_v2 = home.v2;
  const auto &own_memory = home.memory, &own_pids = home.pids, &own_cpuacct = home.cpuacct;
  if (own_v2) {
    // Delegate memory/pids to our children where the hierarchy lets us (it does
    // not when our own cgroup holds processes and is not the root).
    auto available = read_kernel_file(*own_v2 + "/cgroup.controllers");
    for (const char* c : {"memory", "pids"}) {
      bool want = std::string(c) == "memory" ? want_memory : want_pids;
      const std::string control = *own_v2 + "/cgroup.subtree_control";
      if (want && contains_word(available, c) && !contains_word(read_kernel_file(control), c))
        write_file(control, std::string("+") + c);
    }
    g.v2_ = make_child(own_v2, name);
    if (!g.v2_.empty()) {
      g.v2_fd_ = open(g.v2_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      auto mine = read_kernel_file(g.v2_ + "/cgroup.controllers");
      g.v2_memory_ = contains_word(mine, "memory");
      g.v2_pids_ = contains_word(mine, "pids");
    }
  }
  if (want_memory && !g.v2_memory_) g.v1_memory_ = make_child(own_memory, name);
  if (want_pids && !g.v2_pids_) g.v1_pids_ = make_child(own_pids, name);
  if (g.v2_.empty()) g.v1_cpuacct_ = make_child(own_cpuacct, name);
  for (std::string* dir : {&g.v1_memory_, &g.v1_pids_, &g.v1_cpuacct_}) {
    if (dir->empty()) continue;
    int fd = open((*dir + "/tasks").c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
      remove_dir(*dir);  // absent: the limit falls back as without the controller
    else
      g.join_fds_.push_back(fd);
  }
  return g;
}

RunCgroups::RunCgroups(RunCgroups&& o) noexcept { *this = std::move(o); }

RunCgroups& RunCgroups::operator=(RunCgroups&& o) noexcept {
  if (this != &o) {
    remove();
    v2_ = std::move(o.v2_);
    v2_fd_ = o.v2_fd_;
    o.v2_fd_ = -1;
    v2_memory_ = o.v2_memory_;
    v2_pids_ = o.v2_pids_;
    v1_memory_ = std::move(o.v1_memory_);
    v1_pids_ = std::move(o.v1_pids_);
    v1_cpuacct_ = std::move(o.v1_cpuacct_);
    join_fds_ = std::move(o.join_fds_);
    o.join_fds_.clear();
    origins_ = std::move(o.origins_);
    o.v2_.clear();
    o.v1_memory_.clear();
    o.v1_pids_.clear();
    o.v1_cpuacct_.clear();
  }
  return *this;
}

RunCgroups::~RunCgroups() { remove(); }

void RunCgroups::remove() {
  if (v2_fd_ >= 0) close(v2_fd_);
  v2_fd_ = -1;
  for (int fd : join_fds_) close(fd);
  join_fds_.clear();
  remove_dir(v2_);
  remove_dir(v1_memory_);
  remove_dir(v1_pids_);
  remove_dir(v1_cpuacct_);
}

bool RunCgroups::move_into_v2(pid_t pid) const {
  return v2_.empty() || write_file(v2_ + "/cgroup.procs", std::to_string(pid));
}

std::array<std::pair<const std::string*, const char*>, 4> RunCgroups::hierarchies() const {
  return {{{&v2_, ""}, {&v1_memory_, "memory"}, {&v1_pids_, "pids"}, {&v1_cpuacct_, "cpuacct"}}};
}

std::string RunCgroups::adopt(pid_t pid) {
  std::array<std::string, 4> from;
  auto h = hierarchies();
  const CgroupsOf of(pid);
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (h[i].first->empty()) continue;
    auto dir = of.dir(h[i].second);
    if (!dir) return std::string("cannot read which cgroup process ") + std::to_string(pid) + " is in";
    from[i] = *dir;
  }
  // Remembered before the move, so that give_back() returns whatever moved.
  origins_.emplace_back(pid, from);
  for (std::size_t i = 0; i < h.size(); ++i)
    if (!h[i].first->empty() && !write_file(*h[i].first + "/cgroup.procs", std::to_string(pid)))
      return "cannot move process " + std::to_string(pid) + " from " + from[i] + " into " + *h[i].first + ": " +
             std::strerror(errno);
  return {};
}

void RunCgroups::give_back() {
  if (origins_.empty()) return;
  auto h = hierarchies();
  for (std::size_t i = 0; i < h.size(); ++i) {
    const std::string& run = *h[i].first;
    if (run.empty()) continue;
    // A process that forks while it is moved may leave a child born inside:
    // read again until the cgroup is empty (bounded).
    for (int round = 0; round < 100; ++round) {
      std::vector<pid_t> inside = read_pids(run + "/cgroup.procs");
      if (inside.empty()) break;
      for (pid_t p : inside) {
        // Where it was; one born inside goes where the first adopted process was.
        std::string to = origins_.front().second[i];
        for (const auto& [pid, from] : origins_)
          if (pid == p) to = from[i];
        // Should that cgroup be gone, the parent of the run's.
        if (!write_file(to + "/cgroup.procs", std::to_string(p)))
          write_file(run.substr(0, run.rfind('/')) + "/cgroup.procs", std::to_string(p));
      }
    }
  }
  origins_.clear();
}

std::optional<Mechanism> RunCgroups::cpu() const {
  if (!v2_.empty()) return Mechanism::CgroupV2;
  if (!v1_cpuacct_.empty()) return Mechanism::CgroupV1;
  return std::nullopt;
}

std::optional<Mechanism> RunCgroups::memory() const {
  if (v2_memory_) return Mechanism::CgroupV2;
  if (!v1_memory_.empty()) return Mechanism::CgroupV1;
  return std::nullopt;
}

std::optional<Mechanism> RunCgroups::pids() const {
  if (v2_pids_) return Mechanism::CgroupV2;
  if (!v1_pids_.empty()) return Mechanism::CgroupV1;
  return std::nullopt;
}

bool RunCgroups::set_memory_limit(std::uint64_t bytes) const {
  std::string v = std::to_string(bytes);
  if (v2_memory_) return write_file(v2_ + "/memory.max", v) && (write_file(v2_ + "/memory.swap.max", "0"), true);
  if (!v1_memory_.empty()) {
    bool ok = write_file(v1_memory_ + "/memory.limit_in_bytes", v);
    write_file(v1_memory_ + "/memory.memsw.limit_in_bytes", v);  // absent without swap accounting
    return ok;
  }
  return false;
}

bool RunCgroups::set_pids_limit(std::uint64_t n) const {
  std::string v = std::to_string(n);
  if (v2_pids_) return write_file(v2_ + "/pids.max", v);
  if (!v1_pids_.empty()) return write_file(v1_pids_ + "/pids.max", v);
  return false;
}

std::optional<std::uint64_t> RunCgroups::cpu_ns() const {
  if (!v2_.empty()) {
    auto us = read_key(v2_ + "/cpu.stat", "usage_usec");
    if (us) return *us * 1000;
    return std::nullopt;
  }
  if (!v1_cpuacct_.empty()) return read_number(v1_cpuacct_ + "/cpuacct.usage");
  return std::nullopt;
}

std::optional<std::uint64_t> RunCgroups::memory_peak() const {
  if (v2_memory_) return read_number(v2_ + "/memory.peak");
  if (!v1_memory_.empty()) return read_number(v1_memory_ + "/memory.max_usage_in_bytes");
  return std::nullopt;
}

std::optional<std::uint64_t> RunCgroups::memory_current() const {
  if (v2_memory_) return read_number(v2_ + "/memory.current");
  if (!v1_memory_.empty()) return read_number(v1_memory_ + "/memory.usage_in_bytes");
  return std::nullopt;
}

std::uint64_t RunCgroups::oom_kills() const {
  if (v2_memory_) return read_key(v2_ + "/memory.events", "oom_kill").value_or(0);
  if (!v1_memory_.empty()) return read_key(v1_memory_ + "/memory.oom_control", "oom_kill").value_or(0);
  return 0;
}

std::uint64_t RunCgroups::pids_denied() const {
  if (v2_pids_) return read_key(v2_ + "/pids.events", "max").value_or(0);
  if (!v1_pids_.empty()) return read_key(v1_pids_ + "/pids.events", "max").value_or(0);
  return 0;
}

std::optional<std::uint64_t> RunCgroups::pids_peak() const {
  if (v2_pids_) return read_number(v2_ + "/pids.peak");
  if (!v1_pids_.empty()) return read_number(v1_pids_ + "/pids.peak");
  return std::nullopt;
}

std::optional<std::uint64_t> RunCgroups::pids_current() const {
  if (v2_pids_) return read_number(v2_ + "/pids.current");
  if (!v1_pids_.empty()) return read_number(v1_pids_ + "/pids.current");
  return std::nullopt;
}

void RunCgroups::kill_all() const {
  if (!v2_.empty()) write_file(v2_ + "/cgroup.kill", "1");
}

std::vector<pid_t> RunCgroups::procs() const {
  std::vector<pid_t> out;
  for (const auto* dir : {&v2_, &v1_memory_, &v1_pids_, &v1_cpuacct_}) {
    if (dir->empty()) continue;
    return read_pids(*dir + "/cgroup.procs");
  }
  return out;
}

std::string RunCgroups::describe() const {
  std::string s;
  for (const auto* dir : {&v2_, &v1_memory_, &v1_pids_, &v1_cpuacct_})
    if (!dir->empty()) s += (s.empty() ? "" : " ") + *dir;
  return s;
}

}  // namespace sysgate::limits
