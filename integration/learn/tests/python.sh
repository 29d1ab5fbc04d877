#!/bin/bash
# python3 -c: learned, then the same program under the learned policy gives
# the same output with no denials; the program opening /etc/passwd is refused.
# The log kept with --log, read again with --from, teaches the same policy.
source "$(dirname "$0")/../learn_lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || { log "skip: no /usr/bin/python3"; exit 77; }
D=$WORK/data
mkdir -p "$D"
echo one >"$D/a.txt"
echo two >"$D/b.txt"
cd "$D" || exit 1
CODE='import json, os
print(json.dumps({f: open(f).read().strip() for f in sorted(os.listdir("."))}))'
EXPECTED='{"a.txt": "one", "b.txt": "two"}'

learn -o "$WORK/py.yaml" --log "$WORK/py.jsonl" -- "$PY" -c "$CODE"
expect_status 0 "learn"
expect_stdout_equals "$EXPECTED"
expect_valid_policy "$WORK/py.yaml"
expect_policy_has '"${CWD}/*"' "$WORK/py.yaml"
expect_policy_has "$PY" "$WORK/py.yaml"

sg --policy "$WORK/py.yaml" --report "$REPORT" -- "$PY" -c "$CODE"
expect_status 0 "python3 under the learned policy"
expect_stdout_equals "$EXPECTED"
expect_stderr_lacks "sysgate:"
expect_no_denials

sg --policy "$WORK/py.yaml" --report "$REPORT" -- "$PY" -c 'print(open("/etc/passwd").read())'
expect_status 1 "open(/etc/passwd) raises"
expect_stdout_lacks "root:"
expect_stderr_contains "path=/etc/passwd -> deny EACCES"
expect_stderr_contains "PermissionError"
expect_denials

# The kept log teaches the same rules and lists (the header says where from).
learn -o "$WORK/again.yaml" --from "$WORK/py.jsonl"
expect_status 0 "learn --from"
body() { grep -v -e '^#' -e '^name:' "$1"; }
if diff <(body "$WORK/py.yaml") <(body "$WORK/again.yaml") >"$WORK/diff"; then ok "--from learns the same policy"; else
  fail "--from learns another policy: $(head -20 "$WORK/diff")"
fi
finish
