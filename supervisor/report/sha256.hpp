// SHA-256 (FIPS 180-4) by nettle, for the policy hash in reports.
#pragma once

#include <string>
#include <string_view>

namespace sysgate::report {

std::string sha256_hex(std::string_view data);

}  // namespace sysgate::report
