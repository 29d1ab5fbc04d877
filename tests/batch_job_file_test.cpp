// batch::load_jobs: what JSON lines and YAML job files load to (defaults,
// paths, ${id}, limits), and every error with its FILE:LINE:COLUMN (the
// contract: supervisor/batch/job_file.hpp).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "batch/job_file.hpp"
#include "sysgate/diagnostic.hpp"

namespace sysgate::batch {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sysgate-jobs-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::string p = path_ + "/" + name;
    fs::create_directories(fs::path(p).parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  std::string mkdir(const std::string& name) const {
    fs::create_directories(path_ + "/" + name);
    return path_ + "/" + name;
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string dump(const std::vector<Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) s += "  " + d.str() + "\n";
  return s;
}

// The diagnostics of an invalid job file; a test fails when it loads.
std::vector<Diagnostic> errors_of(const std::string& path) {
  try {
    auto jobs = load_jobs(path);
    ADD_FAILURE() << path << " loaded " << jobs.size() << " runs without error";
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

// Diagnostic `d` is at file:line:column and its message contains `text`.
::testing::AssertionResult IsAt(const Diagnostic& d, const std::string& file, int line, int column,
                                const std::string& text) {
  if (d.where.file == file && d.where.line == line && d.where.column == column &&
      d.message.find(text) != std::string::npos)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected " << file << ":" << line << ":" << column << ": ..." << text
                                       << "...\ngot " << d.str();
}

// Loading `file` fails with exactly one error, at line:column, containing `text`.
::testing::AssertionResult OneError(const std::string& file, int line, int column, const std::string& text) {
  auto ds = errors_of(file);
  if (ds.size() != 1) return ::testing::AssertionFailure() << "expected 1 error, got " << ds.size() << ":\n" << dump(ds);
  return IsAt(ds[0], file, line, column, text);
}

// Every field but `where`.
void ExpectSameJob(const Job& a, const Job& b) {
  SCOPED_TRACE("job " + a.id);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.command, b.command);
  EXPECT_EQ(a.cwd, b.cwd);
  EXPECT_EQ(a.policy, b.policy);
  EXPECT_EQ(a.engine, b.engine);
  EXPECT_EQ(a.stdin_path, b.stdin_path);
  EXPECT_EQ(a.expect_stdout, b.expect_stdout);
  EXPECT_EQ(a.compare.mode, b.compare.mode);
  EXPECT_EQ(a.compare.epsilon, b.compare.epsilon);
  EXPECT_EQ(a.compare.error, b.compare.error);
  EXPECT_EQ(a.limits.cpu_time_s, b.limits.cpu_time_s);
  EXPECT_EQ(a.limits.wall_time_s, b.limits.wall_time_s);
  EXPECT_EQ(a.limits.memory, b.limits.memory);
  EXPECT_EQ(a.limits.processes, b.limits.processes);
  EXPECT_EQ(a.limits.output, b.limits.output);
  EXPECT_EQ(a.limits.file_size, b.limits.file_size);
  EXPECT_EQ(a.limits.open_files, b.limits.open_files);
  EXPECT_EQ(a.limits.stack, b.limits.stack);
  EXPECT_EQ(a.env, b.env);
  EXPECT_EQ(a.expect_verdict, b.expect_verdict);
}

constexpr std::uint64_t MiB = 1024 * 1024;

// The files the runs of the main example name.
void make_inputs(const TempDir& dir) {
  for (const char* id : {"a", "b"}) {
    dir.write("tests/"s + id + ".in", "1 2\n");
    dir.write("tests/"s + id + ".out", "3\n");
  }
  dir.mkdir("work/b");
  dir.write("p.yaml", "version: 1\n");
}

const char* kJsonLines =
    R"({"defaults": {"command": ["./prog", "${id}"], "stdin": "tests/${id}.in", "expect_stdout": "tests/${id}.out", "compare": "tokens", "policy": "p.yaml", "limits": {"cpu_time": "2s", "memory": "256MiB"}, "env": {"LANG": "C"}}}
{"id": "a"}

{"id": "b", "command": ["./prog", "--name=${id}", "${id}${id}"], "engine": "ptrace", "compare": "float", "epsilon": 0.001, "error": "relative", "limits": {"memory": "64MiB", "processes": 4}, "cwd": "work/${id}", "expect_verdict": "WRONG_ANSWER", "env": {"X": "1"}, "policy": "strict"}
)";

const char* kYaml = R"(# the same runs as kJsonLines
defaults:
  command: ["./prog", "${id}"]
  stdin: tests/${id}.in
  expect_stdout: "tests/${id}.out"
  compare: tokens
  policy: p.yaml
  limits:
    cpu_time: 2s
    memory: 256MiB
  env:
    LANG: C
runs:
  - id: a
  - id: b
    command:
      - ./prog
      - --name=${id}
      - ${id}${id}
    engine: ptrace
    compare: float
    epsilon: 0.001
    error: relative
    limits: {memory: 64MiB, processes: 4}
    cwd: work/${id}
    expect_verdict: WRONG_ANSWER
    env: {X: "1"}
    policy: strict
)";

// The jobs both kJsonLines and kYaml describe, as they must load.
std::vector<Job> expected_jobs(const TempDir& dir) {
  Job a;
  a.id = "a";
  a.command = {"./prog", "a"};
  a.policy = dir / "p.yaml";
  a.stdin_path = dir / "tests/a.in";
  a.expect_stdout = dir / "tests/a.out";
  a.compare.mode = CompareSpec::Mode::Tokens;
  a.limits.cpu_time_s = 2.0;
  a.limits.memory = 256 * MiB;
  a.env = {"LANG=C"};
  Job b;
  b.id = "b";
  b.command = {"./prog", "--name=b", "bb"};
  b.cwd = dir / "work/b";
  b.policy = "strict";
  b.engine = compile::Engine::Ptrace;
  b.stdin_path = dir / "tests/b.in";
  b.expect_stdout = dir / "tests/b.out";
  b.compare = {CompareSpec::Mode::Float, 0.001, CompareSpec::Error::Relative};
  b.limits.cpu_time_s = 2.0;
  b.limits.memory = 64 * MiB;
  b.limits.processes = 4;
  b.env = {"LANG=C", "X=1"};
  b.expect_verdict = "WRONG_ANSWER";
  return {a, b};
}

// ---- what loads ----

// A JSON lines file with a defaults line loads to the runs, defaults applied; each run's place is its line.
TEST(BatchJobFile, JsonLinesLoad) {
  TempDir dir;
  make_inputs(dir);
  auto path = dir.write("jobs.jsonl", kJsonLines);
  auto jobs = load_jobs(path);
  auto want = expected_jobs(dir);
  ASSERT_EQ(jobs.size(), 2u);
  ExpectSameJob(jobs[0], want[0]);
  ExpectSameJob(jobs[1], want[1]);
  EXPECT_EQ(jobs[0].where, (SourceLocation{path, 2, 1}));
  EXPECT_EQ(jobs[1].where, (SourceLocation{path, 4, 1}));
}

// The YAML form of the same file loads to the same jobs; each run's place is its first key.
TEST(BatchJobFile, YamlLoadsTheSameJobs) {
  TempDir dir;
  make_inputs(dir);
  auto path = dir.write("jobs.yaml", kYaml);
  auto jobs = load_jobs(path);
  auto want = expected_jobs(dir);
  ASSERT_EQ(jobs.size(), 2u);
  ExpectSameJob(jobs[0], want[0]);
  ExpectSameJob(jobs[1], want[1]);
  EXPECT_EQ(jobs[0].where, (SourceLocation{path, 14, 5}));
  EXPECT_EQ(jobs[1].where, (SourceLocation{path, 15, 5}));
}

// Without a telling extension the format is guessed from the first character.
TEST(BatchJobFile, FormatGuessedWithoutExtension) {
  TempDir dir;
  make_inputs(dir);
  auto want = expected_jobs(dir);
  auto from_json = load_jobs(dir.write("jobs-a", kJsonLines));
  auto from_yaml = load_jobs(dir.write("jobs-b", kYaml));
  ASSERT_EQ(from_json.size(), 2u);
  ASSERT_EQ(from_yaml.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    ExpectSameJob(from_json[i], want[i]);
    ExpectSameJob(from_yaml[i], want[i]);
  }
}

// Relative paths are the job file's directory's (normalised); absolute ones are kept; policy names stay names.
TEST(BatchJobFile, RelativePathsResolveAgainstTheJobFile) {
  TempDir dir;
  dir.write("in/a.in", "");
  dir.write("sub/out/a.out", "");
  dir.write("sub/local.yaml", "version: 1\n");
  dir.mkdir("sub/tree");
  auto abs_in = dir.write("elsewhere/abs.in", "");
  auto path = dir.write("sub/jobs.jsonl",
                        R"({"id": "a", "stdin": "../in/${id}.in", "expect_stdout": "./out/${id}.out", "cwd": "tree/", "policy": "local.yaml", "command": ["prog"]}
{"id": "b", "stdin": ")" + abs_in + R"(", "policy": "pol/none.yaml", "command": ["../prog"]}
{"id": "c", "policy": "strict", "command": ["prog"]}
)");
  auto jobs = load_jobs(path);
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].stdin_path, dir / "in/a.in");
  EXPECT_EQ(jobs[0].expect_stdout, dir / "sub/out/a.out");
  EXPECT_EQ(jobs[0].cwd, dir / "sub/tree/");
  EXPECT_EQ(jobs[0].policy, dir / "sub/local.yaml");
  EXPECT_EQ(jobs[1].stdin_path, abs_in);
  EXPECT_EQ(jobs[1].policy, dir / "sub/pol/none.yaml");
  EXPECT_EQ(jobs[1].command, std::vector<std::string>{"../prog"});  // the command is the program's, not a path here
  EXPECT_EQ(jobs[2].policy, "strict");
  EXPECT_EQ(jobs[2].stdin_path, std::nullopt);
  EXPECT_EQ(jobs[2].expect_stdout, std::nullopt);
  EXPECT_EQ(jobs[2].cwd, std::nullopt);
}

