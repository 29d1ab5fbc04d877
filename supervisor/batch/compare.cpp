#include "batch/compare.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace sysgate::batch {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string shown(std::string_view s) { return std::string(s.substr(0, Difference::kShown)); }

struct Line {
  std::string_view text;  // without its newline and trailing whitespace (lines) or whole (exact)
  std::uint64_t number;
};

std::vector<Line> lines_of(std::string_view s) {
  std::vector<Line> out;
  std::uint64_t n = 0;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find('\n', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view line = s.substr(start, end - start);
    while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
    out.push_back({line, ++n});
    start = end + 1;
  }
  while (!out.empty() && out.back().text.empty()) out.pop_back();  // trailing blank lines
  return out;
}

struct Token {
  std::string_view text;
  std::uint64_t line;
};

std::vector<Token> tokens_of(std::string_view s) {
  std::vector<Token> out;
  std::uint64_t line = 1;
  std::size_t i = 0;
  while (i < s.size()) {
    if (is_space(s[i])) {
      if (s[i] == '\n') ++line;
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    out.push_back({s.substr(start, i - start), line});
  }
  return out;
}

// The token as a number, when all of it is one.
std::optional<double> number(std::string_view token) {
  if (token.empty() || token.size() > 4096) return std::nullopt;
  std::string t(token);
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size()) return std::nullopt;
  return v;
}

bool close_enough(double expected, double got, const CompareSpec& spec) {
  if (std::isnan(expected) || std::isnan(got)) return false;
  if (std::isinf(expected) || std::isinf(got)) return expected == got;
  double diff = std::fabs(expected - got);
  bool absolute = diff <= spec.epsilon;
  bool relative = diff <= spec.epsilon * std::fabs(expected);
  switch (spec.error) {
    case CompareSpec::Error::Absolute: return absolute;
    case CompareSpec::Error::Relative: return relative;
    case CompareSpec::Error::Either: return absolute || relative;
  }
  return false;
}

Comparison exact(std::string_view e, std::string_view g) {
  Comparison c;
  auto [ei, gi] = std::mismatch(e.begin(), e.end(), g.begin(), g.end());
  if (ei == e.end() && gi == g.end()) {
    c.matched = true;
    return c;
  }
  auto at = static_cast<std::size_t>(ei - e.begin());
  Difference d;
  d.line = static_cast<std::uint64_t>(std::count(g.begin(), g.begin() + static_cast<long>(at), '\n')) + 1;
  // The line of `s` that holds byte `at` (or its last line, when shorter).
  auto line_at = [at](std::string_view s) {
    std::size_t a = std::min(at, s.size());
    std::size_t nl = a == 0 ? std::string_view::npos : s.rfind('\n', a - 1);
    std::size_t start = nl == std::string_view::npos ? 0 : nl + 1;
    std::size_t end = s.find('\n', a);
    return s.substr(start, (end == std::string_view::npos ? s.size() : end) - start);
  };
  d.expected = shown(line_at(e));
  d.got = shown(line_at(g));
  d.why = at == g.size() ? "output ends early" : at == e.size() ? "output goes on" : "differs at byte " + std::to_string(at + 1);
  c.first_difference = d;
  return c;
}

Comparison lines(std::string_view e, std::string_view g) {
  Comparison c;
  auto el = lines_of(e), gl = lines_of(g);
  for (std::size_t i = 0; i < std::max(el.size(), gl.size()); ++i) {
    if (i < el.size() && i < gl.size() && el[i].text == gl[i].text) continue;
    Difference d;
    d.line = i + 1;
    if (i < el.size()) d.expected = shown(el[i].text);
    if (i < gl.size()) d.got = shown(gl[i].text);
    d.why = i >= gl.size() ? "output ends early" : i >= el.size() ? "output goes on" : "differs";
    c.first_difference = d;
    return c;
  }
  c.matched = true;
  return c;
}

Comparison tokens(std::string_view e, std::string_view g, const CompareSpec* floats) {
  Comparison c;
  auto et = tokens_of(e), gt = tokens_of(g);
  for (std::size_t i = 0; i < std::max(et.size(), gt.size()); ++i) {
    std::string why;
    if (i >= gt.size()) {
      why = "output ends early";
    } else if (i >= et.size()) {
      why = "output goes on";
    } else if (auto want = floats != nullptr ? number(et[i].text) : std::nullopt) {
      auto have = number(gt[i].text);
      if (!have) why = "not a number";
      else if (!close_enough(*want, *have, *floats)) why = "differs by more than the error allowed";
    } else if (et[i].text != gt[i].text) {
      why = "differs";
    }
    if (why.empty()) continue;
    Difference d;
    d.token = i + 1;
    d.line = i < gt.size() ? gt[i].line : (gt.empty() ? 1 : gt.back().line);
    if (i < et.size()) d.expected = shown(et[i].text);
    if (i < gt.size()) d.got = shown(gt[i].text);
    d.why = why;
    c.first_difference = d;
    return c;
  }
  c.matched = true;
  return c;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read '" + path + "'");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Comparison compare_text(std::string_view expected, std::string_view got, const CompareSpec& spec) {
  switch (spec.mode) {
    case CompareSpec::Mode::Exact: return exact(expected, got);
    case CompareSpec::Mode::Lines: return lines(expected, got);
    case CompareSpec::Mode::Tokens: return tokens(expected, got, nullptr);
    case CompareSpec::Mode::Float: return tokens(expected, got, &spec);
  }
  return {};
}

Comparison compare_files(const std::string& expected_path, const std::string& got_path, const CompareSpec& spec) {
  const std::string expected = read_all(expected_path);
  struct stat st{};
  std::uint64_t got_size = stat(got_path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  const std::uint64_t cap = std::max<std::uint64_t>(2 * expected.size(), 64ull << 20);
  if (got_size > cap) {
    Comparison c;
    Difference d;
    d.why = "output is " + std::to_string(got_size) + " bytes, more than the comparison reads (" +
            std::to_string(cap) + ")";
    c.first_difference = d;
    return c;
  }
  const std::string got = got_size > 0 ? read_all(got_path) : std::string();
  return compare_text(expected, got, spec);
}

}  // namespace sysgate::batch
