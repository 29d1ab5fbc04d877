// The JSON writer (report/json_writer): any bytes a sandboxed program controls
// (argv, paths, addresses) must come out as one line of valid JSON, and the
// log's fast path append_json_string() must write byte for byte what the
// reference writer json_text() writes, invalid UTF-8 as U+FFFD.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "report/json_writer.hpp"

using sysgate::report::append_json_string;
using sysgate::report::Json;
using sysgate::report::json_text;

namespace {

[[noreturn]] void fail(const char* what, const std::string& a, const std::string& b) {
  std::fprintf(stderr, "fuzz_json_writer: %s\n  first:  %s\n  second: %s\n", what, a.c_str(), b.c_str());
  __builtin_trap();
}

// Well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xe0) == 0xc0) { n = 1; cp = c & 0x1f; }
    else if ((c & 0xf0) == 0xe0) { n = 2; cp = c & 0x0f; }
    else if ((c & 0xf8) == 0xf0) { n = 3; cp = c & 0x07; }
    else return false;
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  const std::string key = fdp.ConsumeRandomLengthString(64);
  const std::string s = fdp.ConsumeRemainingBytesAsString();

  // The fast path against the reference writer, for the whole input and a prefix.
  const std::string reference = json_text(Json(s));
  std::string fast;
  append_json_string(fast, s);
  if (fast != reference) fail("append_json_string differs from json_text", fast, reference);

  // One line, valid UTF-8, and it parses back; valid UTF-8 input round-trips exactly.
  if (reference.find('\n') != std::string::npos) fail("a newline in the JSON text", reference, s);
  if (!valid_utf8(reference)) fail("the JSON text is not valid UTF-8", reference, s);
  Json back = Json::parse(reference, nullptr, /*allow_exceptions=*/false);
  if (back.is_discarded() || !back.is_string()) fail("json_text does not parse back", reference, s);
  if (valid_utf8(s) && back.get<std::string>() != s) fail("valid UTF-8 does not round-trip", back.get<std::string>(), s);

  // In a report-like object (keys are program-controlled too: environment names).
  Json obj = Json::object();
  obj[key] = s;
  obj["argv"] = Json::array({s, key});
  obj["n"] = size;
  const std::string text = json_text(obj);
  if (text.find('\n') != std::string::npos || !valid_utf8(text)) fail("object text is not one valid UTF-8 line", text, s);
  Json parsed = Json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || parsed.size() != (key == "argv" || key == "n" ? 2u : 3u))
    fail("object text does not parse back", text, s);

  // Appending to a non-empty buffer keeps what was there.
  std::string buf = "{\"k\":";
  append_json_string(buf, key);
  if (buf.compare(0, 5, "{\"k\":") != 0 || buf.substr(5) != json_text(Json(key)))
    fail("append_json_string on a non-empty buffer", buf, json_text(Json(key)));
  return 0;
}
