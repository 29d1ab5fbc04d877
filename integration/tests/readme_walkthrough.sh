#!/bin/bash
# README's "Your first hour", run as it is written (issue 13): every `$` line
# of the console blocks between the walkthrough markers runs in one shell, in
# a fresh directory, with `sysgate` on PATH; each line under it must match a
# line of what it printed (stdout and stderr; `*` matches anything; the line
# may hold more, as the program's own output around sysgate's), and
# `[exit N]` is its exit status (0 when absent). A README edit that breaks the
# walk-through fails here.
source "$(dirname "$0")/../lib.sh"
README=${README:-$(dirname "$0")/../../README.md}
if [ ! -r "$README" ]; then
  log "skip: no README.md next to the integration suite ($README)"
  exit 77
fi
box
mkdir -p "$WORK/bin" "$WORK/demo"
ln -s "$SYSGATE" "$WORK/bin/sysgate"
cd "$WORK/demo" || exit 2
# The walk-through uses the engine of this run through the environment-free CLI:
# the seccomp engine is sysgate's default; the ptrace copy of this test adds it.
SG_ENGINE_OPT=""
[ "$ENGINE" = ptrace ] && SG_ENGINE_OPT="--engine ptrace"

# The steps: "CMD\x1eEXPECTED-LINES-SEPARATED-BY-\x1f\x1eSTATUS", one per line.
python3 - "$README" >"$WORK/steps" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r"<!-- walkthrough:begin -->(.*)<!-- walkthrough:end -->", text, re.S)
if not m:
    sys.exit("no walkthrough markers in README.md")
steps = []
for block in re.findall(r"```console\n(.*?)```", m.group(1), re.S):
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append([line[2:], [], 0])
        elif line.startswith("[exit ") and steps:
            steps[-1][2] = int(line[6:-1])
        elif line.strip() and steps:
            steps[-1][1].append(line)
for cmd, expect, status in steps:
    print(cmd + "\x1e" + "\x1f".join(expect) + "\x1e" + str(status))
PY
[ -s "$WORK/steps" ] || { fail "README.md has no walk-through steps"; finish; }

n=0
while IFS=$'\x1e' read -r cmd expect status; do
  n=$((n + 1))
  # `sysgate run` of this engine: the ptrace copy of the test runs every step
  # under the ptrace engine.
  run_cmd=${cmd//sysgate run /sysgate run $SG_ENGINE_OPT }
  PATH="$WORK/bin:$PATH" bash -c "$run_cmd" >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  SG_CMD="step $n: $cmd"
  expect_status "$status"
  cat "$OUT" "$ERR" >"$WORK/both"
  IFS=$'\x1f' read -r -a lines <<<"$expect"
  for want in "${lines[@]}"; do
    [ -n "$want" ] || continue
    if python3 - "$want" "$WORK/both" <<'PY'; then
import re, sys
# Anywhere in a line: the program's own stderr may surround sysgate's line.
pattern = ".*".join(re.escape(p) for p in sys.argv[1].split("*"))
sys.exit(0 if any(re.search(pattern, l) for l in open(sys.argv[2], encoding="utf-8", errors="replace").read().splitlines()) else 1)
PY
      ok "step $n prints: $want"
    else
      fail "step $n ($cmd) printed no line matching: $want (got: $(head -c 600 "$WORK/both"))"
    fi
  done
done <"$WORK/steps"
expect_that "the walk-through has its steps (got $n)" [ "$n" -ge 9 ]
expect_file_absent /etc/sysgate-demo
finish