// ${id} expands everywhere (every occurrence) in command, cwd, stdin and expect_stdout, and nowhere else.
TEST(BatchJobFile, IdExpands) {
  TempDir dir;
  dir.write("t-x.1/x.1.in", "");
  dir.write("t-x.1/x.1.out", "");
  auto path = dir.write("jobs.yaml", R"(defaults:
  cwd: t-${id}
  stdin: t-${id}/${id}.in
  expect_stdout: t-${id}/${id}.out
  env: {NAME: "${id}"}
runs:
  - id: x.1
    command: ["${id}", "-o", "${id}.${id}", "${ID}", "$id"]
)");
  auto jobs = load_jobs(path);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].command, (std::vector<std::string>{"x.1", "-o", "x.1.x.1", "${ID}", "$id"}));
  EXPECT_EQ(jobs[0].cwd, dir / "t-x.1");
  EXPECT_EQ(jobs[0].stdin_path, dir / "t-x.1/x.1.in");
  EXPECT_EQ(jobs[0].expect_stdout, dir / "t-x.1/x.1.out");
  EXPECT_EQ(jobs[0].env, std::vector<std::string>{"NAME=${id}"});
}

// Limits merge key by key: the defaults', then the run's over them; JSON numbers are read as written.
TEST(BatchJobFile, LimitsMergePerKey) {
  TempDir dir;
  auto path = dir.write("jobs.jsonl",
                        R"({"defaults": {"limits": {"cpu_time": "1s", "wall_time": "5s", "memory": 268435456}}}
{"id": "a", "command": ["x"], "limits": {"cpu_time": 3, "open_files": 16, "stack": "8MiB"}}
{"id": "b", "command": ["x"]}
{"id": "c", "command": ["x"], "limits": {"memory": "1GiB", "output": "64KiB", "file_size": "1MiB", "processes": "2", "wall_time": "1500ms"}}
)");
  auto jobs = load_jobs(path);
  ASSERT_EQ(jobs.size(), 3u);
  const Limits& a = jobs[0].limits;
  EXPECT_EQ(a.cpu_time_s, 3.0);
  EXPECT_EQ(a.wall_time_s, 5.0);
  EXPECT_EQ(a.memory, 256 * MiB);
  EXPECT_EQ(a.open_files, 16u);
  EXPECT_EQ(a.stack, 8 * MiB);
  EXPECT_EQ(a.processes, std::nullopt);
  const Limits& b = jobs[1].limits;
  EXPECT_EQ(b.cpu_time_s, 1.0);
  EXPECT_EQ(b.wall_time_s, 5.0);
  EXPECT_EQ(b.memory, 256 * MiB);
  EXPECT_EQ(b.open_files, std::nullopt);
  EXPECT_EQ(b.stack, std::nullopt);
  const Limits& c = jobs[2].limits;
  EXPECT_EQ(c.cpu_time_s, 1.0);
  EXPECT_EQ(c.wall_time_s, 1.5);
  EXPECT_EQ(c.memory, 1024 * MiB);
  EXPECT_EQ(c.output, 64u * 1024);
  EXPECT_EQ(c.file_size, 1 * MiB);
  EXPECT_EQ(c.processes, 2u);
}

