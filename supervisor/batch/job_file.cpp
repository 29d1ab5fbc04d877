#include "batch/job_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "policy/units.hpp"
#include "sysgate/diagnostic.hpp"
#include "sysgate/result.hpp"

namespace sysgate::batch {

const char* to_string(CompareSpec::Mode m) {
  switch (m) {
    case CompareSpec::Mode::Exact: return "exact";
    case CompareSpec::Mode::Lines: return "lines";
    case CompareSpec::Mode::Tokens: return "tokens";
    case CompareSpec::Mode::Float: return "float";
  }
  return "?";
}

const char* to_string(CompareSpec::Error e) {
  switch (e) {
    case CompareSpec::Error::Absolute: return "absolute";
    case CompareSpec::Error::Relative: return "relative";
    case CompareSpec::Error::Either: return "either";
  }
  return "?";
}

const std::vector<std::string>& verdict_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (int i = 0; i <= static_cast<int>(Verdict::InternalError); ++i) v.emplace_back(to_string(static_cast<Verdict>(i)));
    v.emplace_back("WRONG_ANSWER");
    return v;
  }();
  return names;
}

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The file's content as JSON, with where each value was written (by JSON
// pointer), so that both formats share one reading of the keys.
struct Document {
  json defaults = json::object();
  std::vector<json> runs;
  std::map<std::string, SourceLocation> places;  // "/defaults/limits/cpu_time", "/runs/3/id"
  SourceLocation file_start;
};

class Reader {
 public:
  Reader(const std::string& path, Document& doc) : path_(path), doc_(doc) {}

  void error(const SourceLocation& at, const std::string& message) {
    // A bad default is read once per run: report it once.
    if (seen_.insert(at.str() + '\n' + message).second) errors_.push_back(Diagnostic{at, message});
  }
  void error_at(const std::string& pointer, const std::string& message) { error(place(pointer), message); }
  SourceLocation place(const std::string& pointer) const {
    // The nearest enclosing value that has a place.
    std::string p = pointer;
    for (;;) {
      if (auto it = doc_.places.find(p); it != doc_.places.end()) return it->second;
      auto slash = p.rfind('/');
      if (slash == std::string::npos || p.empty()) return doc_.file_start;
      p.erase(slash);
    }
  }
  std::vector<Diagnostic>& errors() { return errors_; }

  // YAML: every node's place is its mark; scalars stay strings.
  json from_yaml(const YAML::Node& n, const std::string& pointer) {
    // Aliases can make a short file billions of values ("billion laughs"): a
    // file without them has fewer values than bytes.
    if (++values_ > max_values_) {
      if (values_ == max_values_ + 1) error(at(n.Mark()), "too many values (aliases repeating aliases?)");
      return nullptr;
    }
    doc_.places.emplace(pointer, at(n.Mark()));  // a map value keeps its key's place
    switch (n.Type()) {
      case YAML::NodeType::Map: {
        json o = json::object();
        for (const auto& kv : n) {
          std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
          if (key.empty()) {
            error(at(kv.first.Mark()), "a key must be a word");
            continue;
          }
          if (o.contains(key)) error(at(kv.first.Mark()), "'" + key + "' is given twice");
          doc_.places[pointer + "/" + key] = at(kv.first.Mark());
          o[key] = from_yaml(kv.second, pointer + "/" + key);
        }
        return o;
      }
      case YAML::NodeType::Sequence: {
        json a = json::array();
        for (std::size_t i = 0; i < n.size(); ++i) a.push_back(from_yaml(n[i], pointer + "/" + std::to_string(i)));
        return a;
      }
      case YAML::NodeType::Scalar: return n.Scalar();
      default: return nullptr;
    }
  }

