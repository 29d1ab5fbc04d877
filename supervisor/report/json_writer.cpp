#include "report/json_writer.hpp"

namespace sysgate::report {

std::string json_text(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

void append_json_string(std::string& out, std::string_view s) {
  // Anything beyond ASCII is left to the reference writer itself (its UTF-8
  // decoder decides what is replaced); ASCII is escaped here exactly as it
  // escapes it (tests/event_log_test.cpp compares all 128 bytes).
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      out += json_text(Json(std::string(s)));
      return;
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace sysgate::report
