#!/bin/bash
# Limits without root (issue 10): `--cgroup DIR` makes the run's cgroup v2
# beneath a subtree delegated to the user (as systemd's user@UID.service is),
# and the program runs inside it; the report says so (limits' mechanism and
# guarantees.cgroups), and the run's cgroup is removed afterwards. A directory
# that is not delegated, not a cgroup, or that the program could not be moved
# to from where sysgate runs is refused before anything runs.
source "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" != 0 ]; then log "skip: needs root to delegate a cgroup to an ordinary user"; exit 77; fi
if ! command -v setpriv >/dev/null; then log "skip: no setpriv"; exit 77; fi
CG=$(findmnt -n -t cgroup2 -o TARGET | head -1)
[ -n "$CG" ] || { log "skip: no cgroup2 mount"; exit 77; }
getent passwd 65534 >/dev/null || { log "skip: no user 65534"; exit 77; }

D=$CG/sysgate-it-delegated.$$
cleanup() {
  for d in "$D"/runs/* "$D"/runs "$D"/shell "$D"; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir "$D" "$D/shell" "$D/runs"
# What delegation hands over (cgroups(7), "Cgroups delegation"): the
# directories and their cgroup.procs, cgroup.subtree_control, cgroup.threads.
for d in "$D" "$D/shell" "$D/runs"; do chown 65534:65534 "$d" "$d"/cgroup.procs "$d"/cgroup.subtree_control "$d"/cgroup.threads; done
chmod 755 "$WORK"
cp "$SYSGATE" "$WORK/sysgate"
chmod a+rx "$WORK/sysgate"
mkdir -p "$WORK/out" && chown 65534 "$WORK/out"
REL=${D#"$CG"}

# as_user IN_SHELL ARGS...: sysgate as uid 65534, from inside $D/shell (the
# delegated subtree) when IN_SHELL is 1, else from this script's own cgroup.
as_user() {
  local in_shell=$1; shift
  SG_CMD="(as 65534) sysgate run --engine $ENGINE $*"
  (cd /; timeout -k 5 60 sh -c '
     if [ "$1" = 1 ]; then echo $$ >"$2/shell/cgroup.procs" || exit 99; fi
     shift 2
     exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"' sh "$in_shell" "$D" \
     "$WORK/sysgate" run --engine "$ENGINE" "$@" >"$OUT" 2>"$ERR" </dev/null)
  RC=$?
}

as_user 1 --cgroup "$D/runs" --cpu-time 5s --report "$WORK/out/r.json" -- /bin/cat /proc/self/cgroup
expect_status 0
expect_stdout_contains "0::$REL/runs/sysgate-"
python3 - "$WORK/out/r.json" "$D/runs/sysgate-" <<'PY' >"$WORK/py.out" 2>&1
import json, sys
r = json.load(open(sys.argv[1]))
assert r["verdict"] == "OK", r["verdict"]
assert r["limits"]["cpu_time"]["mechanism"] == "cgroup_v2", r["limits"]
cg = r["guarantees"]["cgroups"]
assert cg and cg[0].startswith(sys.argv[2]), cg
assert r["guarantees"]["privileged"] is False, r["guarantees"]
print("report ok")
PY
if grep -q "report ok" "$WORK/py.out"; then ok "the report names the delegated cgroup"; else fail "report: $(cat "$WORK/py.out")"; fi
expect_that "the run's cgroup is removed afterwards" test -z "$(find "$D/runs" -mindepth 1 -type d)"

# Not delegated: the hierarchy's root belongs to root.
as_user 1 --cgroup "$CG" -- /bin/true
expect_status 125
expect_stderr_contains "--cgroup: cannot create a cgroup in $CG"
expect_stderr_contains "not delegated"

# Not a cgroup at all.
as_user 1 --cgroup "$WORK/out" -- /bin/true
expect_status 125
expect_stderr_contains "is not a directory of a cgroup v2 mount"

# Delegated, but sysgate runs outside the subtree: the kernel would refuse to
# move the program (write access to the common ancestor's cgroup.procs).
as_user 0 --cgroup "$D/runs" -- /bin/true
expect_status 125
expect_stderr_contains "needs write access to"

as_user 1 --cgroup "$D/runs" --no-cgroups -- /bin/true
expect_status 125
expect_stderr_contains "--cgroup and --no-cgroups contradict each other"
expect_that "nothing is left in the delegated subtree" test -z "$(find "$D/runs" -mindepth 1 -type d)"
finish