  void read_yaml(const std::string& text) {
    max_values_ = 2 * text.size() + 1000000;
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      error(at(e.mark), e.msg);
      return;
    }
    if (root.IsNull()) {
      error(doc_.file_start, "no runs (the file is empty)");
      return;
    }
    if (!root.IsMap()) {
      error(at(root.Mark()), "a YAML job file is a map with 'runs' (and 'defaults')");
      return;
    }
    for (const auto& kv : root) {
      std::string key = kv.first.Scalar();
      if (key == "defaults") {
        doc_.defaults = from_yaml(kv.second, "/defaults");
      } else if (key == "runs") {
        if (!kv.second.IsSequence()) {
          error(at(kv.second.Mark()), "'runs' must be a list of runs");
          continue;
        }
        for (std::size_t i = 0; i < kv.second.size(); ++i)
          doc_.runs.push_back(from_yaml(kv.second[i], "/runs/" + std::to_string(doc_.runs.size())));
      } else {
        error(at(kv.first.Mark()), "unknown key '" + key + "' (a YAML job file has 'defaults' and 'runs')");
      }
    }
    if (doc_.runs.empty() && errors_.empty()) error(doc_.file_start, "no runs ('runs' is missing or empty)");
  }

  // JSON lines: a value's place is its line, at its key's column.
  void read_json_lines(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      if (std::size_t column = too_deep(line); column != 0) {
        error({path_, number, static_cast<int>(column)}, "nested too deeply (a job file needs 4 levels)");
        continue;
      }
      json v;
      try {
        v = json::parse(line);
      } catch (const json::parse_error& e) {
        std::string what = e.what();
        // "[json.exception.parse_error.101] parse error at line 1, column 8: MESSAGE"
        if (auto colon = what.find(": ", what.find(']')); colon != std::string::npos) what = what.substr(colon + 2);
        error({path_, number, static_cast<int>(std::min<std::size_t>(e.byte, line.size() + 1))}, what);
        continue;
      }
      if (!v.is_object()) {
        error({path_, number, 1}, "each line is a JSON object (a run, or {\"defaults\": {...}} first)");
        continue;
      }
      std::string pointer;
      if (v.contains("defaults") && v.size() == 1) {
        if (!doc_.runs.empty()) {
          error({path_, number, 1}, "the defaults line must come before the first run");
          continue;
        }
        if (defaults_line_ != 0) {
          error({path_, number, 1}, "a second defaults line (the first is line " + std::to_string(defaults_line_) + ")");
          continue;
        }
        defaults_line_ = number;
        pointer = "/defaults";
        v = v["defaults"];
        doc_.defaults = v;
      } else {
        pointer = "/runs/" + std::to_string(doc_.runs.size());
        doc_.runs.push_back(v);
      }
      mark_keys(v, pointer, line, number, 0);
    }
    if (doc_.runs.empty() && errors_.empty()) error(doc_.file_start, "no runs (no line holds a run)");
  }

 private:
  SourceLocation at(const YAML::Mark& m) const { return {path_, m.line + 1, m.column + 1}; }

  // The 1-based column where `line` opens its 33rd nested array or object, or 0.
  static std::size_t too_deep(const std::string& line) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      char c = line[i];
      if (in_string) {
        if (escaped) escaped = false;
        else if (c == '\\') escaped = true;
        else if (c == '"') in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '[' || c == '{') {
        if (++depth > 32) return i + 1;
      } else if (c == ']' || c == '}') {
        --depth;
      }
    }
    return 0;
  }

  // Each key's column is where `"key":` first appears on its line after its
  // parent's key (a "key" that is not followed by ':' is a value).
  void mark_keys(const json& v, const std::string& pointer, const std::string& line, int number, std::size_t from) {
    doc_.places.emplace(pointer, SourceLocation{path_, number, 1});
    if (!v.is_object()) return;
    for (const auto& [key, value] : v.items()) {
      const std::string quoted = "\"" + key + "\"";
      auto col = line.find(quoted, from);
      while (col != std::string::npos) {
        auto next = line.find_first_not_of(" \t", col + quoted.size());
        if (next != std::string::npos && line[next] == ':') break;
        col = line.find(quoted, col + 1);
      }
      doc_.places[pointer + "/" + key] = {path_, number, col == std::string::npos ? 1 : static_cast<int>(col) + 1};
      mark_keys(value, pointer + "/" + key, line, number, col == std::string::npos ? from : col + quoted.size());
    }
  }

  std::string path_;
  int defaults_line_ = 0;  // JSON lines: where the defaults were given
  Document& doc_;
  std::vector<Diagnostic> errors_;
  std::set<std::string> seen_;
  std::size_t values_ = 0, max_values_ = 0;
};

