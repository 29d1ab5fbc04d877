// "Did you mean ...?": the nearest valid name to a misspelt one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sysgate::policy {

// The closest candidate by edit distance, or empty when none is close enough.
std::string nearest(std::string_view word, const std::vector<std::string_view>& candidates);
// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace sysgate::policy
