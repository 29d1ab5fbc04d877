// A small kernel file (/proc, /sys, cgroupfs) read whole with read(2): a run
// reads a dozen of them, and an ifstream's set-up costs more than the read.
#pragma once

#include <optional>
#include <string>

namespace sysgate::fs {

// The file's bytes; nullopt when it cannot be opened.
std::optional<std::string> read_kernel_file(const std::string& path);

}  // namespace sysgate::fs