// What a run leaves out is the documented default: exact, 1e-6 either, seccomp, verdict OK, no limits.
TEST(BatchJobFile, Defaults) {
  TempDir dir;
  auto jobs = load_jobs(dir.write("jobs.jsonl", R"({"id": "a", "command": ["x"]})"));
  ASSERT_EQ(jobs.size(), 1u);
  ExpectSameJob(jobs[0], [] {
    Job j;
    j.id = "a";
    j.command = {"x"};
    return j;
  }());
  EXPECT_EQ(jobs[0].compare.mode, CompareSpec::Mode::Exact);
  EXPECT_EQ(jobs[0].compare.epsilon, 1e-6);
  EXPECT_EQ(jobs[0].expect_verdict, "OK");
}

// Ids may be letters, digits, '.', '_' and '-', and a number; CRLF line ends are fine.
TEST(BatchJobFile, GoodIds) {
  TempDir dir;
  auto jobs = load_jobs(dir.write("jobs.jsonl", "{\"id\": \"A-1_b.c\", \"command\": [\"x\"]}\r\n"
                                                "{\"id\": 7, \"command\": [\"x\"]}\r\n"));
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].id, "A-1_b.c");
  EXPECT_EQ(jobs[1].id, "7");
}

// Every verdict name is accepted as expect_verdict, WRONG_ANSWER last.
TEST(BatchJobFile, VerdictNames) {
  const auto& names = verdict_names();
  ASSERT_EQ(names.size(), 14u);
  EXPECT_EQ(names.front(), "OK");
  EXPECT_EQ(names.back(), "WRONG_ANSWER");
  TempDir dir;
  dir.write("e.out", "");
  std::string text;
  for (const auto& n : names)
    text += R"({"id": ")" + n + R"(", "expect_verdict": ")" + n + R"(", "expect_stdout": "e.out", "command": ["x"]})" + "\n";
  auto jobs = load_jobs(dir.write("jobs.jsonl", text));
  ASSERT_EQ(jobs.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ(jobs[i].expect_verdict, names[i]);
}

// 20,000 runs load (JSON lines and YAML), in order, the count right.
TEST(BatchJobFile, TwentyThousandRuns) {
  TempDir dir;
  const int n = 20000;
  std::string jsonl = R"({"defaults": {"compare": "tokens", "limits": {"cpu_time": "1s"}}})" "\n";
  std::string yaml = "defaults: {compare: tokens, limits: {cpu_time: 1s}}\nruns:\n";
  for (int i = 0; i < n; ++i) {
    std::string id = "r" + std::to_string(i);
    jsonl += R"({"id": ")" + id + R"(", "command": ["./a", "${id}"]})" "\n";
    yaml += "  - {id: " + id + ", command: [./a, \"${id}\"]}\n";
  }
  for (const auto& path : {dir.write("big.jsonl", jsonl), dir.write("big.yaml", yaml)}) {
    SCOPED_TRACE(path);
    auto jobs = load_jobs(path);
    ASSERT_EQ(jobs.size(), static_cast<std::size_t>(n));
    EXPECT_EQ(jobs[0].id, "r0");
    EXPECT_EQ(jobs[n - 1].id, "r19999");
    EXPECT_EQ(jobs[n - 1].command, (std::vector<std::string>{"./a", "r19999"}));
    EXPECT_EQ(jobs[n - 1].compare.mode, CompareSpec::Mode::Tokens);
    EXPECT_EQ(jobs[n - 1].limits.cpu_time_s, 1.0);
  }
}

// ---- errors ----

// A file that cannot be read is a runtime_error, not an InputError.
TEST(BatchJobFileErrors, UnreadableFile) {
  TempDir dir;
  try {
    load_jobs(dir / "none.jsonl");
    ADD_FAILURE() << "loaded";
  } catch (const InputError&) {
    ADD_FAILURE() << "InputError";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("none.jsonl"), std::string::npos) << e.what();
  }
}

