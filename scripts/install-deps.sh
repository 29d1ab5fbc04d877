#!/usr/bin/env bash
# Installs what building and testing sysgate needs on Debian 12, if missing.
set -euo pipefail
packages=(build-essential cmake pkg-config libyaml-cpp-dev libseccomp-dev libboost-program-options-dev
          nlohmann-json3-dev nettle-dev libgtest-dev googletest python3 strace util-linux procps stress-ng
          slurmctld slurmd slurm-client munge
          clang libclang-rt-14-dev)  # clang + libFuzzer: scripts/fuzz.sh
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