// Reads the keys of one run (its defaults applied) into a Job.
class JobBuilder {
 public:
  JobBuilder(Reader& r, const fs::path& base) : r_(r), base_(base) {}

  Job build(const json& defaults, const json& run, const std::string& pointer) {
    Job job;
    job.where = r_.place(pointer);
    if (!run.is_object()) {
      r_.error_at(pointer, "a run is a map of keys");
      return job;
    }
    for (const auto& [key, value] : run.items()) check_key(key, pointer + "/" + key, true);
    // `id` first: the templates use it.
    if (auto id = run.find("id"); id != run.end()) {
      job.id = text(*id, pointer + "/id");
      if (!valid_id(job.id))
        r_.error_at(pointer + "/id", "'id' is letters, digits, '.', '_' and '-', not starting with '.' (got '" +
                                         job.id + "')");
    } else {
      r_.error_at(pointer, "a run needs an 'id'");
    }
    auto pick = [&](const char* key) -> std::pair<const json*, std::string> {
      if (auto it = run.find(key); it != run.end()) return {&*it, pointer + "/" + key};
      if (auto it = defaults.find(key); it != defaults.end()) return {&*it, std::string("/defaults/") + key};
      return {nullptr, {}};
    };
    if (auto [v, p] = pick("command"); v != nullptr) {
      if (!v->is_array() || v->empty()) {
        r_.error_at(p, "'command' is a list: the program and its arguments, e.g. [\"./a.out\"]");
      } else {
        for (std::size_t i = 0; i < v->size(); ++i) job.command.push_back(expand(text((*v)[i], p + "/" + std::to_string(i)), job.id));
      }
    } else {
      r_.error_at(pointer, "a run needs a 'command'");
    }
    if (auto [v, p] = pick("cwd"); v != nullptr) job.cwd = existing(expand(text(*v, p), job.id), p, true);
    if (auto [v, p] = pick("stdin"); v != nullptr) job.stdin_path = existing(expand(text(*v, p), job.id), p, false);
    if (auto [v, p] = pick("expect_stdout"); v != nullptr)
      job.expect_stdout = existing(expand(text(*v, p), job.id), p, false);
    if (auto [v, p] = pick("policy"); v != nullptr) {
      std::string name = text(*v, p);
      // A file beside the job file, else a shipped policy's name (the session says if neither).
      fs::path file = base_ / name;
      job.policy = name.find('/') != std::string::npos || fs::exists(file) ? file.lexically_normal().string() : name;
    }
    if (auto [v, p] = pick("engine"); v != nullptr) {
      std::string e = text(*v, p);
      if (e == "ptrace") job.engine = compile::Engine::Ptrace;
      else if (e != "seccomp") r_.error_at(p, "'engine' is seccomp or ptrace, got '" + e + "'");
    }
    if (auto [v, p] = pick("compare"); v != nullptr) {
      std::string m = text(*v, p);
      if (m == "exact") job.compare.mode = CompareSpec::Mode::Exact;
      else if (m == "lines") job.compare.mode = CompareSpec::Mode::Lines;
      else if (m == "tokens") job.compare.mode = CompareSpec::Mode::Tokens;
      else if (m == "float") job.compare.mode = CompareSpec::Mode::Float;
      else r_.error_at(p, "'compare' is exact, lines, tokens or float, got '" + m + "'");
    }
    if (auto [v, p] = pick("epsilon"); v != nullptr) {
      std::string e = text(*v, p);
      char* end = nullptr;
      double d = std::strtod(e.c_str(), &end);
      if (e.empty() || *end != '\0' || !std::isfinite(d) || d < 0)
        r_.error_at(p, "'epsilon' is a number of at least 0, got '" + e + "'");
      else
        job.compare.epsilon = d;
    }
    if (auto [v, p] = pick("error"); v != nullptr) {
      std::string e = text(*v, p);
      if (e == "absolute") job.compare.error = CompareSpec::Error::Absolute;
      else if (e == "relative") job.compare.error = CompareSpec::Error::Relative;
      else if (e == "either") job.compare.error = CompareSpec::Error::Either;
      else r_.error_at(p, "'error' is absolute, relative or either, got '" + e + "'");
    }
    if (auto [v, p] = pick("expect_verdict"); v != nullptr) {
      job.expect_verdict = text(*v, p);
      const auto& names = verdict_names();
      if (std::find(names.begin(), names.end(), job.expect_verdict) == names.end())
        r_.error_at(p, "'expect_verdict' names a verdict (OK, WRONG_ANSWER, CPU_TIME_LIMIT, ...), got '" +
                           job.expect_verdict + "'");
    }
    if (auto it = defaults.find("limits"); it != defaults.end()) read_limits(*it, "/defaults/limits", job.limits);
    if (auto it = run.find("limits"); it != run.end()) read_limits(*it, pointer + "/limits", job.limits);
    if (auto it = defaults.find("env"); it != defaults.end()) read_env(*it, "/defaults/env", job.env);
    if (auto it = run.find("env"); it != run.end()) read_env(*it, pointer + "/env", job.env);
    if (job.expect_verdict == "WRONG_ANSWER" && !job.expect_stdout)
      r_.error_at(pointer, "'expect_verdict: WRONG_ANSWER' needs an 'expect_stdout' to compare with");
    return job;
  }