// An unknown key is placed at the key, in a run and in the defaults; 'id' does not belong to the defaults.
TEST(BatchJobFileErrors, UnknownKey) {
  TempDir dir;
  EXPECT_TRUE(OneError(dir.write("a.jsonl", R"({"id": "a", "bogus": 1, "command": ["x"]})"), 1, 13,
                       "unknown key 'bogus'"));
  EXPECT_TRUE(OneError(dir.write("b.jsonl", R"({"defaults": {"bogus": 1}}
{"id": "a", "command": ["x"]})"),
                       1, 15, "unknown key 'bogus'"));
  EXPECT_TRUE(OneError(dir.write("c.jsonl", R"({"defaults": {"id": "a"}}
{"id": "a", "command": ["x"]})"),
                       1, 15, "'id' belongs to each run"));
  EXPECT_TRUE(OneError(dir.write("d.yaml", "runs:\n  - id: a\n    command: [x]\n    bogus: 1\n"), 4, 5,
                       "unknown key 'bogus'"));
  EXPECT_TRUE(OneError(dir.write("e.yaml", "runs:\n  - id: a\n    command: [x]\nrun: []\n"), 4, 1,
                       "unknown key 'run'"));
}

// A run without an id or a command is placed at the run.
TEST(BatchJobFileErrors, MissingIdOrCommand) {
  TempDir dir;
  EXPECT_TRUE(OneError(dir.write("a.jsonl", "{\"id\": \"a\", \"command\": [\"x\"]}\n{\"command\": [\"x\"]}\n"), 2, 1,
                       "a run needs an 'id'"));
  EXPECT_TRUE(OneError(dir.write("b.jsonl", R"({"id": "a"})"), 1, 1, "a run needs a 'command'"));
  EXPECT_TRUE(OneError(dir.write("c.jsonl", R"({"id": "a", "command": []})"), 1, 13, "'command' is a list"));
  EXPECT_TRUE(OneError(dir.write("d.yaml", "runs:\n  - command: [x]\n"), 2, 5, "a run needs an 'id'"));
}

