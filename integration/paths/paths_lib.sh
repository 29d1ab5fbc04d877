# Helpers of the path tests: the integration helpers (../lib.sh) plus the
# stress scale and a base for filesystem policies.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# Iterations of the race tests (CI may lower it; benchmarks raise it).
SCALE=${SYSGATE_STRESS_SCALE:-20000}

# What every dynamically linked program needs to start: read the system, write
# the null device.
SYS_READ='"/usr/**", "/etc/**", "/proc/**", "/sys/**", "/dev/**"'

# expect_errno_line NAME ERRNO: the program printed "NAME: ERRNO".
expect_line() { expect_stdout_contains "$1: $2"; }
