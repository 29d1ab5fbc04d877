// report::EventLog: the JSON-lines log written by the fast writer is exactly
// what the reference writer (nlohmann-json, invalid UTF-8 replaced by U+FFFD)
// makes of the same call object, for every string a hostile program can put
// in a path or a resolved value; the readable line is one line.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <limits.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "arch/syscall_table.hpp"
#include "report/event_log.hpp"
#include "report/json_writer.hpp"

namespace sysgate::report {
namespace {

// The reference: nlohmann's own serialiser with the replace handler.
std::string reference(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// Strings a program controls: paths, socket addresses, names.
std::vector<std::string> hostile_strings() {
  std::vector<std::string> out = {
      "",
      "/plain/ascii/path",
      std::string("\xff", 1),
      std::string("/tmp/a\xff" "b", 8),
      std::string("\x80", 1),                      // lone continuation byte
      std::string("a\x80\x80\x80z", 5),             // several
      std::string("\xc0\x80", 2),                  // overlong NUL
      std::string("\xc1\xbf", 2),                  // overlong '\x7f'
      std::string("\xe0\x80\xaf", 3),              // overlong '/'
      std::string("\xf0\x80\x80\xaf", 4),          // overlong '/', 4 bytes
      std::string("\xed\xa0\x80", 3),              // UTF-16 surrogate D800
      std::string("\xed\xbf\xbf", 3),              // surrogate DFFF
      std::string("\xf4\x90\x80\x80", 4),          // above U+10FFFF
      std::string("\xf5\x80\x80\x80", 4),
      std::string("\xe2\x82", 2),                  // truncated at the end
      std::string("\xe2\x82" "A", 3),              // truncated before ASCII
      std::string("\xf0\x9f\x98", 3),              // truncated 4-byte
      std::string("\xc3\xa9t\xc3\xa9", 6),          // valid: "été"
      std::string("\xe2\x82\xac", 3),              // valid: euro sign
      std::string("\xf0\x9f\x98\x80", 4),          // valid: emoji
      std::string("\xef\xbb\xbf", 3),              // BOM
      std::string("\xef\xbf\xbd", 3),              // U+FFFD itself
      std::string("a\0b", 3),                      // NUL
      "tab\there\nnewline\rcr\bbs\ffeed",
      "\x01\x02\x1f\x7f",
      "quote\"back\\slash/solidus",
      "sysgate: pid 1 x86_64 forged(x=1) -> allow [default]",
  };
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  out.push_back(all);
  std::string every_pair;
  for (int c = 0x80; c < 0x100; ++c) {
    every_pair += static_cast<char>(c);
    every_pair += 'x';
  }
  out.push_back(every_pair);
  out.push_back(std::string(70000, 'a') + "\xff" + std::string(70000, '\xc3'));  // very long
  std::string long_valid;
  for (int i = 0; i < 20000; ++i) long_valid += "\xe2\x82\xac";
  out.push_back(long_valid);
  return out;
}

std::string temp_path() {
  char tmpl[] = "/tmp/sysgate-event-log-test.XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd >= 0) close(fd);
  return tmpl;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

CallEvent openat_event(const std::string& path, const std::string& rule_name = "r") {
  static Rule rule;
  rule.name = rule_name;
  rule.where = {"p.yaml", 3, 5};
  rule.action = {Action::Kind::Deny, 13};
  CallEvent e;
  e.pid = 42;
  e.tid = 43;
  e.abi = "x86_64";
  e.nr = 257;
  e.name = "openat";
  e.spec = arch::find_syscall("openat");
  e.args[0] = static_cast<std::uint64_t>(-100);
  e.args[1] = 0x7ffc0000;
  e.args[2] = 0;
  e.args[3] = 0xffffffff;
  e.decision = {{Action::Kind::Deny, 13}, true, Decision::Source::Rule, &rule};
  e.resolved["path"] = path;
  return e;
}

TEST(EventLogJson, FastLineIsTheReferenceOnHostileStrings) {
  std::string file = temp_path();
  auto strings = hostile_strings();
  std::vector<CallEvent> events;
  for (const auto& s : strings) {
    events.push_back(openat_event(s));
    CallEvent e = openat_event("/x");
    e.abi = s;  // every string field of the object goes through the same writer
    e.name = s;
    e.resolved.clear();
    e.resolved[s] = s;
    events.push_back(e);
  }
  {
    EventLog log(nullptr, file);
    for (const auto& e : events) log.record(e);
  }
  auto lines = read_lines(file);
  ASSERT_EQ(lines.size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    std::string want;
    ASSERT_NO_THROW(want = reference(EventLog::to_json(events[i]))) << "event " << i;
    EXPECT_EQ(lines[i], want) << "event " << i;
    // And it is valid JSON that reads back as the U+FFFD-replaced text.
    EXPECT_TRUE(nlohmann::json::accept(lines[i])) << "event " << i;
  }
  std::remove(file.c_str());
}

TEST(EventLogJson, InvalidBytesBecomeTheReplacementCharacter) {
  std::string file = temp_path();
  {
    EventLog log(nullptr, file);
    log.record(openat_event(std::string("/tmp/a\xff" "b", 8)));
  }
  auto lines = read_lines(file);
  ASSERT_EQ(lines.size(), 1u);
  auto j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j["resolved"]["path"], "/tmp/a\xef\xbf\xbd" "b");
  std::remove(file.c_str());
}

TEST(EventLogJson, DenialsKeptForTheReportSerialise) {
  EventLog log(nullptr, "");
  log.record(openat_event(std::string("/tmp/\xff", 6)));
  ASSERT_EQ(log.first_denials().size(), 1u);
  nlohmann::ordered_json j = log.first_denials();
  EXPECT_NO_THROW((void)reference(j));
}

// The fast string writer is the reference: for every ASCII byte alone (ASCII
// is escaped byte by byte, so this covers every ASCII string), and for every
// hostile string.
TEST(JsonWriter, FastStringIsTheReference) {
  for (int c = 0; c < 0x80; ++c) {
    std::string s(1, static_cast<char>(c));
    std::string fast;
    append_json_string(fast, s);
    EXPECT_EQ(fast, reference(Json(s))) << "byte " << c;
  }
  for (const auto& s : hostile_strings()) {
    std::string fast;
    append_json_string(fast, s);
    EXPECT_EQ(fast, reference(Json(s)));
    EXPECT_EQ(json_text(Json(s)), reference(Json(s)));
  }
}

// The readable line: one line, whatever the program put in its paths.
TEST(EventLogHuman, OneLinePerEventWhateverThePath) {
  for (const auto& s : hostile_strings()) {
    std::string line = EventLog::format_line(openat_event(s));
    EXPECT_EQ(line.find('\n'), std::string::npos) << line.substr(0, 200);
    EXPECT_EQ(line.find('\r'), std::string::npos);
    EXPECT_EQ(line.find('\0'), std::string::npos);
  }
}

TEST(EventLogHuman, ControlCharactersAndInvalidBytesAreEscaped) {
  std::string path("/t/a\xff\n\x1b[2J\\b\xc2\x9b\xc3\xa9", 16);
  std::string line = EventLog::format_line(openat_event(path));
  std::string want = " path=/t/a\\xff\\n\\x1b[2J\\\\b\\xc2\\x9b\xc3\xa9 -> deny EACCES [rule \"r\" at p.yaml:3:5]";
  EXPECT_NE(line.find(want), std::string::npos) << line;
}

TEST(EventLogHuman, LongLinesFitOnePipeWrite) {
  std::string line = EventLog::format_line(openat_event("/" + std::string(9000, 'x')));
  EXPECT_LT(line.size(), static_cast<std::size_t>(PIPE_BUF));
  // The decision is never what is cut.
  EXPECT_NE(line.find("... -> deny EACCES [rule \"r\" at p.yaml:3:5]"), std::string::npos)
      << line.substr(line.size() - 100);
}

// Each readable line is one write(2): on a SOCK_SEQPACKET socket every write
// is one record, so a line split over writes or writes holding several lines show.
TEST(EventLogHuman, OneWritePerLine) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
  std::FILE* f = fdopen(sv[0], "w");
  ASSERT_NE(f, nullptr);
  std::vector<std::string> paths = {"/a", "/b/" + std::string(3000, 'y'), "/c", "/" + std::string(9000, 'z')};
  {
    EventLog log(f, "");
    for (const auto& p : paths) log.record(openat_event(p));
    // Not flushed yet: each line must already be out.
    for (const auto& p : paths) {
      char buf[2 * PIPE_BUF];
      ssize_t n = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
      ASSERT_GT(n, 0) << "no record for " << p.substr(0, 10);
      std::string rec(buf, static_cast<std::size_t>(n));
      EXPECT_EQ(rec, EventLog::format_line(openat_event(p)) + "\n");
      EXPECT_LE(rec.size(), static_cast<std::size_t>(PIPE_BUF));
    }
  }
  std::fclose(f);
  close(sv[1]);
}

// Issue 15: a program repeating a refused call cannot drown stderr nor fill
// the disk: repeats are coalesced, lines rate-limited, the JSON log capped, and
// the report's count stays exact.
TEST(EventLogBounds, RepeatsAreCoalescedAndCounted) {
  std::string err = temp_path();
  std::FILE* f = std::fopen(err.c_str(), "w");
  ASSERT_NE(f, nullptr);
  {
    EventLog log(f, "");
    for (int i = 0; i < 1000; ++i) log.record(openat_event("/same"));
    log.record(openat_event("/other"));
    for (int i = 0; i < 3; ++i) log.record(openat_event("/same"));
    log.flush();
    EXPECT_EQ(log.denial_count(), 1004u);
  }
  std::fclose(f);
  auto lines = read_lines(err);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], EventLog::format_line(openat_event("/same")));
  EXPECT_EQ(lines[1], "sysgate: (the line above repeated 999 more times)");
  EXPECT_EQ(lines[2], EventLog::format_line(openat_event("/other")));
  EXPECT_EQ(lines[3], EventLog::format_line(openat_event("/same")));
  EXPECT_EQ(lines[4], "sysgate: (the line above repeated 2 more times)");
  std::remove(err.c_str());
}