// Ids that could leave the output directory, hide, or be empty are refused at the id, each of them.
TEST(BatchJobFileErrors, BadIds) {
  TempDir dir;
  auto path = dir.write("jobs.jsonl", R"({"id": "../x", "command": ["x"]}
{"id": ".hidden", "command": ["x"]}
{"id": "", "command": ["x"]}
{"id": "a/b", "command": ["x"]}
{"id": "a b", "command": ["x"]}
)");
  auto ds = errors_of(path);
  ASSERT_EQ(ds.size(), 5u) << dump(ds);
  EXPECT_TRUE(IsAt(ds[0], path, 1, 2, "(got '../x')"));
  EXPECT_TRUE(IsAt(ds[1], path, 2, 2, "(got '.hidden')"));
  EXPECT_TRUE(IsAt(ds[2], path, 3, 2, "(got '')"));
  EXPECT_TRUE(IsAt(ds[3], path, 4, 2, "(got 'a/b')"));
  EXPECT_TRUE(IsAt(ds[4], path, 5, 2, "(got 'a b')"));
  EXPECT_TRUE(OneError(dir.write("y.yaml", "runs:\n  - command: [x]\n    id: ../x\n"), 3, 5, "(got '../x')"));
}

// A second run with an id is placed at its id and names the first's.
TEST(BatchJobFileErrors, DuplicateId) {
  TempDir dir;
  auto path = dir.write("jobs.jsonl", R"({"id": "a", "command": ["x"]}
{"id": "b", "command": ["x"]}
{"command": ["x"], "id": "a"}
)");
  EXPECT_TRUE(OneError(path, 3, 20, "the id 'a' is also at " + path + ":1:2"));
  auto yaml = dir.write("jobs.yaml", "runs:\n  - id: a\n    command: [x]\n  - command: [x]\n    id: a\n");
  EXPECT_TRUE(OneError(yaml, 5, 5, "the id 'a' is also at " + yaml + ":2:5"));
}

// A bad limit value or an unknown limit is placed at its key, even where its name also appears earlier.
TEST(BatchJobFileErrors, BadLimits) {
  TempDir dir;
  auto path = dir.write("jobs.jsonl", R"({"id": "a", "limits": {"memory": "lots", "cpu": 1}, "command": ["x"]}
{"id": "memory", "limits": {"memory": "10"}, "command": ["x"]}
{"id": "b", "limits": 5, "command": ["x"]}
{"id": "c", "limits": {"cpu_time": "2h", "processes": 0}, "command": ["x"]}
)");
  auto ds = errors_of(path);
  ASSERT_EQ(ds.size(), 6u) << dump(ds);
  EXPECT_TRUE(IsAt(ds[0], path, 1, 42, "unknown limit 'cpu'"));
  EXPECT_TRUE(IsAt(ds[1], path, 1, 24, "memory: 'lots' is not a size"));
  EXPECT_TRUE(IsAt(ds[2], path, 2, 29, "memory: '10' has no unit"));
  EXPECT_TRUE(IsAt(ds[3], path, 3, 13, "'limits' is a map"));
  EXPECT_TRUE(IsAt(ds[4], path, 4, 24, "cpu_time: '2h' is not a duration"));
  EXPECT_TRUE(IsAt(ds[5], path, 4, 42, "processes: '0' is not a positive whole number"));
}

