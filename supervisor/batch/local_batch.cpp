#include "batch/local_batch.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "batch/job_report.hpp"
#include "batch/summary.hpp"
#include "batch/worker.hpp"

namespace sysgate::batch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kStopGraceSeconds = 10;  // for supervisors told to stop, before SIGKILL

// The verdict of a run's report.
std::string verdict_of(const std::string& report) {
  std::ifstream in(report);
  try {
    return json::parse(in).value("verdict", "INTERNAL_ERROR");
  } catch (const json::exception&) {
    return "INTERNAL_ERROR";
  }
}

// SIGCHLD and the stopping signals, taken by sigtimedwait only.
class Signals {
 public:
  Signals() {
    sigemptyset(&set_);
    for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGHUP}) sigaddset(&set_, s);
    sigprocmask(SIG_BLOCK, &set_, &old_);
  }
  ~Signals() { sigprocmask(SIG_SETMASK, &old_, nullptr); }
  // The next signal (0 after `seconds` without one).
  int next(int seconds) {
    timespec t{seconds, 0};
    for (;;) {
      int s = sigtimedwait(&set_, nullptr, &t);
      if (s > 0 || errno == EAGAIN) return s > 0 ? s : 0;
    }
  }

 private:
  sigset_t set_{}, old_{};
};

}  // namespace

unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return static_cast<unsigned>(CPU_COUNT(&set));
  return static_cast<unsigned>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
}

std::vector<Job> shard_of(const std::vector<Job>& jobs, unsigned shard, unsigned shards) {
  std::vector<Job> out;
  for (std::size_t i = 0; i < jobs.size(); ++i)
    if (i % shards == shard) out.push_back(jobs[i]);
  return out;
}

void make_out_dir(const std::string& dir) {
  for (const char* sub : {"", "/reports", "/out", "/logs", "/work"}) {
    std::error_code ec;
    fs::create_directories(dir + sub, ec);
    if (ec) throw std::runtime_error("--out " + dir + ": cannot make " + dir + sub + ": " + ec.message());
  }
}

bool run_jobs(const std::vector<Job>& jobs, const BatchOptions& o) {
  std::vector<const Job*> pending;
  for (const Job& j : jobs) {
    if (o.rerun || !fs::exists(report_path(o.out_dir, j.id))) pending.push_back(&j);
  }
  unsigned parallel = o.parallel != 0 ? o.parallel : usable_cpus();
  Progress progress(static_cast<int>(jobs.size()), static_cast<int>(jobs.size() - pending.size()), stderr);
  // Parsed once here, inherited by every worker: the policies' documents and
  // where the runs' cgroups go.
  session::Resident resident;
  std::set<std::optional<std::string>> policies;
  for (const Job* j : pending)
    if (policies.insert(j->policy).second) resident.prime_policy(j->policy, o.base_dir);
  if (o.use_cgroups && !pending.empty()) resident.prime_cgroups();
  WorkerOptions wo{o.use_cgroups, o.keep_work, o.base_dir, &resident};
  Signals signals;
  struct Running {
    const Job* job;
    std::chrono::steady_clock::time_point started;
  };
  std::map<pid_t, Running> running;
  std::size_t next = 0;
  bool stopping = false;
  while (!stopping && (next < pending.size() || !running.empty())) {
    while (running.size() < parallel && next < pending.size()) {
      const Job* job = pending[next++];
      const RunFiles f = files_of(o.out_dir, job->id);
      // --rerun: the report of an earlier batch goes first, so that only the
      // new run's worker (or the batch, for a worker that dies) writes one.
      std::error_code ec;
      if (o.rerun) fs::remove(f.report, ec);
      auto started = std::chrono::steady_clock::now();
      running.emplace(start_run(*job, f, wo, started), Running{job, started});
    }
    int s = signals.next(1);
    int status = 0;
    for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;) {
      auto it = running.find(pid);
      if (it == running.end()) continue;
      const Job& job = *it->second.job;
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second.started).count();
      running.erase(it);
      RunFiles f = files_of(o.out_dir, job.id);
      if (!fs::exists(f.report)) {
        // The worker ended before its report (killed, or it crashed).
        json r = missing_report(job, f, status);
        r["batch"]["elapsed_s"] = elapsed;
        write_atomically(f.report, r.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
        std::error_code ec;
        if (!o.keep_work) fs::remove_all(f.work, ec);
      }
      progress.finished(job.id, verdict_of(f.report), job.expect_verdict);
    }
    // Runs that ended before the signal keep their reports.
    if (s == SIGINT || s == SIGTERM || s == SIGHUP) stopping = true;
  }
  if (stopping) {
    // Each supervisor kills its program, removes its cgroups and exits.
    for (const auto& [pid, job] : running) stop_run(pid);
    auto deadline = time(nullptr) + kStopGraceSeconds;
    while (!running.empty()) {
      int status = 0;
      for (pid_t pid; (pid = waitpid(-1, &status, WNOHANG)) > 0;) {
        if (auto it = running.find(pid); it != running.end()) {
          // A stopped run gets no report (a resumed batch does it again),
          // also when its worker wrote one as it ended.
          std::error_code ec;
          RunFiles f = files_of(o.out_dir, it->second.job->id);
          fs::remove(f.report, ec);
          if (!o.keep_work) fs::remove_all(f.work, ec);
          running.erase(it);
        }
      }
      if (running.empty()) break;
      if (time(nullptr) >= deadline) {
        for (const auto& [pid, job] : running) kill(pid, SIGKILL);  // EXITKILL ends their programs
        deadline = time(nullptr) + kStopGraceSeconds;
      }
      signals.next(1);
    }
  }
  progress.end();
  return !stopping;
}

}  // namespace sysgate::batch
