#!/usr/bin/env bash
# Installs what building sysgate needs on Debian 12, if missing; with --tests,
# also what only the test suite needs (stress-ng; a Slurm cluster of its own
# for the batch test: munge, slurmctld, slurmd; clang and libFuzzer for
# scripts/fuzz.sh). The quick start builds without them: installing Slurm's
# daemons on a machine that only wants sysgate would start services there.
set -euo pipefail
packages=(build-essential cmake pkg-config libyaml-cpp-dev libseccomp-dev libboost-program-options-dev
          nlohmann-json3-dev nettle-dev libgtest-dev googletest python3 strace util-linux procps)
case ${1:-} in
  --tests) packages+=(stress-ng slurmctld slurmd slurm-client munge clang libclang-rt-14-dev) ;;
  "") ;;
  *) echo "usage: scripts/install-deps.sh [--tests]" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