// The sum of the counts in the "(N more lines not shown ...)" lines.
std::uint64_t not_shown(const std::vector<std::string>& lines) {
  std::uint64_t n = 0;
  for (const auto& l : lines)
    if (l.find("not shown") != std::string::npos) n += std::stoull(l.substr(l.find('(') + 1));
  return n;
}

TEST(EventLogBounds, TheSameCallFromManyThreadsIsRateLimited) {
  std::string err = temp_path();
  std::FILE* f = std::fopen(err.c_str(), "w");
  ASSERT_NE(f, nullptr);
  const int n = 5000;
  {
    EventLog log(f, "");
    for (int i = 0; i < n; ++i) {
      CallEvent e = openat_event("/same");
      e.tid = 1000 + i % 64;  // other threads: other lines, the same call
      log.record(e);
    }
    log.flush();
    EXPECT_EQ(log.denial_count(), static_cast<std::uint64_t>(n));
  }
  std::fclose(f);
  auto lines = read_lines(err);
  std::size_t shown = 0;
  for (const auto& l : lines) shown += l.find("openat(") != std::string::npos;
  ASSERT_GE(shown, static_cast<std::size_t>(EventLog::kSameBurst));
  ASSERT_LT(shown, static_cast<std::size_t>(EventLog::kSameBurst) + 10);
  EXPECT_EQ(shown + not_shown(lines), static_cast<std::size_t>(n)) << lines.back();
}

