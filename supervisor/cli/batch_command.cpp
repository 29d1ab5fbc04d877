#include "cli/batch_command.hpp"

#include <signal.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>
#include <nlohmann/json.hpp>

#include "batch/job_file.hpp"
#include "batch/local_batch.hpp"
#include "batch/slurm.hpp"
#include "batch/summary.hpp"
#include "cli/console.hpp"
#include "cli/options.hpp"
#include "sysgate/diagnostic.hpp"

namespace po = boost::program_options;

namespace sysgate::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// "I/K": shard I (0-based) of K.
std::pair<unsigned, unsigned> parse_shard(const std::string& text) {
  unsigned i = 0, k = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%u/%u%c", &i, &k, &tail) != 2 || k == 0 || i >= k || k > 100000)
    throw UsageError("--shard: expected I/K with 0 <= I < K (e.g. 0/4), got '" + text + "'");
  return {i, k};
}

unsigned parse_parallel(const std::string& text) {
  char* end = nullptr;
  unsigned long n = std::strtoul(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || n == 0 || n > 4096)
    throw UsageError("-j: expected a number of runs at once from 1 to 4096, got '" + text + "'");
  return static_cast<unsigned>(n);
}

// DIR/batch.json: the runs of the batch (id and expected verdict), so that
// --collect can sum up without the job file.
void write_batch_index(const std::string& dir, const std::string& jobs_file, const std::vector<batch::Job>& jobs) {
  json runs = json::array();
  for (const auto& j : jobs) runs.push_back({{"id", j.id}, {"expect_verdict", j.expect_verdict}});
  json index = {{"schema", 1}, {"jobs_file", jobs_file}, {"runs", runs}};
  batch::write_atomically(dir + "/batch.json", index.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

// The Slurm job array of DIR, if it was submitted from there.
std::optional<std::string> slurm_job_of(const std::string& dir) {
  std::ifstream in(dir + "/slurm/job_id");
  std::string id;
  if (!(in >> id)) return std::nullopt;
  return id;
}

std::vector<batch::Job> read_batch_index(const std::string& dir) {
  std::ifstream in(dir + "/batch.json");
  if (!in) throw UsageError("--collect " + dir + ": no batch.json there (not a batch's output directory)");
  std::vector<batch::Job> jobs;
  try {
    json index = json::parse(in);
    for (const auto& r : index.at("runs")) {
      batch::Job j;
      j.id = r.at("id").get<std::string>();
      j.expect_verdict = r.at("expect_verdict").get<std::string>();
      jobs.push_back(j);
    }
  } catch (const json::exception& e) {
    throw UsageError("--collect " + dir + ": batch.json is damaged (" + std::string(e.what()) + ")");
  }
  return jobs;
}

// Prints the summary's verdict counts; the exit status for `scope`.
int finish(const std::string& dir, const std::vector<batch::Job>& all, const std::vector<batch::Job>& scope) {
  batch::Summary s = batch::summarise(dir, all);
  batch::write_summary(dir, s);
  batch::Summary mine = batch::summarise(dir, scope);
  std::string counts;
  for (const auto& [v, n] : s.verdicts) counts += (counts.empty() ? "" : ", ") + v + " " + std::to_string(n);
  std::cout << s.done << " of " << s.runs.size() << " runs done (" << counts << "); " << s.as_expected
            << " as expected. Summary: " << dir << "/summary.json\n";
  for (const auto& o : mine.runs)
    if (!o.as_expected)
      std::cout << "  " << o.id << ": " << o.verdict << " (expected " << o.expect_verdict << ")\n";
  return mine.all_as_expected() ? 0 : kBatchUnexpected;
}

// --slurm: submits the job array; with --wait, follows it to its end and collects.
int submit_to_slurm(const po::variables_map& vm, const batch::BatchOptions& o, const std::string& jobs_file,
                    const std::vector<batch::Job>& jobs, std::optional<unsigned> array_size) {
  batch::SlurmSubmission s;
  s.out_dir = o.out_dir;
  s.jobs_file = jobs_file;
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) throw std::runtime_error("cannot tell where the sysgate binary is (/proc/self/exe)");
  s.sysgate.assign(self, static_cast<std::size_t>(n));
  s.tasks = static_cast<unsigned>(std::min<std::size_t>(jobs.size(), array_size.value_or(16)));
  if (vm.count("partition")) s.partition = vm["partition"].as<std::string>();
  if (o.parallel != 0) s.parallel = o.parallel;
  s.use_cgroups = o.use_cgroups;
  std::string id;
  try {
    id = batch::submit(s);
  } catch (const std::exception& e) {
    say(std::string("sysgate: batch: ") + e.what());
    return 125;
  }
  std::cout << "submitted Slurm job array " << id << " (" << s.tasks << " tasks, " << jobs.size() << " runs) into "
            << o.out_dir << "\n";
  if (!vm.count("wait")) {
    std::cout << "when it is done: sysgate batch --collect " << o.out_dir << "\n";
    return 0;
  }
  // Followed until no task of it is in the queue; SIGINT, SIGTERM or SIGHUP cancel it.
  sigset_t stop, old;
  sigemptyset(&stop);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop, sig);
  sigprocmask(SIG_BLOCK, &stop, &old);
  int failures = 0;
  for (;;) {
    timespec wait{2, 0};
    if (sigtimedwait(&stop, nullptr, &wait) > 0) {
      batch::cancel(id);
      sigprocmask(SIG_SETMASK, &old, nullptr);
      finish(o.out_dir, jobs, jobs);
      say("sysgate: batch: stopped by a signal; Slurm job " + id + " cancelled (run the same command again to resume)");
      return kBatchInterrupted;
    }
    auto left = batch::tasks_in_queue(id);
    if (!left) {
      if (++failures >= 5) {
        sigprocmask(SIG_SETMASK, &old, nullptr);
        say("sysgate: batch: squeue fails; collect later with: sysgate batch --collect " + o.out_dir);
        return 125;
      }
      continue;
    }
    failures = 0;
    if (*left == 0) break;
  }
  sigprocmask(SIG_SETMASK, &old, nullptr);
  return finish(o.out_dir, jobs, jobs);
}

}  // namespace

