#!/usr/bin/env bash
# The x86_64 system call numbers a policy makes stop, comma-separated, as
# `sysgate explain` lists them ("traced:"): what the floor tracer
# (floor_tracer.c) is given so that it stops on the same calls.
#
#   bench/traced_calls.sh SYSGATE POLICY
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 SYSGATE POLICY" >&2; exit 2; }
"$1" explain "$2" | awk '/^ABI x86_64/ { on = 1; next } /^ABI / { on = 0 }
  on && $1 ~ /^[0-9]+$/ && $3 == "traced:" { printf "%s%s", sep, $1; sep = "," }'
