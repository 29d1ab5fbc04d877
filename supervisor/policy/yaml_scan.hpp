// A light scan of YAML text for what yaml-cpp reports late or not at all: the
// flow collection ('[' or '{') an "end of flow not found" error is about (yaml-cpp
// marks where it gave up, often lines later), and a quoted string that is never
// closed (yaml-cpp takes the rest of the file into it without an error).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace sysgate::policy {

struct TextPlace {
  char what = 0;   // '[', '{', '"' or '\''
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in bytes
};

// The flow collections still open when the scan reaches line:column (1-based),
// outermost first; those open at the end of the text when it never gets there.
std::vector<TextPlace> open_flows_at(std::string_view text, int line, int column);
// Where a quoted string that the end of the text leaves open begins.
std::optional<TextPlace> unclosed_quote(std::string_view text);

}  // namespace sysgate::policy