  void check_key(const std::string& key, const std::string& pointer, bool in_run) {
    static const std::set<std::string> keys = {"id",      "command", "cwd",   "policy", "engine",        "stdin",
                                               "expect_stdout", "compare", "epsilon", "error", "expect_verdict",
                                               "limits",  "env"};
    if (!keys.count(key)) r_.error_at(pointer, "unknown key '" + key + "'");
    else if (!in_run && key == "id") r_.error_at(pointer, "'id' belongs to each run, not to the defaults");
  }

 private:
  static bool valid_id(const std::string& id) {
    if (id.empty() || id.size() > 200 || id[0] == '.') return false;
    for (unsigned char c : id)
      if (!std::isalnum(c) && c != '.' && c != '_' && c != '-') return false;
    return true;
  }

  std::string text(const json& v, const std::string& pointer) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number()) return v.dump();
    r_.error_at(pointer, "expected a word or a number here");
    return {};
  }

  static std::string expand(std::string s, const std::string& id) {
    for (auto at = s.find("${id}"); at != std::string::npos; at = s.find("${id}", at + id.size())) s.replace(at, 5, id);
    return s;
  }

  std::string existing(const std::string& given, const std::string& pointer, bool directory) {
    fs::path p = given;
    if (p.is_relative()) p = base_ / p;
    p = p.lexically_normal();
    std::error_code ec;
    auto st = fs::status(p, ec);
    if (ec || !fs::exists(st))
      r_.error_at(pointer, "'" + given + "': no such " + (directory ? "directory" : "file") + " (" + p.string() + ")");
    else if (directory != fs::is_directory(st))
      r_.error_at(pointer, "'" + given + "' is " + (directory ? "not a directory" : "a directory"));
    return p.string();
  }

  void read_limits(const json& v, const std::string& pointer, Limits& limits) {
    if (!v.is_object()) {
      r_.error_at(pointer, "'limits' is a map: cpu_time, wall_time, memory, processes, output, file_size, "
                           "open_files, stack");
      return;
    }
    for (const auto& [key, value] : v.items()) {
      std::string p = pointer + "/" + key;
      std::string t = text(value, p);
      try {
        if (key == "cpu_time") limits.cpu_time_s = policy::parse_duration(t);
        else if (key == "wall_time") limits.wall_time_s = policy::parse_duration(t);
        else if (key == "memory") limits.memory = policy::parse_size(t);
        else if (key == "output") limits.output = policy::parse_size(t);
        else if (key == "file_size") limits.file_size = policy::parse_size(t);
        else if (key == "stack") limits.stack = policy::parse_size(t);
        else if (key == "processes") limits.processes = policy::parse_count(t);
        else if (key == "open_files") limits.open_files = policy::parse_count(t);
        else r_.error_at(p, "unknown limit '" + key + "' (cpu_time, wall_time, memory, processes, output, file_size, "
                            "open_files, stack)");
      } catch (const std::invalid_argument& e) {
        r_.error_at(p, std::string(key) + ": " + e.what());
      }
    }
  }

  void read_env(const json& v, const std::string& pointer, std::vector<std::string>& env) {
    if (!v.is_object()) {
      r_.error_at(pointer, "'env' is a map of NAME: VALUE");
      return;
    }
    for (const auto& [key, value] : v.items()) {
      if (key.empty() || key.find('=') != std::string::npos) {
        r_.error_at(pointer + "/" + key, "'" + key + "' is not an environment variable's name");
        continue;
      }
      env.push_back(key + "=" + text(value, pointer + "/" + key));
    }
  }

  Reader& r_;
  fs::path base_;
};