// Bad compare, error, engine, expect_verdict and epsilon values: each placed at its key.
TEST(BatchJobFileErrors, BadNames) {
  TempDir dir;
  auto path = dir.write("jobs.jsonl", R"({"id": "a", "compare": "fuzzy", "command": ["x"]}
{"id": "b", "error": "both", "command": ["x"]}
{"id": "c", "engine": "docker", "command": ["x"]}
{"id": "d", "expect_verdict": "PASS", "command": ["x"]}
{"id": "e", "epsilon": -1, "command": ["x"]}
{"id": "f", "epsilon": "1e-3x", "command": ["x"]}
)");
  auto ds = errors_of(path);
  ASSERT_EQ(ds.size(), 6u) << dump(ds);
  EXPECT_TRUE(IsAt(ds[0], path, 1, 13, "'compare' is exact, lines, tokens or float, got 'fuzzy'"));
  EXPECT_TRUE(IsAt(ds[1], path, 2, 13, "'error' is absolute, relative or either, got 'both'"));
  EXPECT_TRUE(IsAt(ds[2], path, 3, 13, "'engine' is seccomp or ptrace, got 'docker'"));
  EXPECT_TRUE(IsAt(ds[3], path, 4, 13, "'expect_verdict' names a verdict (OK, WRONG_ANSWER, CPU_TIME_LIMIT, ...), got 'PASS'"));
  EXPECT_TRUE(IsAt(ds[4], path, 5, 13, "'epsilon' is a number of at least 0, got '-1'"));
  EXPECT_TRUE(IsAt(ds[5], path, 6, 13, "'epsilon' is a number of at least 0, got '1e-3x'"));
}

// A stdin, expect_stdout or cwd that does not exist (or is the wrong kind) is placed at its key.
TEST(BatchJobFileErrors, MissingFiles) {
  TempDir dir;
  dir.mkdir("sub");
  dir.write("f.txt", "");
  auto path = dir.write("jobs.jsonl", R"({"id": "a", "stdin": "none.in", "command": ["x"]}
{"id": "b", "expect_stdout": "none.out", "command": ["x"]}
{"id": "c", "cwd": "nodir", "command": ["x"]}
{"id": "d", "stdin": "sub", "command": ["x"]}
{"id": "e", "cwd": "f.txt", "command": ["x"]}
)");
  auto ds = errors_of(path);
  ASSERT_EQ(ds.size(), 5u) << dump(ds);
  EXPECT_TRUE(IsAt(ds[0], path, 1, 13, "'none.in': no such file (" + (dir / "none.in") + ")"));
  EXPECT_TRUE(IsAt(ds[1], path, 2, 13, "'none.out': no such file (" + (dir / "none.out") + ")"));
  EXPECT_TRUE(IsAt(ds[2], path, 3, 13, "'nodir': no such directory (" + (dir / "nodir") + ")"));
  EXPECT_TRUE(IsAt(ds[3], path, 4, 13, "'sub' is a directory"));
  EXPECT_TRUE(IsAt(ds[4], path, 5, 13, "'f.txt' is not a directory"));
}

// A defaults line after the first run is refused at its line.
TEST(BatchJobFileErrors, DefaultsAfterARun) {
  TempDir dir;
  EXPECT_TRUE(OneError(dir.write("jobs.jsonl", R"({"id": "a", "command": ["x"]}
{"defaults": {"compare": "lines"}}
)"),
                       2, 1, "the defaults line must come before the first run"));
}

// A second defaults line is refused, naming the first (it used to replace it silently).
TEST(BatchJobFileErrors, SecondDefaultsLine) {
  TempDir dir;
  EXPECT_TRUE(OneError(dir.write("jobs.jsonl", R"({"defaults": {"compare": "lines"}}
{"defaults": {"compare": "tokens"}}
{"id": "a", "command": ["x"]}
)"),
                       2, 1, "a second defaults line (the first is line 1)"));
}