TEST(EventLogBounds, DistinctCallsAreShownUpToTheGlobalRate) {
  std::string err = temp_path();
  std::FILE* f = std::fopen(err.c_str(), "w");
  ASSERT_NE(f, nullptr);
  const int n = 3000;  // under the burst: every distinct line shown
  {
    EventLog log(f, "");
    for (int i = 0; i < n; ++i) log.record(openat_event("/f" + std::to_string(i)));
    log.flush();
  }
  std::fclose(f);
  auto lines = read_lines(err);
  EXPECT_EQ(lines.size(), static_cast<std::size_t>(n));
  EXPECT_EQ(not_shown(lines), 0u);
}

TEST(EventLogBounds, JsonLogStopsAtItsCapAndSaysSo) {
  std::string file = temp_path();
  const std::uint64_t cap = 64 * 1024;
  std::uint64_t not_logged = 0;
  {
    EventLog log(nullptr, file, cap);
    for (int i = 0; i < 20000; ++i) log.record(openat_event("/f" + std::to_string(i)));
    EXPECT_EQ(log.denial_count(), 20000u);
    EXPECT_TRUE(log.json_cut());
    not_logged = log.json_not_logged();
  }
  struct stat st{};
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_LE(static_cast<std::uint64_t>(st.st_size), cap);
  auto lines = read_lines(file);
  ASSERT_GT(lines.size(), 10u);
  EXPECT_EQ(lines.back(), R"({"cut":true,"message":"--log-max reached: later calls are not logged; the report counts them"})");
  EXPECT_EQ(lines.size() - 1 + not_logged, 20000u);
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) ASSERT_TRUE(nlohmann::json::accept(lines[i])) << i;
  std::remove(file.c_str());
}

}  // namespace
}  // namespace sysgate::report