bool looks_like_json_lines(const std::string& path, const std::string& text) {
  if (path.ends_with(".jsonl") || path.ends_with(".ndjson") || path.ends_with(".json")) return true;
  if (path.ends_with(".yaml") || path.ends_with(".yml")) return false;
  auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string::npos && text[first] == '{';
}

}  // namespace

std::vector<Job> load_jobs(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the job file '" + path + "'");
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  Document doc;
  doc.file_start = {path, 1, 1};
  Reader reader(path, doc);
  if (auto nul = text.find('\0'); nul != std::string::npos) {
    auto line_start = text.rfind('\n', nul);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    reader.error({path, 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(nul), '\n')),
                  1 + static_cast<int>(nul - line_start)},
                 "the job file holds a NUL byte: not a text file");
    throw InputError(reader.errors());
  }
  if (looks_like_json_lines(path, text)) reader.read_json_lines(text);
  else reader.read_yaml(text);

  fs::path base = fs::absolute(path).parent_path();
  JobBuilder builder(reader, base);
  std::vector<Job> jobs;
  if (!doc.defaults.is_object()) {
    reader.error_at("/defaults", "'defaults' is a map of keys");
    doc.defaults = json::object();
  }
  for (const auto& [key, value] : doc.defaults.items()) builder.check_key(key, "/defaults/" + key, false);
  std::map<std::string, SourceLocation> ids;
  for (std::size_t i = 0; i < doc.runs.size(); ++i) {
    Job job = builder.build(doc.defaults, doc.runs[i], "/runs/" + std::to_string(i));
    if (!job.id.empty()) {
      const SourceLocation id_at = reader.place("/runs/" + std::to_string(i) + "/id");
      if (auto [it, fresh] = ids.emplace(job.id, id_at); !fresh)
        reader.error(id_at, "the id '" + job.id + "' is also at " + it->second.str());
    }
    jobs.push_back(std::move(job));
  }
  if (!reader.errors().empty()) throw InputError(reader.errors());
  return jobs;
}

}  // namespace sysgate::batch
