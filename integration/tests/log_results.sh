#!/bin/bash
# The JSON log records what each logged call returned, as strace does (issue
# 12): an open that succeeded gets its descriptor, one that failed its errno
# name, a denied one the policy's errno; an execve its 0 (written after the new
# program's first stop); --no-log-results leaves results out.
source "$(dirname "$0")/../lib.sh"
echo hi >"$WORK/there"
P=$(policy results.yaml <<YAML
version: 1
default: allow
rules:
  - syscalls: [openat]
    args: {path: {eq: "$WORK/denied"}}
    action: {deny: EROFS}
  - syscalls: [openat, execve]
    action: log
YAML
)
sg --policy "$P" --log "$WORK/log.jsonl" -- "$PROGS/sg_call" read "$WORK/there" read "$WORK/missing" read "$WORK/denied" exec /bin/true
expect_status 0
python3 - "$WORK/log.jsonl" "$WORK" <<'PY' >"$WORK/py.out" 2>&1
import json, sys
w = sys.argv[2]
ev = [json.loads(l) for l in open(sys.argv[1])]
by = {e["resolved"].get("path"): e for e in ev if e["syscall"] in ("openat", "execve")}
r = by[w + "/there"]["result"]
assert r["value"] >= 0 and r["errno"] is None, r
assert by[w + "/missing"]["result"] == {"value": -2, "errno": {"number": 2, "name": "ENOENT"}}, by[w + "/missing"]
assert by[w + "/denied"]["result"]["errno"]["name"] == "EROFS", by[w + "/denied"]
ex = [e for e in ev if e["syscall"] == "execve" and e["resolved"].get("path", "").endswith("/true")]
assert ex and ex[0]["result"] == {"value": 0, "errno": None}, ex
print("results ok")
PY
if grep -q "results ok" "$WORK/py.out"; then ok "the log records each call's result"; else fail "results: $(cat "$WORK/py.out")"; fi
sg --policy "$P" --no-log-results --log "$WORK/log2.jsonl" -- "$PROGS/sg_call" read "$WORK/there"
expect_status 0
expect_that "no result without --log-results" bash -c "! grep -q '\"result\"' '$WORK/log2.jsonl'"
finish
