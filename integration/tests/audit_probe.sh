#!/bin/bash
# CI hermeticity (issue 12): audit mode makes and logs every decision but
# carries none out (the program sees what it would natively, the report lists
# what enforce mode would refuse, with the entry that decided); a missing path
# outside every list is a probe (ENOENT, as natively; not a denial), while a
# creating call outside the write list and a missing path a deny entry names
# stay denials; every filesystem decision names its entry with its place;
# --fail-on-denial turns a denial the program hid into verdict DENIED (156).
source "$(dirname "$0")/../lib.sh"
mkdir -p "$WORK/in" "$WORK/out"
echo SECRET >"$WORK/in/secret"
echo DATA >"$WORK/in/data"
P=$(policy hermetic.yaml <<YAML
version: 1
default: allow
filesystem:
  read: ["/usr/**", "/lib/**", "/lib64/**", "/etc/**", "/proc/**", "/dev/**", "$WORK/in/**"]
  write: ["$WORK/out/**", /dev/null]
  exec: ["$PROGS/**", "/usr/bin/**"]
  deny: ["$WORK/in/secret", "$WORK/in/gone"]
  errno: EPERM
YAML
)
CALLS=(read "$WORK/in/data" read "$WORK/in/secret" read "$WORK/elsewhere/missing" read "$WORK/in/gone"
       creat "$WORK/made" creat "$WORK/out/made" read "$WORK/notes.txt")
echo NOTES >"$WORK/notes.txt"

# Enforce: probes get ENOENT, denials the section's errno.
sg --policy "$P" --report "$WORK/enforce.json" -- "$PROGS/sg_call" "${CALLS[@]}"
expect_status 0
expect_stdout_contains "read($WORK/in/data): OK"
expect_stdout_contains "read($WORK/in/secret): EPERM"
expect_stdout_contains "read($WORK/elsewhere/missing): ENOENT"
expect_stdout_contains "read($WORK/in/gone): EPERM"        # missing, but a deny entry names it
expect_stdout_contains "creat($WORK/made): EPERM"          # creating outside the write list
expect_stdout_contains "creat($WORK/out/made): OK"
expect_stdout_contains "read($WORK/notes.txt): EPERM"
expect_file_absent "$WORK/made"
expect_stderr_contains "deny entry \"$WORK/in/secret\" at $P:7:"
expect_stderr_contains "no read entry matches (nearest: read entry \"$WORK/in/**\" at $P:4:"
expect_stderr_lacks "elsewhere/missing"                    # a probe is not printed as a denial
python3 - "$WORK/enforce.json" "$WORK" <<'PY' >"$WORK/py.out" 2>&1
import json, sys
r, w = json.load(open(sys.argv[1])), sys.argv[2]
assert r["mode"] == "enforce" and r["would_deny"]["count"] == 0, r["would_deny"]
denied = sorted(d["resolved"]["path"] for d in r["denials"]["first"])
assert denied == sorted([w + "/in/secret", w + "/in/gone", w + "/made", w + "/notes.txt"]), denied
assert r["denials"]["count"] == 4, r["denials"]["count"]
assert r["probes"] >= 1, r["probes"]
secret = [d for d in r["denials"]["first"] if d["resolved"]["path"].endswith("/in/secret")][0]
assert secret["entry"].startswith('deny entry "' + w + '/in/secret" at '), secret["entry"]
print("enforce report ok")
PY
if grep -q "enforce report ok" "$WORK/py.out"; then ok "enforce report: denials with entries, probes apart"; else fail "enforce report: $(cat "$WORK/py.out")"; fi

# Audit: the same calls do what they would natively; the report lists
# exactly what enforce denied, as would_deny, and nothing as denied.
rm -f "$WORK/out/made"
sg --mode audit --policy "$P" --report "$WORK/audit.json" --log "$WORK/audit.jsonl" -- "$PROGS/sg_call" "${CALLS[@]}"
expect_status 0
expect_stdout_contains "read($WORK/in/secret): OK [SECRET]"
expect_stdout_contains "read($WORK/elsewhere/missing): ENOENT"
expect_stdout_contains "read($WORK/notes.txt): OK [NOTES]"
expect_stdout_contains "creat($WORK/made): OK"
expect_file_present "$WORK/made"
expect_stderr_contains "(audit, not done) deny EPERM [filesystem section: deny entry \"$WORK/in/secret\""
python3 - "$WORK/enforce.json" "$WORK/audit.json" "$WORK/audit.jsonl" <<'PY' >"$WORK/py.out" 2>&1
import json, sys
e, a = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert a["mode"] == "audit" and a["verdict"] == "OK", (a["mode"], a["verdict"])
assert a["denials"]["count"] == 0, a["denials"]
key = lambda d: (d["syscall"], d["resolved"].get("path"), d["errno"]["name"], d["entry"])
assert sorted(map(key, a["would_deny"]["first"])) == sorted(map(key, e["denials"]["first"])), (a["would_deny"], e["denials"])
log = [json.loads(l) for l in open(sys.argv[3])]
assert all(l.get("audit") for l in log if l["action"] == "deny" and not l.get("probe")), log
print("audit report ok")
PY
if grep -q "audit report ok" "$WORK/py.out"; then ok "audit lists exactly what enforce denied"; else fail "audit report: $(cat "$WORK/py.out")"; fi

# mode: audit in the policy does the same.
sed 's/^default: allow$/default: allow\nmode: audit/' "$P" >"$WORK/audit-policy.yaml"
sg --policy "$WORK/audit-policy.yaml" -- "$PROGS/sg_call" read "$WORK/in/secret"
expect_status 0
expect_stdout_contains "read($WORK/in/secret): OK [SECRET]"

# PATH search with errno EPERM: missing directories on PATH are probes, so
# execvp goes on to the one that has the program.
sg --policy "$P" --env "PATH=$WORK/nodir:/nonexistent/bin:/usr/bin" -- /usr/bin/env true
expect_status 0

# --fail-on-denial: the program hides the denial (|| true), sysgate does not.
sg --fail-on-denial --policy "$P" --report "$WORK/fod.json" -- /bin/sh -c "cat $WORK/in/secret || true"
expect_status 156
expect_that "the verdict is DENIED" grep -q '"verdict":"DENIED"' "$WORK/fod.json"
sg --fail-on-denial --policy "$P" -- /bin/sh -c "cat $WORK/in/data"
expect_status 0
sg --mode sideways -- /bin/true
expect_status 125
expect_stderr_contains "--mode: expected enforce or audit, got 'sideways'"
finish
