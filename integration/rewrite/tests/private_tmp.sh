#!/bin/bash
# A private /tmp (`--private-tmp`, or `tmp: private` in the policy): sysgate
# makes a fresh run directory (the report's "rundir") and redirects /tmp and
# /tmp/** to RUNDIR/tmp.
# - python3 writes /tmp/NAME and reads it back; its /tmp is empty before and
#   holds just NAME after; the real /tmp has no NAME afterwards; the run
#   directory is gone after the run;
# - `tmp: private` with a filesystem section that may write only
#   ${RUNDIR}/**: /tmp/NAME is written (the redirected path is what the section
#   checks), /var/tmp/NAME is refused with the section's errno;
# - --keep-rundir: the run directory stays, mode 0700, owned by the run's
#   user, and holds tmp/NAME with what the program wrote;
# - python3 makes /tmp/NAME.d/sub (directories that exist only in the private
#   /tmp) and writes and reads a file there;
# - the program's stdout, a file in the real /tmp opened by sysgate, is
#   written (descriptors are not redirected, only the paths the program names);
# - $TMPDIR set outside /tmp is redirected too: a file written there shows in /tmp;
# - cc compiles and runs a program in the private /tmp (skipped without cc);
# - a run whose policy uses neither a private /tmp nor ${RUNDIR} makes no run
#   directory: sysgate itself (straced, not its child) makes nothing in /tmp,
#   and the report's rundir is null.
source "$(dirname "$0")/../rewrite_lib.sh"
N=sgrw-$UNIQUE
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
CODE='import os, sys
n = sys.argv[1]
print(sorted(os.listdir("/tmp")))
with open("/tmp/" + n, "w") as f:
    f.write("written in the sandbox")
print(open("/tmp/" + n).read())
print(sorted(os.listdir("/tmp")))'
EXPECTED="[]
written in the sandbox
['$N']"
cleanup() { rm -rf -- "/tmp/$N" "/tmp/$N.d" "/tmp/$N.out" "/var/tmp/$N" "/var/tmp/$N.d" "/tmp/$N.c" "/tmp/$N.bin"; }
cleanup

sg --private-tmp --report "$REPORT" -- "$PY" -c "$CODE" "$N"
expect_status 0
expect_stdout_equals "$EXPECTED"
expect_file_absent "/tmp/$N"
expect_report 'isinstance(r["rundir"], str) and r["rundir"].startswith("/")'
RUNDIR=$(report_value 'r["rundir"]')
if [ -n "$RUNDIR" ]; then expect_file_absent "$RUNDIR"; fi

# tmp: private, and ${RUNDIR} in the policy.
P=$(policy private.yaml <<'YAML'
version: 1
default: allow
tmp: private
filesystem:
  read: ["/**"]
  write: ["${RUNDIR}/**", /dev/null]
  exec: ["/usr/**", "/bin/**"]
  errno: EROFS
YAML
)
CODE2="$CODE"'
import errno
try:
    open("/var/tmp/" + n, "w").write("outside")
    print("var/tmp: written")
except OSError as e:
    print("var/tmp:", errno.errorcode[e.errno])'
sg --policy "$P" --report "$REPORT" -- "$PY" -c "$CODE2" "$N"
expect_status 0
expect_stdout_equals "$EXPECTED
var/tmp: EROFS"
expect_file_absent "/tmp/$N"
expect_file_absent "/var/tmp/$N"
RUNDIR=$(report_value 'r["rundir"]')
expect_that "the report names the run directory ($RUNDIR)" [ -n "$RUNDIR" ]
if [ -n "$RUNDIR" ]; then expect_file_absent "$RUNDIR"; fi

# --keep-rundir
sg --private-tmp --keep-rundir --report "$REPORT" -- "$PY" -c "$CODE" "$N"
expect_status 0
expect_stdout_equals "$EXPECTED"
expect_file_absent "/tmp/$N"
RUNDIR=$(report_value 'r["rundir"]')
expect_that "the report names the run directory ($RUNDIR)" [ -n "$RUNDIR" ]
if [ -n "$RUNDIR" ]; then
  expect_dir_present "$RUNDIR"
  expect_file_content "$RUNDIR/tmp/$N" "written in the sandbox"
  expect_that "the run directory has mode 700 ($(stat -c %a "$RUNDIR" 2>&1))" [ "$(stat -c %a "$RUNDIR" 2>&1)" = 700 ]
  expect_that "the run directory is the user's ($(stat -c %u "$RUNDIR" 2>&1), not $(id -u))" \
    [ "$(stat -c %u "$RUNDIR" 2>&1)" = "$(id -u)" ]
  case "$RUNDIR" in
    /?*/?*) rm -rf -- "$RUNDIR" ;;
  esac