int cmd_batch(const std::vector<std::string>& args) {
  po::options_description table("batch");
  auto text = [] { return po::value<std::string>(); };
  table.add_options()("jobs", text())("out", text())("rerun", "")("no-cgroups", "")("keep-work", "")(
      "shard", text())("collect", text())("slurm", "")("partition", text())("array-size", text())("wait", "");
  // -j N (as make's) is --jobs N: the only short option.
  std::vector<std::string> spelled;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") {
      spelled.insert(spelled.end(), args.begin() + static_cast<long>(i), args.end());
      break;
    }
    if (args[i].starts_with("-j") && !args[i].starts_with("--")) {
      spelled.push_back("--jobs");
      if (args[i].size() > 2) spelled.push_back(args[i].substr(2));
      continue;
    }
    spelled.push_back(args[i]);
  }
  auto parsed = parse_command(spelled, table, false);
  const auto& vm = parsed.options;

  if (vm.count("collect")) {
    if (!parsed.operands.empty()) throw UsageError("--collect DIR takes no job file");
    std::string dir = fs::absolute(vm["collect"].as<std::string>()).lexically_normal().string();
    auto jobs = read_batch_index(dir);
    int status = finish(dir, jobs, jobs);
    if (auto id = slurm_job_of(dir)) {
      auto left = batch::tasks_in_queue(*id);
      if (left && *left > 0) {
        say("sysgate: batch: Slurm job " + *id + " still has " + std::to_string(*left) +
            " task(s) in the queue: this summary is not the last");
        return kBatchUnexpected;
      }
    }
    return status;
  }
  if (parsed.operands.size() != 1) throw UsageError("name one job file (sysgate-batch(5))");
  const std::string jobs_file = fs::absolute(parsed.operands[0]).lexically_normal().string();

  batch::BatchOptions o;
  o.out_dir = fs::absolute(vm.count("out") ? vm["out"].as<std::string>() : std::string("batch-results"))
                  .lexically_normal()
                  .string();
  if (vm.count("jobs")) o.parallel = parse_parallel(vm["jobs"].as<std::string>());
  o.rerun = vm.count("rerun") > 0;
  o.use_cgroups = vm.count("no-cgroups") == 0;
  o.keep_work = vm.count("keep-work") > 0;
  if (vm.count("shard")) std::tie(o.shard, o.shards) = parse_shard(vm["shard"].as<std::string>());
  if (!vm.count("slurm") && (vm.count("partition") || vm.count("array-size") || vm.count("wait")))
    throw UsageError("--partition, --array-size and --wait go with --slurm");
  if (vm.count("slurm") && vm.count("shard")) throw UsageError("--slurm makes the shards itself: no --shard");
  std::optional<unsigned> array_size;
  if (vm.count("array-size")) {
    std::string t = vm["array-size"].as<std::string>();
    char* end = nullptr;
    unsigned long k = std::strtoul(t.c_str(), &end, 10);
    if (t.empty() || *end != '\0' || k == 0 || k > 100000)
      throw UsageError("--array-size: expected a number of array tasks from 1 to 100000, got '" + t + "'");
    array_size = static_cast<unsigned>(k);
  }
  o.base_dir = fs::path(jobs_file).parent_path().string();

  std::vector<batch::Job> jobs;
  try {
    jobs = batch::load_jobs(jobs_file);
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics()) say(d.str());
    say("sysgate: batch: invalid job file " + parsed.operands[0]);
    return kBatchInvalidJobs;
  } catch (const std::runtime_error& e) {
    say(std::string("sysgate: batch: ") + e.what());
    return kBatchInvalidJobs;
  }
  try {
    batch::make_out_dir(o.out_dir);
    write_batch_index(o.out_dir, jobs_file, jobs);
  } catch (const std::exception& e) {
    say(std::string("sysgate: batch: ") + e.what());
    return 125;
  }
  if (vm.count("slurm")) return submit_to_slurm(vm, o, jobs_file, jobs, array_size);
  auto mine = batch::shard_of(jobs, o.shard, o.shards);
  bool completed = batch::run_jobs(mine, o);
  int status = finish(o.out_dir, jobs, mine);
  if (!completed) {
    say("sysgate: batch: stopped by a signal; the runs in flight were ended and get no report (run the same "
        "command again to resume)");
    return kBatchInterrupted;
  }
  return status;
}

}  // namespace sysgate::cli
