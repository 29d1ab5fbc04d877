// ${NAME} expansion in policy strings: ${CWD} ${HOME} ${TMPDIR} ${RUNDIR}
// ${ENV:NAME} are built in; a policy's `vars` add more.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace sysgate::policy {

// Throws std::invalid_argument naming an unknown or unterminated variable.
std::string expand_vars(std::string_view text, const std::map<std::string, std::string>& vars,
                        const std::string& cwd);
bool valid_var_name(std::string_view name);
bool is_builtin_var(std::string_view name);

// The key under which the run's directory (${RUNDIR}) is passed in the
// variables; no policy can name it (it is not a valid variable name).
inline constexpr std::string_view kRundirVar = " rundir";

}  // namespace sysgate::policy
