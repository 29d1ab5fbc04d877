#!/bin/bash
# `log` allows and reports on stderr and in --log as a JSON line; denials are
# in the JSON log too, with their errno.
source "$(dirname "$0")/../lib.sh"
P=$(policy log.yaml <<'YAML'
version: 1
name: log-test
abi: [x86_64]
default: allow
rules:
  - name: log-mkdir
    syscalls: [mkdir]
    action: log
  - name: no-rmdir
    syscalls: [rmdir]
    action: {deny: EACCES}
YAML
)
sg --policy "$P" --log "$WORK/log.jsonl" -- "$PROGS/sg_call" mkdir "$WORK/d" rmdir "$WORK/d"
expect_status 0
expect_stdout_contains "mkdir($WORK/d): OK"
expect_stdout_contains "rmdir($WORK/d): EACCES"
expect_dir_present "$WORK/d"
expect_stderr_matches '^sysgate: pid [0-9]+ x86_64 mkdir\(path=0x[0-9a-f]+, mode=0777\) path=[^ ]+/d -> log \[rule "log-mkdir" at .*log.yaml:6:5\]'
expect_stderr_matches '^sysgate: pid [0-9]+ x86_64 rmdir\(.*\)( [a-z_]+=[^ ]+)* -> deny EACCES \[rule "no-rmdir"'
python3 - "$WORK/log.jsonl" <<'PY' >"$WORK/py.out" 2>&1
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(lines) == 2, lines
m, r = lines
for e in lines:
    for k in ("pid", "tid", "abi", "syscall", "nr", "args", "action", "errno", "rule", "reason"):
        assert k in e, (k, e)
    assert e["abi"] == "x86_64", e
    assert isinstance(e["pid"], int) and isinstance(e["tid"], int), e
assert m["syscall"] == "mkdir" and m["nr"] == 83 and m["action"] == "log" and m["errno"] is None, m
assert m["args"].get("mode") in (0o777, "0777"), m
assert r["syscall"] == "rmdir" and r["nr"] == 84 and r["action"] == "deny", r
assert r["errno"] == {"number": 13, "name": "EACCES"}, r
assert r["rule"] is not None and "no-rmdir" in json.dumps(r["rule"]), r
print("json ok")
PY
if grep -q "json ok" "$WORK/py.out"; then ok "JSON log lines"; else fail "JSON log: $(cat "$WORK/py.out") -- $(cat "$WORK/log.jsonl")"; fi
finish