fi

# Directories that exist only in the private /tmp: /tmp/NAME.d/sub is made,
# and a file in it written and read back.
sg --private-tmp -- "$PY" -c 'import os, sys
d = "/tmp/" + sys.argv[1] + ".d"
os.makedirs(d + "/sub")
with open(d + "/sub/f", "w") as f:
    f.write("deep")
print(open(d + "/sub/f").read())
print(sorted(os.listdir("/tmp")), os.listdir(d))' "$N"
expect_status 0
expect_stdout_equals "deep
['$N.d'] ['sub']"
expect_file_absent "/tmp/$N.d"

# Only the paths the program names are redirected, not the files behind
# descriptors it was given: its stdout, opened by sysgate in the real /tmp,
# is written there (cat's fstat of fd 1 must describe that file, not fail).
sg --private-tmp --stdout "/tmp/$N.out" -- /bin/cat /etc/passwd
expect_status 0
expect_that "/tmp/$N.out holds what cat wrote (/etc/passwd)" cmp -s /etc/passwd "/tmp/$N.out"
rm -f -- "/tmp/$N.out"

# $TMPDIR outside /tmp is the private /tmp too.
if [ -d /var/tmp ] && [ -w /var/tmp ]; then
  mkdir -m 700 "/var/tmp/$N.d"
  TMPDIR=/var/tmp/$N.d sg --private-tmp -- "$PY" -c 'import os, sys
n = sys.argv[1]
with open(os.path.join(os.environ["TMPDIR"], n), "w") as f:
    f.write("via TMPDIR")
print(sorted(os.listdir("/tmp")))
print(open("/tmp/" + n).read())' "$N"
  expect_status 0
  expect_stdout_equals "['$N']
via TMPDIR"
  expect_file_absent "/var/tmp/$N.d/$N"
  expect_file_absent "/tmp/$N"
else
  log "note: no writable /var/tmp; the \$TMPDIR part is skipped"
fi

# A compiler in a private /tmp: source, objects and program all in /tmp.
CC=
for c in /usr/bin/gcc /usr/bin/cc; do [ -x "$c" ] && CC=$c && break; done
if [ -n "$CC" ]; then
  sg --private-tmp -- /bin/sh -c "printf '#include <stdio.h>\nint main(void) { puts(\"compiled in a private tmp\"); return 0; }\n' >/tmp/$N.c && $CC -o /tmp/$N.bin /tmp/$N.c && /tmp/$N.bin && ls /tmp"
  expect_status 0
  expect_stdout_equals "compiled in a private tmp
$N.bin
$N.c"
  expect_file_absent "/tmp/$N.c"
  expect_file_absent "/tmp/$N.bin"
else
  log "note: no /usr/bin/gcc or /usr/bin/cc; the compiler part is skipped"
fi
# Neither a private /tmp nor ${RUNDIR}: no run directory made.
if command -v strace >/dev/null; then
  # LeakSanitizer cannot work in a traced process (the ASan build's sysgate).
  SG_CMD="strace $SYSGATE run --engine $ENGINE --report $REPORT -- /bin/true"
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -qq -e trace=mkdir,mkdirat,openat -o "$WORK/sysgate.strace" \
    "$SYSGATE" run --engine "$ENGINE" --report "$REPORT" -- /bin/true >"$OUT" 2>"$ERR" </dev/null
  RC=$?
  expect_status 0
  expect_report 'r["rundir"] is None'
  made=$(grep -E 'mkdir(at)?\(.*"/tmp/sysgate-run-' "$WORK/sysgate.strace")
  if [ -z "$made" ]; then ok "no run directory made"; else fail "a run directory made without a private /tmp or \${RUNDIR}: $made"; fi
  if grep -q 'openat(' "$WORK/sysgate.strace"; then ok "the trace saw sysgate's calls"; else fail "strace saw no call of sysgate"; fi
else
  log "note: no strace; the part without a run directory is skipped"
fi
cleanup
finish