// JSON syntax errors are placed at their line and column, with the parser's words (not its own position).
TEST(BatchJobFileErrors, JsonSyntax) {
  TempDir dir;
  auto path = dir.write("jobs.jsonl", R"({"id": "a", "command": ["x"]}
{"id": "b", "command": ["x"],}
{"id": "c", "command": ["x"]
[1]
)");
  auto ds = errors_of(path);
  ASSERT_EQ(ds.size(), 3u) << dump(ds);
  EXPECT_TRUE(IsAt(ds[0], path, 2, 30, "syntax error while parsing object key - unexpected '}'; expected string literal"));
  EXPECT_TRUE(IsAt(ds[1], path, 3, 29, "syntax error while parsing object - unexpected end of input"));
  EXPECT_TRUE(IsAt(ds[2], path, 4, 1, "each line is a JSON object"));
  for (const auto& d : ds) {
    EXPECT_EQ(d.message.find("json.exception"), std::string::npos) << d.str();
    EXPECT_EQ(d.message.find("line 1"), std::string::npos) << d.str();
  }
}

// Invalid YAML is placed where the parser stopped; a YAML file of the wrong shape is refused.
TEST(BatchJobFileErrors, InvalidYaml) {
  TempDir dir;
  EXPECT_TRUE(OneError(dir.write("a.yaml", "runs:\n  - id: a\n    command: [x\n"), 4, 1, "end of sequence flow not found"));
  EXPECT_TRUE(OneError(dir.write("b.yaml", "runs:\n  - id: a\n   command: [x]\n"), 3, 4, "end of sequence not found"));
  EXPECT_TRUE(OneError(dir.write("c.yaml", "- id: a\n"), 1, 1, "a YAML job file is a map"));
  EXPECT_TRUE(OneError(dir.write("d.yaml", "runs: 5\n"), 1, 7, "'runs' must be a list of runs"));
  EXPECT_TRUE(OneError(dir.write("e.yaml", "runs:\n  - 5\n"), 2, 5, "a run is a map of keys"));
  EXPECT_TRUE(OneError(dir.write("f.yaml", "runs:\n  - id: a\n    id: b\n    command: [x]\n"), 3, 5, "'id' is given twice"));
  EXPECT_TRUE(OneError(dir.write("g.yaml", "defaults: 5\nruns:\n  - id: a\n    command: [x]\n"), 1, 11,
                       "'defaults' is a map of keys"));
}

// A NUL byte makes the file not text: refused at the NUL, before any parsing.
TEST(BatchJobFileErrors, NulByte) {
  TempDir dir;
  EXPECT_TRUE(OneError(dir.write("jobs.jsonl", "{\"id\": \"a\", \"command\": [\"x\"]}\n{\"id\": \"b\0\"}\n"s), 2, 10,
                       "NUL byte"));
  EXPECT_TRUE(OneError(dir.write("jobs.yaml", "\0"s), 1, 1, "NUL byte"));
}

// Invalid UTF-8: JSON refuses it at the byte; YAML takes it as bytes (an id still must be a word).
TEST(BatchJobFileErrors, InvalidUtf8) {
  TempDir dir;
  EXPECT_TRUE(OneError(dir.write("a.jsonl", "{\"id\": \"a\", \"command\": [\"x\xff\"]}\n"), 1, 27,
                       "invalid string: ill-formed UTF-8 byte"));
  auto jobs = load_jobs(dir.write("b.yaml", "runs:\n  - id: a\n    command: [\"x\xff\xc3\"]\n"));
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].command, std::vector<std::string>{"x\xff\xc3"});
  EXPECT_TRUE(OneError(dir.write("c.yaml", "runs:\n  - id: \"\xff\"\n    command: [x]\n"), 2, 5, "(got '\xff')"));
}

// An empty file (or blank, or comments only) has no runs, in either format.
TEST(BatchJobFileErrors, EmptyFile) {
  TempDir dir;
  EXPECT_TRUE(OneError(dir.write("a.jsonl", ""), 1, 1, "no runs"));
  EXPECT_TRUE(OneError(dir.write("b.jsonl", "\n  \r\n"), 1, 1, "no runs"));
  EXPECT_TRUE(OneError(dir.write("c.yaml", ""), 1, 1, "no runs"));
  EXPECT_TRUE(OneError(dir.write("d.yaml", "# nothing yet\n"), 1, 1, "no runs"));
  EXPECT_TRUE(OneError(dir.write("e.yaml", "runs: []\n"), 1, 1, "no runs"));
  EXPECT_TRUE(OneError(dir.write("f", ""), 1, 1, "no runs"));
  EXPECT_TRUE(OneError(dir.write("g.jsonl", R"({"defaults": {"compare": "lines"}})"), 1, 1, "no runs"));
}

// expect_verdict WRONG_ANSWER needs an expect_stdout (from the run or the defaults).
TEST(BatchJobFileErrors, WrongAnswerNeedsExpectedOutput) {
  TempDir dir;
  EXPECT_TRUE(OneError(dir.write("a.jsonl", R"({"id": "a", "expect_verdict": "WRONG_ANSWER", "command": ["x"]})"), 1, 1,
                       "'expect_verdict: WRONG_ANSWER' needs an 'expect_stdout'"));
  EXPECT_TRUE(OneError(dir.write("b.yaml", "defaults: {expect_verdict: WRONG_ANSWER}\nruns:\n  - id: a\n    command: [x]\n"),
                       3, 5, "'expect_verdict: WRONG_ANSWER' needs an 'expect_stdout'"));
  dir.write("a.out", "");
  EXPECT_EQ(load_jobs(dir.write("c.yaml", "defaults: {expect_stdout: a.out}\nruns:\n  - id: a\n"
                                          "    command: [x]\n    expect_verdict: WRONG_ANSWER\n"))
                .size(),
            1u);
}

