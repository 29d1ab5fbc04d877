// ${NAME} expansion in policy strings: ${CWD} ${HOME} ${TMPDIR} ${RUNDIR}
// ${ENV:NAME} are built in; a policy's `vars` add more.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sysgate::policy {

// Throws std::invalid_argument naming an unknown or unterminated variable.
std::string expand_vars(std::string_view text, const std::map<std::string, std::string>& vars,
                        const std::string& cwd);
bool valid_var_name(std::string_view name);

// ${OTHER_HOMES}, the one list-valued variable: /root and every directory
// directly under /home, and the home of each user of the passwd database in
// the regular range (uid 1000 to 59999) that exists as a directory, except
// the caller's $HOME and any that holds `cwd`. Each is a realpath, sorted.
inline constexpr std::string_view kOtherHomesVar = "OTHER_HOMES";
std::vector<std::string> other_homes(const std::string& cwd);
bool is_builtin_var(std::string_view name);

// The key under which the run's directory (${RUNDIR}) is passed in the
// variables; no policy can name it (it is not a valid variable name).
inline constexpr std::string_view kRundirVar = " rundir";

}  // namespace sysgate::policy
