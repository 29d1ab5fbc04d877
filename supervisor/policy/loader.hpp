// Reads policy files (YAML, format version 1) into the Policy model: every node
// is checked, every error is collected with its file:line:column, includes are
// merged and variables expanded.
#pragma once

#include <string>
#include <string_view>

#include "sysgate/diagnostic.hpp"
#include "sysgate/policy.hpp"

namespace sysgate::policy {

class DocumentCache;

struct LoadOptions {
  LoadOptions(std::string cwd_dir = {}, std::string run_dir = {})  // NOLINT: LoadOptions{"/box"} reads well
      : cwd(std::move(cwd_dir)), rundir(std::move(run_dir)) {}
  std::string cwd;  // what ${CWD} expands to (realpath of --cwd or the caller's directory)
  std::string rundir;  // what ${RUNDIR} expands to; empty: /RUNDIR (no run: check, explain)
  DocumentCache* documents = nullptr;  // parsed trees to reuse, and to keep what is parsed (none: parse each)
};

// Each throws InputError holding every problem found.
Policy load_file(const std::string& path, const LoadOptions& options);
Policy load_text(std::string_view text, const std::string& display_name, const LoadOptions& options);
// A policy shipped with sysgate and embedded in the binary ("default", ...).
Policy load_shipped(std::string_view name, const LoadOptions& options);

}  // namespace sysgate::policy
