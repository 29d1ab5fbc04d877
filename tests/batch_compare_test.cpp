// batch::compare_text / compare_files: each mode's matches and mismatches, the
// exact first difference reported, hostile bytes and sizes, and the output cap
// (the contract: supervisor/batch/compare.hpp).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "batch/compare.hpp"

namespace sysgate::batch {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;
using Mode = CompareSpec::Mode;
using Error = CompareSpec::Error;

CompareSpec spec(Mode mode) {
  CompareSpec s;
  s.mode = mode;
  return s;
}

CompareSpec floats(double epsilon, Error error) {
  CompareSpec s;
  s.mode = Mode::Float;
  s.epsilon = epsilon;
  s.error = error;
  return s;
}

bool matches(std::string_view expected, std::string_view got, const CompareSpec& s) {
  Comparison c = compare_text(expected, got, s);
  if (c.matched != !c.first_difference.has_value()) ADD_FAILURE() << "matched and first_difference disagree";
  return c.matched;
}

// The first difference is exactly (line, token, expected, got, why).
::testing::AssertionResult DiffersAt(const Comparison& c, std::uint64_t line, std::uint64_t token,
                                     const std::string& expected, const std::string& got, const std::string& why) {
  if (c.matched) return ::testing::AssertionFailure() << "matched";
  if (!c.first_difference) return ::testing::AssertionFailure() << "not matched, but no first difference";
  const Difference& d = *c.first_difference;
  if (d.line == line && d.token == token && d.expected == expected && d.got == got && d.why == why)
    return ::testing::AssertionSuccess();
  auto cut = [](const std::string& s) { return s.size() > 60 ? s.substr(0, 60) + "...(" + std::to_string(s.size()) + ")" : s; };
  return ::testing::AssertionFailure() << "got line " << d.line << " token " << d.token << " expected '" << cut(d.expected)
                                       << "' got '" << cut(d.got) << "' why '" << d.why << "'";
}

::testing::AssertionResult DiffersAt(std::string_view e, std::string_view g, const CompareSpec& s, std::uint64_t line,
                                     std::uint64_t token, const std::string& expected, const std::string& got,
                                     const std::string& why) {
  return DiffersAt(compare_text(e, g, s), line, token, expected, got, why);
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// ---- exact ----

// Identical texts match byte for byte.
TEST(BatchCompareExact, IdenticalMatches) {
  EXPECT_TRUE(matches("one\ntwo\n", "one\ntwo\n", spec(Mode::Exact)));
}

// A changed line: the 1-based byte, the output's line, both whole lines.
TEST(BatchCompareExact, ChangedLine) {
  EXPECT_TRUE(DiffersAt("one\ntwo\nthree\n", "one\ntwx\nthree\n", spec(Mode::Exact), 2, 0, "two", "twx",
                        "differs at byte 7"));
}

// Output that stops before the expected: the expected's next line, "" got.
TEST(BatchCompareExact, OutputEndsEarly) {
  EXPECT_TRUE(DiffersAt("a\nb\n", "a\n", spec(Mode::Exact), 2, 0, "b", "", "output ends early"));
}

// Output that goes on after the expected ends.
TEST(BatchCompareExact, OutputGoesOn) {
  EXPECT_TRUE(DiffersAt("a\n", "a\nb\n", spec(Mode::Exact), 2, 0, "", "b", "output goes on"));
}

// Exact does not forgive trailing spaces, a trailing blank line, a missing final newline, or \r\n.
TEST(BatchCompareExact, WhitespaceMatters) {
  EXPECT_TRUE(DiffersAt("a\n", "a \n", spec(Mode::Exact), 1, 0, "a", "a ", "differs at byte 2"));
  EXPECT_TRUE(DiffersAt("a\n", "a\n\n", spec(Mode::Exact), 2, 0, "", "", "output goes on"));
  EXPECT_TRUE(DiffersAt("a\n", "a", spec(Mode::Exact), 1, 0, "a", "a", "output ends early"));
  EXPECT_TRUE(DiffersAt("a\nb\n", "a\r\nb\r\n", spec(Mode::Exact), 1, 0, "a", "a\r", "differs at byte 2"));
}

// Empty against empty matches; against anything it is a start or an end.
TEST(BatchCompareExact, EmptyTexts) {
  EXPECT_TRUE(matches("", "", spec(Mode::Exact)));
  EXPECT_TRUE(DiffersAt("", "x", spec(Mode::Exact), 1, 0, "", "x", "output goes on"));
  EXPECT_TRUE(DiffersAt("x", "", spec(Mode::Exact), 1, 0, "x", "", "output ends early"));
}

// ---- lines ----

// Trailing whitespace of each line, trailing blank lines and a missing final newline are ignored.
TEST(BatchCompareLines, IgnoresTrailingWhitespaceAndBlankLines) {
  EXPECT_TRUE(matches("a\nb\n", "a  \nb\t\n\n\n", spec(Mode::Lines)));
  EXPECT_TRUE(matches("a\nb\n", "a\nb", spec(Mode::Lines)));
  EXPECT_TRUE(matches("a \nb\n\n", "a\nb\n", spec(Mode::Lines)));
}

// \r\n line ends compare like \n.
TEST(BatchCompareLines, CrLfIsANewline) {
  EXPECT_TRUE(matches("a\nb\n", "a\r\nb\r\n", spec(Mode::Lines)));
  EXPECT_TRUE(matches("a\r\nb\r\n", "a\nb", spec(Mode::Lines)));
}

// A changed line (leading whitespace counts): its number and both lines, trailing whitespace cut.
TEST(BatchCompareLines, ChangedLine) {
  EXPECT_TRUE(DiffersAt("one\ntwo\nthree\n", "one\n two  \nthree\n", spec(Mode::Lines), 2, 0, "two", " two",
                        "differs"));
}

// A missing line: the expected's line number and text, "" got.
TEST(BatchCompareLines, OutputEndsEarly) {
  EXPECT_TRUE(DiffersAt("a\nb\nc\n", "a\nb\n", spec(Mode::Lines), 3, 0, "c", "", "output ends early"));
}

// An extra non-blank line.
TEST(BatchCompareLines, OutputGoesOn) {
  EXPECT_TRUE(DiffersAt("a\n", "a\n\nb\n", spec(Mode::Lines), 2, 0, "", "", "output goes on"));
  EXPECT_TRUE(DiffersAt("a\n", "a\nb\n", spec(Mode::Lines), 2, 0, "", "b", "output goes on"));
}

// A blank line in the middle is a line: it shifts the rest.
TEST(BatchCompareLines, BlankLineInTheMiddleCounts) {
  EXPECT_TRUE(DiffersAt("a\nb\n", "a\n\nb\n", spec(Mode::Lines), 2, 0, "b", "", "differs"));
}

// Empty matches blank; against text it is a start or an end.
TEST(BatchCompareLines, EmptyTexts) {
  EXPECT_TRUE(matches("", "", spec(Mode::Lines)));
  EXPECT_TRUE(matches("", "\n \n\t\n", spec(Mode::Lines)));
  EXPECT_TRUE(DiffersAt("", "x\n", spec(Mode::Lines), 1, 0, "", "x", "output goes on"));
  EXPECT_TRUE(DiffersAt("x\n", "", spec(Mode::Lines), 1, 0, "x", "", "output ends early"));
}

// ---- tokens ----

// Any run of whitespace (spaces, tabs, newlines, \r\n) separates tokens alike.
TEST(BatchCompareTokens, WhitespaceRunsAlike) {
  EXPECT_TRUE(matches("1 2 3\n4\n", "  1\t\t2\n\n3   4", spec(Mode::Tokens)));
  EXPECT_TRUE(matches("1 2\n3\n", "1 2\r\n3\r\n", spec(Mode::Tokens)));
  EXPECT_TRUE(matches("1 2 3", "1\n2\n3\n", spec(Mode::Tokens)));
}

// A changed token: its 1-based index, the output's line, both tokens.
TEST(BatchCompareTokens, ChangedToken) {
  EXPECT_TRUE(DiffersAt("1 2 3\n4 5\n", "1 2 3\n4 6\n", spec(Mode::Tokens), 2, 5, "5", "6", "differs"));
}

// Tokens are words, not numbers: 1.0 is not 1.
TEST(BatchCompareTokens, NumbersAreComparedAsText) {
  EXPECT_TRUE(DiffersAt("1.0\n", "1\n", spec(Mode::Tokens), 1, 1, "1.0", "1", "differs"));
}

// Missing tokens: the line is the output's last token's.
TEST(BatchCompareTokens, OutputEndsEarly) {
  EXPECT_TRUE(DiffersAt("1 2 3\n", "1\n2\n", spec(Mode::Tokens), 2, 3, "3", "", "output ends early"));
}

// Extra tokens.
TEST(BatchCompareTokens, OutputGoesOn) {
  EXPECT_TRUE(DiffersAt("1 2\n", "1 2\n3\n", spec(Mode::Tokens), 2, 3, "", "3", "output goes on"));
}

// Empty matches whitespace only; against a token it is a start or an end, on line 1.
TEST(BatchCompareTokens, EmptyTexts) {
  EXPECT_TRUE(matches("", "", spec(Mode::Tokens)));
  EXPECT_TRUE(matches("", " \n\t\r\n", spec(Mode::Tokens)));
  EXPECT_TRUE(DiffersAt("", "x", spec(Mode::Tokens), 1, 1, "", "x", "output goes on"));
  EXPECT_TRUE(DiffersAt("x", "", spec(Mode::Tokens), 1, 1, "x", "", "output ends early"));
}

// ---- float ----

// Expected 1000, got 1000.5, epsilon 1e-3: relative (0.5 <= 1) is fine, absolute (0.5 > 0.001) is not.
TEST(BatchCompareFloat, AbsoluteRelativeEither) {
  EXPECT_TRUE(DiffersAt("1000\n", "1000.5\n", floats(1e-3, Error::Absolute), 1, 1, "1000", "1000.5",
                        "differs by more than the error allowed"));
  EXPECT_TRUE(matches("1000\n", "1000.5\n", floats(1e-3, Error::Relative)));
  EXPECT_TRUE(matches("1000\n", "1000.5\n", floats(1e-3, Error::Either)));
  EXPECT_TRUE(matches("1000\n", "1000.0005\n", floats(1e-3, Error::Absolute)));
}

// Near zero only the absolute error can be met.
TEST(BatchCompareFloat, NearZero) {
  EXPECT_TRUE(matches("0\n", "0.0005\n", floats(1e-3, Error::Absolute)));
  EXPECT_TRUE(matches("0\n", "0.0005\n", floats(1e-3, Error::Either)));
  EXPECT_TRUE(DiffersAt("0\n", "0.0005\n", floats(1e-3, Error::Relative), 1, 1, "0", "0.0005",
                        "differs by more than the error allowed"));
  EXPECT_TRUE(DiffersAt("0.001\n", "0.0015\n", floats(1e-3, Error::Relative), 1, 1, "0.001", "0.0015",
                        "differs by more than the error allowed"));
  EXPECT_TRUE(DiffersAt("0\n", "0.5\n", floats(1e-3, Error::Either), 1, 1, "0", "0.5",
                        "differs by more than the error allowed"));
}

// Numbers are compared as numbers: other spellings of the same value match, signs count.
TEST(BatchCompareFloat, SpellingsOfTheSameNumber) {
  EXPECT_TRUE(matches("1 2.5 -3\n", "1.000 2.5e0 -3.0000001\n", floats(1e-6, Error::Either)));
  EXPECT_TRUE(DiffersAt("-2\n", "2\n", floats(1e-6, Error::Either), 1, 1, "-2", "2",
                        "differs by more than the error allowed"));
}

// NaN never matches, not even NaN.
TEST(BatchCompareFloat, NanNeverMatches) {
  EXPECT_TRUE(DiffersAt("nan\n", "nan\n", floats(1e-6, Error::Either), 1, 1, "nan", "nan",
                        "differs by more than the error allowed"));
  EXPECT_TRUE(DiffersAt("1\n", "nan\n", floats(1e9, Error::Either), 1, 1, "1", "nan",
                        "differs by more than the error allowed"));
  EXPECT_TRUE(DiffersAt("NaN\n", "1\n", floats(1e9, Error::Either), 1, 1, "NaN", "1",
                        "differs by more than the error allowed"));
}

// An infinity matches only the same infinity, whatever the epsilon.
TEST(BatchCompareFloat, Infinities) {
  EXPECT_TRUE(matches("inf -inf\n", "inf -inf\n", floats(1e-6, Error::Either)));
  EXPECT_TRUE(matches("inf\n", "Infinity\n", floats(1e-6, Error::Either)));
  EXPECT_TRUE(DiffersAt("inf\n", "-inf\n", floats(1e9, Error::Either), 1, 1, "inf", "-inf",
                        "differs by more than the error allowed"));
  EXPECT_TRUE(DiffersAt("inf\n", "1e308\n", floats(1e9, Error::Either), 1, 1, "inf", "1e308",
                        "differs by more than the error allowed"));
}

// A non-numeric expected token is compared exactly (case counts); the numbers around it by value.
TEST(BatchCompareFloat, NonNumericExpectedTokenIsExact) {
  EXPECT_TRUE(matches("YES 1.5\n", "YES 1.5000001\n", floats(1e-6, Error::Either)));
  EXPECT_TRUE(DiffersAt("YES 1.5\n", "yes 1.5\n", floats(1e-6, Error::Either), 1, 1, "YES", "yes", "differs"));
}

// Where a number is expected, a token that is not wholly one is "not a number".
TEST(BatchCompareFloat, NotANumber) {
  EXPECT_TRUE(DiffersAt("1 1.5\n", "1 abc\n", floats(1e-6, Error::Either), 1, 2, "1.5", "abc", "not a number"));
  EXPECT_TRUE(DiffersAt("1.5\n", "1.5x\n", floats(1e-6, Error::Either), 1, 1, "1.5", "1.5x", "not a number"));
}

// Missing and extra tokens are reported as in tokens mode.
TEST(BatchCompareFloat, EndsEarlyAndGoesOn) {
  EXPECT_TRUE(DiffersAt("1 2\n", "1\n", floats(1e-6, Error::Either), 1, 2, "2", "", "output ends early"));
  EXPECT_TRUE(DiffersAt("1\n", "1\n2\n", floats(1e-6, Error::Either), 2, 2, "", "2", "output goes on"));
  EXPECT_TRUE(matches("", "\n", floats(1e-6, Error::Either)));
}

// ---- hostile bytes and sizes ----

// Invalid UTF-8 is bytes like any other, in every mode.
TEST(BatchCompareHostile, InvalidUtf8IsBytes) {
  const std::string e = "\xff\xfe a\xc3\n", same = e, other = "\xff\xfd a\xc3\n";
  for (Mode m : {Mode::Exact, Mode::Lines, Mode::Tokens, Mode::Float}) EXPECT_TRUE(matches(e, same, spec(m)));
  EXPECT_TRUE(DiffersAt(e, other, spec(Mode::Exact), 1, 0, "\xff\xfe a\xc3", "\xff\xfd a\xc3", "differs at byte 2"));
  EXPECT_TRUE(DiffersAt(e, other, spec(Mode::Lines), 1, 0, "\xff\xfe a\xc3", "\xff\xfd a\xc3", "differs"));
  EXPECT_TRUE(DiffersAt(e, other, spec(Mode::Tokens), 1, 1, "\xff\xfe", "\xff\xfd", "differs"));
}

// NUL bytes are bytes: they neither end the text nor separate tokens.
TEST(BatchCompareHostile, EmbeddedNulBytes) {
  const std::string e = "a\0b\n"s, g = "a\0c\n"s;
  EXPECT_TRUE(matches(e, "a\0b\n"s, spec(Mode::Exact)));
  EXPECT_TRUE(DiffersAt(e, g, spec(Mode::Exact), 1, 0, "a\0b"s, "a\0c"s, "differs at byte 3"));
  EXPECT_TRUE(DiffersAt(e, g, spec(Mode::Lines), 1, 0, "a\0b"s, "a\0c"s, "differs"));
  EXPECT_TRUE(DiffersAt(e, g, spec(Mode::Tokens), 1, 1, "a\0b"s, "a\0c"s, "differs"));
  EXPECT_TRUE(DiffersAt(e, "a"s, spec(Mode::Exact), 1, 0, "a\0b"s, "a", "output ends early"));
  EXPECT_TRUE(DiffersAt("1\n"s, "1\0\n"s, floats(1e-6, Error::Either), 1, 1, "1", "1\0"s, "not a number"));
}

// A 10 MB line without a newline compares in every mode; the lines shown are cut to kShown bytes.
TEST(BatchCompareHostile, TenMegabyteLine) {
  const std::size_t n = 10u << 20;
  std::string e(n, 'x'), g = e;
  for (Mode m : {Mode::Exact, Mode::Lines, Mode::Tokens, Mode::Float}) EXPECT_TRUE(matches(e, g, spec(m)));
  g.back() = 'y';
  const std::string shown(Difference::kShown, 'x');
  EXPECT_TRUE(DiffersAt(e, g, spec(Mode::Exact), 1, 0, shown, shown, "differs at byte " + std::to_string(n)));
  EXPECT_TRUE(DiffersAt(e, g, spec(Mode::Lines), 1, 0, shown, shown, "differs"));
  EXPECT_TRUE(DiffersAt(e, g, spec(Mode::Tokens), 1, 1, shown, shown, "differs"));
  EXPECT_TRUE(DiffersAt(e, g, spec(Mode::Float), 1, 1, shown, shown, "differs"));
}

// A difference after a million tokens (and a million lines) is found and placed.
TEST(BatchCompareHostile, DifferenceAfterAMillionTokens) {
  const std::string same_line = repeat("1 ", 1000000);
  EXPECT_TRUE(DiffersAt(same_line + "2\n", same_line + "3\n", spec(Mode::Tokens), 1, 1000001, "2", "3", "differs"));
  const std::string lines = repeat("7\n", 1000000);
  EXPECT_TRUE(DiffersAt(lines + "2\n", lines + "3\n", spec(Mode::Tokens), 1000001, 1000001, "2", "3", "differs"));
  EXPECT_TRUE(DiffersAt(lines + "2\n", lines + "3\n", spec(Mode::Lines), 1000001, 0, "2", "3", "differs"));
  EXPECT_TRUE(DiffersAt(lines + "2\n", lines + "3\n", floats(0.5, Error::Absolute), 1000001, 1000001, "2", "3",
                        "differs by more than the error allowed"));
  EXPECT_TRUE(DiffersAt(lines + "2\n", lines + "3\n", spec(Mode::Exact), 1000001, 0, "2", "3",
                        "differs at byte 2000001"));
  EXPECT_TRUE(matches(lines, lines, spec(Mode::Float)));
}

// Shown expected and got are at most kShown bytes, in every mode and for extra output too.
TEST(BatchCompareHostile, ShownIsCapped) {
  const std::string a(500, 'a'), b(500, 'b');
  const std::string sa(Difference::kShown, 'a'), sb(Difference::kShown, 'b');
  EXPECT_TRUE(DiffersAt(a, b, spec(Mode::Exact), 1, 0, sa, sb, "differs at byte 1"));
  EXPECT_TRUE(DiffersAt(a, b, spec(Mode::Lines), 1, 0, sa, sb, "differs"));
  EXPECT_TRUE(DiffersAt(a, b, spec(Mode::Tokens), 1, 1, sa, sb, "differs"));
  EXPECT_TRUE(DiffersAt(a, b, spec(Mode::Float), 1, 1, sa, sb, "differs"));
  EXPECT_TRUE(DiffersAt("x", "x " + b, spec(Mode::Tokens), 1, 2, "", sb, "output goes on"));
  EXPECT_TRUE(DiffersAt("x\n" + a, "x\n", spec(Mode::Lines), 2, 0, sa, "", "output ends early"));
}

// ---- files ----

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sysgate-compare-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  // A file of `size` bytes that takes no room (and holds NULs).
  std::string sparse(const std::string& name, off_t size) const {
    std::string p = path_ + "/" + name;
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ::ftruncate(fd, size) != 0) ADD_FAILURE() << "cannot make " << p;
    if (fd >= 0) ::close(fd);
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Real files are read whole and compared as compare_text would.
TEST(BatchCompareFiles, ReadsRealFiles) {
  TempDir dir;
  auto e = dir.write("e.txt", "1 2\n3\n");
  auto g = dir.write("g.txt", "1  2\r\n3");
  EXPECT_TRUE(compare_files(e, g, spec(Mode::Tokens)).matched);
  EXPECT_TRUE(compare_files(e, g, spec(Mode::Lines)).first_difference.has_value());
  EXPECT_TRUE(DiffersAt(compare_files(e, g, spec(Mode::Exact)), 1, 0, "1 2", "1  2\r", "differs at byte 3"));
  auto nul = dir.write("nul.txt", "a\0b\n"s);
  EXPECT_TRUE(compare_files(nul, nul, spec(Mode::Exact)).matched);
  EXPECT_TRUE(DiffersAt(compare_files(nul, e, spec(Mode::Exact)), 1, 0, "a\0b"s, "1 2", "differs at byte 1"));
}

// An output file that does not exist compares as empty.
TEST(BatchCompareFiles, MissingOutputIsEmpty) {
  TempDir dir;
  auto e = dir.write("e.txt", "x\n");
  auto empty = dir.write("empty.txt", "");
  EXPECT_TRUE(DiffersAt(compare_files(e, dir.path() + "/none", spec(Mode::Exact)), 1, 0, "x", "",
                        "output ends early"));
  EXPECT_TRUE(compare_files(empty, dir.path() + "/none", spec(Mode::Exact)).matched);
  EXPECT_TRUE(compare_files(empty, dir.path() + "/none", spec(Mode::Tokens)).matched);
}

// An expected file that cannot be read is an error, not a mismatch.
TEST(BatchCompareFiles, MissingExpectedThrows) {
  TempDir dir;
  auto g = dir.write("g.txt", "x\n");
  EXPECT_THROW(compare_files(dir.path() + "/none", g, spec(Mode::Exact)), std::runtime_error);
}

// An output above max(2 * expected, 64 MiB) does not match and is not read; at the cap it is read.
TEST(BatchCompareFiles, OutputAboveTheCapIsNotRead) {
  TempDir dir;
  auto e = dir.write("e.txt", "x\n");
  const off_t cap = off_t{64} << 20;
  auto big = dir.sparse("big", cap + 1);
  EXPECT_TRUE(DiffersAt(compare_files(e, big, spec(Mode::Exact)), 0, 0, "", "",
                        "output is 67108865 bytes, more than the comparison reads (67108864)"));
  // 1 TiB: reading it would never end; it is refused at once.
  auto huge = dir.sparse("huge", off_t{1} << 40);
  EXPECT_TRUE(DiffersAt(compare_files(e, huge, spec(Mode::Tokens)), 0, 0, "", "",
                        "output is 1099511627776 bytes, more than the comparison reads (67108864)"));
  // At the cap the output is read: 64 MiB of NULs, one line, differs at the first byte.
  auto at_cap = dir.sparse("at_cap", cap);
  EXPECT_TRUE(DiffersAt(compare_files(e, at_cap, spec(Mode::Exact)), 1, 0, "x",
                        std::string(Difference::kShown, '\0'), "differs at byte 1"));
}

// With an expected file over 32 MiB the cap is twice its size.
TEST(BatchCompareFiles, CapIsTwiceALargeExpected) {
  TempDir dir;
  const off_t expected_size = off_t{40} << 20;
  auto e = dir.sparse("e", expected_size);
  auto g = dir.sparse("g", 2 * expected_size + 1);
  EXPECT_TRUE(DiffersAt(compare_files(e, g, spec(Mode::Exact)), 0, 0, "", "",
                        "output is 83886081 bytes, more than the comparison reads (83886080)"));
}

}  // namespace
}  // namespace sysgate::batch