// Every problem of a file is reported, in order, not only the first (JSON lines and YAML).
TEST(BatchJobFileErrors, AllErrorsReported) {
  TempDir dir;
  auto path = dir.write("jobs.jsonl", R"({"id": "a", "bogus": 1, "command": ["x"]}
{"id": "a", "command": ["x"]}
not json
{"id": ".b", "compare": "nope", "command": ["x"]}
)");
  auto ds = errors_of(path);
  ASSERT_EQ(ds.size(), 5u) << dump(ds);
  EXPECT_TRUE(IsAt(ds[0], path, 3, 2, "syntax error while parsing value - invalid literal; last read: 'no'"));
  EXPECT_TRUE(IsAt(ds[1], path, 1, 13, "unknown key 'bogus'"));
  EXPECT_TRUE(IsAt(ds[2], path, 2, 2, "the id 'a' is also at " + path + ":1:2"));
  EXPECT_TRUE(IsAt(ds[3], path, 4, 2, "(got '.b')"));
  EXPECT_TRUE(IsAt(ds[4], path, 4, 14, "'compare' is exact, lines, tokens or float"));
  auto yaml = dir.write("jobs.yaml", R"(defaults:
  compare: nope
runs:
  - id: a
    command: x
  - id: b
    command: [x]
    limits: {memory: 1}
)");
  auto ys = errors_of(yaml);
  ASSERT_EQ(ys.size(), 3u) << dump(ys);
  EXPECT_TRUE(IsAt(ys[0], yaml, 5, 5, "'command' is a list"));
  EXPECT_TRUE(IsAt(ys[1], yaml, 2, 3, "'compare' is exact, lines, tokens or float, got 'nope'"));
  EXPECT_TRUE(IsAt(ys[2], yaml, 8, 14, "memory: '1' has no unit"));
}

// A JSON line nested 20,000 deep is refused at its 33rd level (not a crash); the other lines are still read.
TEST(BatchJobFileErrors, DeeplyNestedJson) {
  TempDir dir;
  std::string deep = R"({"id": "a", "command": ["x"], "env": )";
  for (int i = 0; i < 20000; ++i) deep += R"({"a": )";
  deep += "1" + std::string(20001, '}');
  auto path = dir.write("jobs.jsonl", deep + "\n" + R"({"id": "b", "command": ["x"], "bogus": 1})" "\n");
  auto ds = errors_of(path);
  ASSERT_EQ(ds.size(), 2u) << dump(ds);
  EXPECT_TRUE(IsAt(ds[0], path, 1, 224, "nested too deeply"));
  EXPECT_TRUE(IsAt(ds[1], path, 2, 31, "unknown key 'bogus'"));
  // Brackets inside strings do not count.
  auto jobs = load_jobs(dir.write("ok.jsonl", R"({"id": "a", "command": ["x", ")" + std::string(100, '[') + R"(\"{"]})"));
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].command[1], std::string(100, '[') + "\"{");
}

// YAML nested 20,000 deep is refused by the parser, not a crash.
TEST(BatchJobFileErrors, DeeplyNestedYaml) {
  TempDir dir;
  auto path = dir.write("jobs.yaml", "runs:\n  - id: a\n    command: [x]\n    env: " + std::string(20000, '[') +
                                         std::string(20000, ']') + "\n");
  auto ds = errors_of(path);
  ASSERT_EQ(ds.size(), 1u) << dump(ds);
  EXPECT_EQ(ds[0].where.line, 4) << ds[0].str();
}

// Aliases of aliases (10^8 values from a few lines) are refused quickly, not expanded until memory runs out.
TEST(BatchJobFileErrors, BillionLaughs) {
  TempDir dir;
  std::string yaml = "defaults:\n  env:\n    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 7; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    yaml += "    a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) yaml += (k ? ", " : "") + prev;
    yaml += "]\n";
  }
  yaml += "runs:\n  - id: a\n    command: [x]\n";
  auto path = dir.write("jobs.yaml", yaml);
  auto ds = errors_of(path);
  ASSERT_FALSE(ds.empty());
  EXPECT_NE(ds[0].message.find("too many values"), std::string::npos) << dump(ds);
}

}  // namespace
}  // namespace sysgate::batch
