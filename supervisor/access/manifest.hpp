// A build's declared accesses (--declared MANIFEST, format in
// sysgate-policy(5)): the inputs it may read, the outputs it may write, the
// tools it may execute and the endpoints it may contact; what a run did
// beyond them is listed, one line each.
#pragma once

#include <string>
#include <vector>

#include "access/access_record.hpp"
#include "fs/path_pattern.hpp"
#include "net/socket_address.hpp"

namespace sysgate::access {

struct Manifest {
  enum class AbsentProbes : std::uint8_t { Ignore, Report, Fail };
  std::vector<fs::PathPattern> inputs, outputs, tools;
  std::vector<net::AddressPattern> network;
  AbsentProbes absent_probes = AbsentProbes::Report;
};

// Throws InputError with FILE:LINE:COLUMN for every problem. `cwd` is what
// ${CWD} expands to.
Manifest load_manifest(const std::string& path, const std::string& cwd);

struct Undeclared {
  std::vector<std::string> lines;  // "R /path (pid 12 /usr/bin/cc)"
  bool fails = false;              // something the manifest does not allow (not only reported probes)
};
Undeclared undeclared(const Manifest& m, const AccessRecord& record);

}  // namespace sysgate::access
