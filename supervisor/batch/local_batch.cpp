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

#include "batch/compare.hpp"
#include "batch/summary.hpp"
#include "batch/worker.hpp"

namespace sysgate::batch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kStopGraceSeconds = 10;  // for supervisors told to stop, before SIGKILL

RunFiles files_of(const std::string& dir, const std::string& id) {
  return {dir + "/work/" + id, dir + "/out/" + id + ".stdout", dir + "/out/" + id + ".stderr",
          dir + "/reports/." + id + ".run.json", dir + "/logs/" + id + ".log"};
}

json comparison_json(const Job& job, const Comparison& c) {
  json j = {{"mode", to_string(job.compare.mode)}, {"matched", c.matched}};
  if (job.compare.mode == CompareSpec::Mode::Float) {
    j["epsilon"] = job.compare.epsilon;
    j["error"] = to_string(job.compare.error);
  }
  if (c.first_difference) {
    const Difference& d = *c.first_difference;
    j["first_difference"] = {{"line", d.line}, {"expected", d.expected}, {"got", d.got}, {"why", d.why}};
    if (d.token != 0) j["first_difference"]["token"] = d.token;
  }
  return j;
}

// The run's report as the session wrote it, completed: the output compared,
// the batch's verdict. A worker that died without a report gets one saying so.
json finished_report(const Job& job, const RunFiles& f, int status) {
  json r;
  std::ifstream in(f.raw_report);
  try {
    if (!in) throw std::runtime_error("no report");
    r = json::parse(in);
  } catch (const std::exception&) {
    char why[96];
    if (WIFSIGNALED(status)) std::snprintf(why, sizeof why, "killed by signal %d", WTERMSIG(status));
    else std::snprintf(why, sizeof why, "exit status %d", WEXITSTATUS(status));
    r = {{"schema", 1}, {"verdict", "INTERNAL_ERROR"},
         {"error", std::string("the run's supervisor ended without a report (") + why + "); see " + f.log}};
  }
  const std::string run_verdict = r.value("verdict", "INTERNAL_ERROR");
  json b = {{"id", job.id}, {"run_verdict", run_verdict}, {"expect_verdict", job.expect_verdict},
            {"stdout", f.out}, {"stderr", f.err}, {"log", f.log}, {"comparison", nullptr}};
  std::string verdict = run_verdict;
  if (run_verdict == "OK" && job.expect_stdout) {
    try {
      Comparison c = compare_files(*job.expect_stdout, f.out, job.compare);
      b["comparison"] = comparison_json(job, c);
      if (!c.matched) verdict = "WRONG_ANSWER";
    } catch (const std::runtime_error& e) {
      verdict = "INTERNAL_ERROR";
      r["error"] = std::string("comparing the output: ") + e.what();
    }
  }
  b["verdict"] = verdict;
  b["as_expected"] = verdict == job.expect_verdict;
  r["verdict"] = verdict;
  r["batch"] = b;
  return r;
}

void write_report(const std::string& path, const json& r) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << r.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  fs::rename(tmp, path);
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
  WorkerOptions wo{o.use_cgroups, o.base_dir, &resident};
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
      auto started = std::chrono::steady_clock::now();
      running.emplace(start_run(*job, files_of(o.out_dir, job->id), wo), Running{job, started});
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
      json r = finished_report(job, f, status);
      r["batch"]["elapsed_s"] = elapsed;
      write_report(report_path(o.out_dir, job.id), r);
      std::error_code ec;
      fs::remove(f.raw_report, ec);
      if (!o.keep_work) fs::remove_all(f.work, ec);
      progress.finished(job.id, r["verdict"].get<std::string>(), job.expect_verdict);
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
          std::error_code ec;
          RunFiles f = files_of(o.out_dir, it->second.job->id);
          fs::remove(f.raw_report, ec);
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
