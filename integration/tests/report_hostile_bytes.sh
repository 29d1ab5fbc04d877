#!/bin/bash
# A program cannot suppress its own report with bytes that are not UTF-8: a
# \xff in its argv, a denied path with \xff (reported under the filesystem
# section) and a leftover process named "\xff" still give a valid JSON report
# and a valid JSON log, with U+FFFD in those places; the stderr line of the
# denial stays one line, the byte shown as \xff.
source "$(dirname "$0")/../lib.sh"
box
FF=$'\xff'
mkdir -p "$WORK/ok"
echo hi >"$WORK/ok/f"
# The denied files exist (a missing one would be a probe, ENOENT, not a denial).
echo x >"$WORK/no${FF}pe"
echo x >"$WORK/nl
forged"
P=$(policy fs.yaml <<EOP
version: 1
name: hostile-bytes
default: allow
filesystem:
  read: ["/usr/**", "/etc/**", "/proc/**", "/sys/**", "/dev/**", "$PROGS/**", "$WORK/ok/**"]
  exec: ["$PROGS/**"]
EOP
)
R=$WORK/report.json
L=$WORK/log.jsonl
sg --policy "$P" --report "$R" --log "$L" -- "$PROGS/sg_names" "$FF" "$WORK/ok/f" "$WORK/no${FF}pe" "$WORK/nl
forged"
expect_status 0
expect_stdout_contains "open 1: OK"
expect_stdout_contains "open 2: EACCES"
expect_stdout_contains "open 3: EACCES"
expect_file_present "$R"
expect_stderr_contains "path=$WORK/no\\xffpe -> deny EACCES [filesystem section:"
expect_stderr_contains "path=$WORK/nl\\nforged -> deny EACCES [filesystem section:"
expect_that "no stderr line starts with the forged text" bash -c "! grep -q '^forged' '$ERR'"

python3 - "$R" "$L" "$WORK" <<'PY' >"$WORK/py.out" 2>&1
import json, sys
report_path, log_path, work = sys.argv[1:]
r = json.load(open(report_path, encoding="utf-8"))  # strict: invalid UTF-8 would raise
F = "\ufffd"
assert r["command"][1] == F, r["command"]
assert r["command"][3] == work + "/no" + F + "pe", r["command"]
assert r["command"][4] == work + "/nl\nforged", r["command"]
paths = [d["resolved"].get("path") for d in r["denials"]["first"]]
assert work + "/no" + F + "pe" in paths, paths
assert work + "/nl\nforged" in paths, paths
assert r["denials"]["count"] == 2, r["denials"]
assert all(d["reason"] == "filesystem section" for d in r["denials"]["first"]), r["denials"]
names = [p["command"] for p in r["leftover_processes"]]
assert F in names, r["leftover_processes"]
assert r["verdict"] == "OK", r["verdict"]
lines = [json.loads(l) for l in open(log_path, encoding="utf-8")]
assert [l["resolved"]["path"] for l in lines] == [work + "/no" + F + "pe", work + "/nl\nforged"], lines
print("report ok")
PY
if grep -q "report ok" "$WORK/py.out"; then ok "report and log are valid JSON with U+FFFD"; else
  fail "report: $(cat "$WORK/py.out") -- $(head -c 3000 "$R" 2>/dev/null)"
fi
finish
