// The one JSON writer of the run report and the JSON-lines log. A program
// under the sandbox controls many strings that end up in them (its argv,
// paths, socket addresses, process names) and may make them any bytes: bytes
// that are not UTF-8 are written as U+FFFD, never an error, so no program can
// suppress its own report.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace sysgate::report {

using Json = nlohmann::ordered_json;

// `j` as one line of JSON (no trailing newline), invalid UTF-8 as U+FFFD.
std::string json_text(const Json& j);

// Appends `s` as a JSON string literal, byte for byte what json_text(Json(s))
// writes: the fast path of the log writer, which builds no tree.
void append_json_string(std::string& out, std::string_view s);

}  // namespace sysgate::report
