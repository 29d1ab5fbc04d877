#!/bin/bash
# `action: {redirect: PATH}`: the program opens PATH instead.
# - `cat /etc/hosts` under an eq rule prints the fixture (the target written
#   with ${CWD}, and as an absolute path); other files are untouched; the JSON
#   log's event has "rewrites": {"path": {"from": "/etc/hosts", "to": FIXTURE}},
#   the report's "rewrites" counts it; the report's rundir is null (no private
#   /tmp);
# - the program's path buffer and argument registers are as before the call;
# - a glob "P/**" or prefix P rule with a target ending in "/**" keeps the
#   part below P (P/a/b -> T/a/b), also when P/a does not exist (T/a does);
#   a path already under the target's base is not redirected again.
source "$(dirname "$0")/../rewrite_lib.sh"
W=$WORK
mkdir -p "$W/fixtures"
printf '127.0.0.1 fixture-host-%s\n# a fixture of the redirect test\n' "$UNIQUE" >"$W/fixtures/hosts"

P=$(policy hosts-cwd.yaml <<'YAML'
version: 1
default: allow
rules:
  - name: fake-hosts
    syscalls: [openat, open]
    args: {path: {eq: /etc/hosts}}
    action: {redirect: "${CWD}/fixtures/hosts"}
YAML
)
sg --policy "$P" --cwd "$W" --log "$LOG" --report "$REPORT" -- /bin/cat /etc/hosts
expect_status 0
expect_stdout_matches_file "$W/fixtures/hosts"
expect_log '[e["rewrites"] for e in events if e.get("rewrites")] == [{"path": {"from": "/etc/hosts", "to": "'"$W"'/fixtures/hosts"}}]'
expect_report 'r["rewrites"]["count"] == 1'
expect_report 'r["rewrites"]["first"][0]["rewrites"] == {"path": {"from": "/etc/hosts", "to": "'"$W"'/fixtures/hosts"}}'
expect_report 'r["rundir"] is None'

P=$(policy hosts.yaml <<YAML
version: 1
default: allow
rules:
  - name: fake-hosts
    syscalls: [openat, open]
    args: {path: {eq: /etc/hosts}}
    action: {redirect: "$W/fixtures/hosts"}
YAML
)
# /etc/hostname (or any other file) is not redirected.
OTHER=/etc/hostname
[ -r "$OTHER" ] || OTHER=/etc/passwd
cat "$OTHER" "$W/fixtures/hosts" >"$W/expected"
sg --policy "$P" -- /bin/cat "$OTHER" /etc/hosts
expect_status 0
expect_stdout_matches_file "$W/expected"

# The test is on the resolved path: a relative path and a symlink to /etc/hosts.
ln -s /etc/hosts "$W/hosts-link"
sg --policy "$P" --cwd /etc -- /bin/cat hosts "$W/hosts-link"
expect_status 0
cat "$W/fixtures/hosts" "$W/fixtures/hosts" >"$W/expected2"
expect_stdout_matches_file "$W/expected2"

# The program's memory and registers: only the call saw the new path.
sg --policy "$P" -- "$PROGS/rw_calls" rawopen /etc/hosts read /etc/hosts
expect_status 0
expect_stdout_equals "rawopen(/etc/hosts): OK [$(cat "$W/fixtures/hosts")] regs=kept
read(/etc/hosts): OK [$(cat "$W/fixtures/hosts")]"

# Tails kept: glob "P/**" and prefix P, target "T/**".
mkdir -p "$W/src/a" "$W/dst/a" "$W/dst/only" "$W/pfx/a" "$W/pdst/a"
echo SRC-B >"$W/src/a/b"
echo DST-B >"$W/dst/a/b"
echo SRC-TOP >"$W/src/top"
echo DST-TOP >"$W/dst/top"
echo ONLY-IN-DST >"$W/dst/only/f"  # src/only does not exist
echo PFX-B >"$W/pfx/a/b"
echo PDST-B >"$W/pdst/a/b"
P=$(policy tails.yaml <<YAML
version: 1
default: allow
rules:
  - name: glob-tail
    syscalls: [openat]
    args: {path: {glob: "$W/src/**"}}
    action: {redirect: "$W/dst/**"}
  - name: prefix-tail
    syscalls: [openat]
    args: {path: {prefix: "$W/pfx"}}
    action: {redirect: "$W/pdst/**"}
YAML
)
sg --policy "$P" --log "$LOG" -- "$PROGS/rw_calls" read "$W/src/a/b" read "$W/src/top" read "$W/pfx/a/b" \
  read "$W/dst/a/b" read "$W/src/only/f"
expect_status 0
expect_stdout_equals "read($W/src/a/b): OK [DST-B]
read($W/src/top): OK [DST-TOP]
read($W/pfx/a/b): OK [PDST-B]
read($W/dst/a/b): OK [DST-B]
read($W/src/only/f): OK [ONLY-IN-DST]"
expect_log '[e["rewrites"]["path"] for e in events if e.get("rewrites")] == [{"from": "'"$W"'/src/a/b", "to": "'"$W"'/dst/a/b"}, {"from": "'"$W"'/src/top", "to": "'"$W"'/dst/top"}, {"from": "'"$W"'/pfx/a/b", "to": "'"$W"'/pdst/a/b"}, {"from": "'"$W"'/src/only/f", "to": "'"$W"'/dst/only/f"}]'

# A target under the rule's own tree: a path already under the target's base
# is not redirected again (d/x -> d/sub/x; d/sub/x stays d/sub/x, not d/sub/sub/x).
mkdir -p "$W/d/sub/sub"
echo D-X >"$W/d/x"
echo SUB-X >"$W/d/sub/x"
echo SUBSUB-X >"$W/d/sub/sub/x"
P=$(policy nested.yaml <<YAML
version: 1
default: allow
rules:
  - name: into-sub
    syscalls: [openat]
    args: {path: {glob: "$W/d/**"}}
    action: {redirect: "$W/d/sub/**"}
YAML
)
sg --policy "$P" -- "$PROGS/rw_calls" read "$W/d/x" read "$W/d/sub/x"
expect_status 0
expect_stdout_equals "read($W/d/x): OK [SUB-X]
read($W/d/sub/x): OK [SUB-X]"
finish
