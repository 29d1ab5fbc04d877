#!/bin/bash
# Threat class 4: a program that makes itself a user namespace (so it holds
# CAP_SYS_CHROOT there) and chroots into a directory it may write. Its paths
# then name files below that root: sysgate must resolve "/f" as DIR/f and
# "/../f" as DIR/f too (`..` of the root is the root), so the policy decides on
# the real files: the jail's own file is readable, the deny-listed one is
# refused and reported under its real name, the host's file of the same name
# is never what is opened.
source "$(dirname "$0")/../paths_lib.sh"
box
W=$WORK
mkdir -p "$W/jail"
echo JAILED >"$W/jail/f"
echo SECRET >"$W/jail/secret"
echo HOST >"$W/f"
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ]
  write: ["$W/jail/**", "/dev/null"]
  exec: ["/usr/bin/**"]
  deny: ["$W/jail/secret"]
EOP
)
sg --policy "$P" -- /usr/bin/python3 -c "
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
if libc.unshare(0x10000000) != 0:  # CLONE_NEWUSER
    print('unshare:', os.strerror(ctypes.get_errno())); raise SystemExit(0)
os.chroot('$W/jail')
for p in ['/f', '/../f', '/secret', '/../../secret']:
    try:
        print(p, open(p).read().strip())
    except OSError as e:
        print(p, e.strerror)
"
expect_status 0
if grep -q "^unshare:" "$OUT"; then
  log "skipped: this kernel does not let the program create a user namespace"
  exit 77
fi
expect_stdout_equals "/f JAILED
/../f JAILED
/secret Permission denied
/../../secret Permission denied"
expect_stderr_contains "path=$W/jail/secret -> deny EACCES [filesystem section:"
expect_stdout_lacks "HOST"
expect_file_content "$W/jail/secret" SECRET
finish
