#include "batch/summary.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace sysgate::batch {

using nlohmann::json;

void write_atomically(const std::string& path, const std::string& text) {
  // Shards on several machines may write into one shared directory at once.
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  std::string tmp = path + ".tmp." + host + "." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, path);
}

std::string report_path(const std::string& dir, const std::string& id) { return dir + "/reports/" + id + ".json"; }

Summary summarise(const std::string& dir, const std::vector<Job>& jobs) {
  Summary s;
  for (const Job& job : jobs) {
    Outcome o;
    o.id = job.id;
    o.expect_verdict = job.expect_verdict;
    o.verdict = "NOT_RUN";
    std::ifstream in(report_path(dir, job.id));
    if (in) {
      try {
        json r = json::parse(in);
        o.verdict = r.at("verdict").get<std::string>();
        o.cpu_time_s = r.value("cpu_time_s", 0.0);
        o.wall_time_s = r.value("wall_time_s", 0.0);
        o.memory_peak_bytes = r.value("memory_peak_bytes", std::uint64_t{0});
        if (r.contains("denials") && r["denials"].is_object()) o.denials = r["denials"].value("count", std::uint64_t{0});
        o.done = true;
      } catch (const json::exception&) {
        o.verdict = "NOT_RUN";  // a report cut short (the disk filled): the run is done again
      }
    }
    o.as_expected = o.done && o.verdict == o.expect_verdict;
    if (o.done) ++s.done;
    if (o.as_expected) ++s.as_expected;
    ++s.verdicts[o.verdict];
    s.runs.push_back(o);
  }
  return s;
}

void write_summary(const std::string& dir, const Summary& s) {
  json runs = json::array();
  json unexpected = json::array();
  std::ostringstream csv;
  csv << "id,verdict,cpu_time_s,wall_time_s,memory_peak_bytes,denials\n";
  for (const Outcome& o : s.runs) {
    runs.push_back({{"id", o.id},
                    {"verdict", o.verdict},
                    {"expect_verdict", o.expect_verdict},
                    {"as_expected", o.as_expected},
                    {"cpu_time_s", o.cpu_time_s},
                    {"wall_time_s", o.wall_time_s},
                    {"memory_peak_bytes", o.memory_peak_bytes},
                    {"denials", o.denials}});
    if (!o.as_expected) unexpected.push_back(o.id);
    char line[128];
    std::snprintf(line, sizeof line, ",%.6f,%.6f,%llu,%llu\n", o.cpu_time_s, o.wall_time_s,
                  static_cast<unsigned long long>(o.memory_peak_bytes), static_cast<unsigned long long>(o.denials));
    csv << o.id << "," << o.verdict << line;
  }
  json j = {{"schema", 1},
            {"runs", s.runs.size()},
            {"done", s.done},
            {"as_expected", s.as_expected},
            {"all_as_expected", s.all_as_expected()},
            {"verdicts", s.verdicts},
            {"unexpected", unexpected},
            {"results", runs}};
  write_atomically(dir + "/summary.json", j.dump(2) + "\n");
  write_atomically(dir + "/summary.csv", csv.str());
}

}  // namespace sysgate::batch
