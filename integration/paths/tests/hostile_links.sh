#!/bin/bash
# Threat class 4: hard links to a denied file (made in the sandbox: ln fails;
# made before: reading through the link is denied by inode), and rename of a
# denied or outside file over an allowed name (refused, the allowed name keeps
# its content).
source "$(dirname "$0")/../paths_lib.sh"
box
W=$WORK
mkdir -p "$W/ok" "$W/outside"
echo ALLOWED >"$W/ok/aa"
echo SECRET >"$W/ok/dd"
echo OUTSIDE >"$W/outside/x"
ln "$W/ok/dd" "$W/ok/pre"    # made before the run
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ]
  write: ["$W/ok/**", "/dev/null"]
  exec: ["/usr/bin/**", "$PROGS/**"]
  deny: ["$W/ok/dd"]
EOP
)
sg --policy "$P" -- ln "$W/ok/dd" "$W/ok/hl"
expect_status 1
expect_file_absent "$W/ok/hl"
sg --policy "$P" -- "$PROGS/pt_fs" link "$W/ok/dd" "$W/ok/hl2" link "$W/outside/x" "$W/ok/hl3" read "$W/ok/pre" read "$W/ok/aa"
expect_line "link($W/ok/dd,$W/ok/hl2)" EACCES
expect_line "link($W/outside/x,$W/ok/hl3)" EACCES
expect_line "read($W/ok/pre)" EACCES
expect_line "read($W/ok/aa)" "OK [ALLOWED]"
expect_file_absent "$W/ok/hl2"
expect_file_absent "$W/ok/hl3"
sg --policy "$P" -- cat "$W/ok/pre"
expect_status 1
expect_stdout_lacks SECRET
# Rename over an allowed name.
sg --policy "$P" -- mv -f "$W/ok/dd" "$W/ok/aa"
expect_status 1
expect_file_content "$W/ok/aa" ALLOWED
expect_file_content "$W/ok/dd" SECRET
sg --policy "$P" -- mv -f "$W/outside/x" "$W/ok/aa"
expect_status 1
expect_file_content "$W/ok/aa" ALLOWED
expect_file_content "$W/outside/x" OUTSIDE
sg --policy "$P" -- /usr/bin/python3 -c "
import os
for src in ('$W/ok/dd', '$W/outside/x', '$W/ok/pre'):
    try:
        os.rename(src, '$W/ok/aa'); print('rename', src, 'OK')
    except OSError as e:
        print('rename', src, e.errno)
print(open('$W/ok/aa').read().strip())
"
expect_stdout_contains "rename $W/ok/dd 13"
expect_stdout_contains "rename $W/outside/x 13"
expect_stdout_contains "rename $W/ok/pre 13"
expect_stdout_contains ALLOWED
expect_file_content "$W/ok/aa" ALLOWED
finish
