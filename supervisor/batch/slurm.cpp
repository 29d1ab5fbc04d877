#include "batch/slurm.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace sysgate::batch {
namespace {

struct Output {
  int status = -1;  // the exit status; -1 when it could not run or died of a signal
  std::string text;  // stdout and stderr
};

// Runs a command found on PATH, its stdin /dev/null, and reads what it prints.
Output run_command(const std::vector<std::string>& argv) {
  Output out;
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) return out;
  pid_t pid = fork();
  if (pid < 0) {
    close(pipefd[0]);
    close(pipefd[1]);
    return out;
  }
  if (pid == 0) {
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, STDIN_FILENO);
    dup2(pipefd[1], STDOUT_FILENO);
    dup2(pipefd[1], STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    dprintf(STDERR_FILENO, "%s: %s\n", args[0], std::strerror(errno));
    _exit(127);
  }
  close(pipefd[1]);
  char buf[4096];
  for (ssize_t n; (n = read(pipefd[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    out.text.append(buf, static_cast<std::size_t>(n));
  }
  close(pipefd[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

// 'text' for sh, whatever it holds.
std::string quoted(const std::string& text) {
  std::string q = "'";
  for (char c : text) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

std::string job_script(const SlurmSubmission& s) {
  std::ostringstream o;
  o << "#!/bin/sh\n"
    << "# sysgate batch on Slurm: array task I runs shard I of " << s.tasks << " of the job file.\n"
    << "#SBATCH --job-name=sysgate-batch\n"
    << "#SBATCH --array=0-" << s.tasks - 1 << "\n"
    << "#SBATCH --output=" << s.out_dir << "/slurm/%A_%a.out\n"
    << "#SBATCH --chdir=" << std::filesystem::path(s.jobs_file).parent_path().string() << "\n";
  if (s.partition) o << "#SBATCH --partition=" << *s.partition << "\n";
  o << "exec " << quoted(s.sysgate) << " batch --shard \"$SLURM_ARRAY_TASK_ID/" << s.tasks << "\" --out "
    << quoted(s.out_dir);
  if (s.parallel) o << " --jobs " << *s.parallel;
  if (!s.use_cgroups) o << " --no-cgroups";
  o << " " << quoted(s.jobs_file) << "\n";
  return o.str();
}

std::string submit(const SlurmSubmission& s) {
  const std::string dir = s.out_dir + "/slurm";
  std::filesystem::create_directories(dir);
  const std::string script = dir + "/batch.sbatch";
  {
    std::ofstream out(script, std::ios::trunc);
    out << job_script(s);
    if (!out) throw std::runtime_error("cannot write " + script);
  }
  Output r = run_command({"sbatch", "--parsable", script});
  if (r.status != 0) throw std::runtime_error("sbatch " + script + " failed: " + trimmed(r.text));
  // --parsable prints "ID" or "ID;CLUSTER".
  std::string id = trimmed(r.text);
  if (auto nl = id.rfind('\n'); nl != std::string::npos) id = id.substr(nl + 1);
  if (auto semi = id.find(';'); semi != std::string::npos) id.erase(semi);
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
    throw std::runtime_error("sbatch printed no job id: " + trimmed(r.text));
  std::ofstream(dir + "/job_id", std::ios::trunc) << id << "\n";
  return id;
}

std::optional<int> tasks_in_queue(const std::string& job_id) {
  Output r = run_command({"squeue", "--noheader", "--array", "--jobs", job_id, "--format=%i"});
  if (r.status != 0) {
    // A job that has left the controller's memory is not an error of ours.
    if (r.text.find("Invalid job id") != std::string::npos) return 0;
    return std::nullopt;
  }
  int n = 0;
  std::istringstream in(r.text);
  for (std::string line; std::getline(in, line);)
    if (!trimmed(line).empty()) ++n;
  return n;
}

void cancel(const std::string& job_id) { run_command({"scancel", job_id}); }

}  // namespace sysgate::batch
