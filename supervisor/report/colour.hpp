// Colour on sysgate's own lines: only when the stream is a terminal and
// NO_COLOR is unset or empty (https://no-color.org).
#pragma once

#include <string>

namespace sysgate::report {

inline constexpr const char* kRed = "1;31";     // deny, kill, a failing verdict
inline constexpr const char* kYellow = "33";    // log and other actions
inline constexpr const char* kGreen = "32";     // a suggestion; OK

bool colour_for(int fd);
// `text` in SGR `code` when `on`, else as is.
std::string paint(const std::string& text, const char* code, bool on);

}  // namespace sysgate::report
