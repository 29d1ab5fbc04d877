#!/bin/bash
# Real tools under a filesystem policy: allowed work is done; denied work fails
# with the policy's errno and leaves the disk unchanged.
source "$(dirname "$0")/../paths_lib.sh"
# A run that hangs (see vfork_exec.sh) must not eat the whole test budget.
SG_TIMEOUT=${SG_TIMEOUT:-20}
W=$WORK
mkdir -p "$W/in/sub" "$W/out/tmp"
echo alpha >"$W/in/a"
echo secret >"$W/in/secret"
printf '#include <stdio.h>\nint main(void){puts("hello from cc");return 0;}\n' >"$W/in/hello.c"
P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ, "$W/in/**"]
  write: ["$W/out/**", "/dev/null", "/dev/tty"]
  exec: ["/usr/bin/**", "/usr/lib/gcc/**", "/usr/libexec/**"]
  deny: ["$W/in/secret"]
EOP
)

sg --policy "$P" -- cat "$W/in/a"
expect_status 0
expect_stdout_equals alpha

sg --policy "$P" -- cat "$W/in/secret"
expect_status 1
expect_stdout_lacks secret
expect_stderr_contains "Permission denied"
expect_stderr_matches "openat\(.*path=$W/in/secret -> deny EACCES \[filesystem section:"

sg --policy "$P" -- cp "$W/in/a" "$W/out/b"
expect_status 0
expect_file_content "$W/out/b" alpha
sg --policy "$P" -- cp "$W/in/a" "$W/in/c"
expect_status 1
expect_file_absent "$W/in/c"
sg --policy "$P" -- cp "$W/in/secret" "$W/out/stolen"
expect_status 1
expect_that "no copy of the secret" bash -c "! grep -qs secret '$W/out/stolen'"

sg --policy "$P" -- mv "$W/out/b" "$W/out/b2"
expect_status 0
expect_file_absent "$W/out/b"
expect_file_content "$W/out/b2" alpha
sg --policy "$P" -- mv "$W/in/a" "$W/out/moved"
expect_status 1
expect_file_content "$W/in/a" alpha
expect_file_absent "$W/out/moved"
sg --policy "$P" -- mv "$W/out/b2" "$W/in/sub/b2"
expect_status 1
expect_file_content "$W/out/b2" alpha
expect_file_absent "$W/in/sub/b2"

sg --policy "$P" -- ln -s "$W/in/a" "$W/out/l"
expect_status 0
expect_that "out/l is a symlink to in/a" test "$(readlink "$W/out/l")" = "$W/in/a"
sg --policy "$P" -- ln -s "$W/in/a" "$W/in/l"
expect_status 1
expect_file_absent "$W/in/l"
# Reading through an allowed symlink to the denied file is still denied.
ln -s "$W/in/secret" "$W/out/tosecret"
sg --policy "$P" -- cat "$W/out/tosecret"
expect_status 1
expect_stdout_lacks secret

sg --policy "$P" -- rm "$W/out/b2"
expect_status 0
expect_file_absent "$W/out/b2"
sg --policy "$P" -- rm -f "$W/in/a"
expect_status 1
expect_file_content "$W/in/a" alpha

sg --policy "$P" -- mkdir "$W/out/d"
expect_status 0
expect_dir_present "$W/out/d"
sg --policy "$P" -- mkdir "$W/in/d"
expect_status 1
expect_file_absent "$W/in/d"
sg --policy "$P" -- rmdir "$W/in/sub"
expect_status 1
expect_dir_present "$W/in/sub"

sg --policy "$P" -- sh -c "echo one > '$W/out/r'; echo two >> '$W/out/r'; cat '$W/out/r'"
expect_status 0
expect_stdout_equals "one
two"
sg --policy "$P" -- sh -c "echo x > '$W/in/r'; echo st=\$?; echo y >> '$W/in/a'; echo st=\$?; cat < '$W/in/secret'; echo st=\$?"
expect_status 0
expect_stdout_equals "st=2
st=2
st=2"
expect_file_absent "$W/in/r"
expect_file_content "$W/in/a" alpha

sg --policy "$P" -- /usr/bin/python3 -c "
import errno, os
open('$W/out/py', 'w').write('from python')
print(open('$W/out/py').read())
print(open('$W/in/a').read().strip())
for what, f in (('write-in', lambda: open('$W/in/py', 'w')), ('read-secret', lambda: open('$W/in/secret')),
                ('unlink-in', lambda: os.unlink('$W/in/a')), ('listdir-root', lambda: os.listdir('/root'))):
    try:
        f()
        print(what, 'OK')
    except OSError as e:
        print(what, errno.errorcode[e.errno])
print(sorted(os.listdir('$W/in')))
"
expect_status 0
expect_stdout_contains "from python"
expect_stdout_contains "alpha"
expect_stdout_contains "write-in EACCES"
expect_stdout_contains "read-secret EACCES"
expect_stdout_contains "unlink-in EACCES"
expect_stdout_contains "listdir-root EACCES"
expect_stdout_contains "['a', 'hello.c', 'secret', 'sub']"
expect_file_content "$W/out/py" "from python"
expect_file_absent "$W/in/py"

sg --policy "$P" --env TMPDIR="$W/out/tmp" -- cc -o "$W/out/hello" "$W/in/hello.c"
expect_status 0
expect_that "cc produced an executable" test -x "$W/out/hello"
"$W/out/hello" >"$W/native.out" 2>&1
expect_that "the program cc built runs" grep -q "hello from cc" "$W/native.out"
# Executing it in the sandbox: out/ is not in the exec list.
sg --policy "$P" -- "$W/out/hello"
expect_status_in 126 127 1
expect_stdout_lacks "hello from cc"
# Compiling into a read-only place fails and writes nothing.
sg --policy "$P" --env TMPDIR="$W/out/tmp" -- cc -o "$W/in/hello" "$W/in/hello.c"
expect_status 1
expect_file_absent "$W/in/hello"

# The policy's errno.
P2=$(policy p2.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ]
  write: ["/dev/null"]
  exec: ["/usr/bin/**"]
  errno: EPERM
EOP
)
sg --policy "$P2" -- cat "$W/in/a"
expect_status 1
expect_stderr_contains "Operation not permitted"
expect_stderr_contains "-> deny EPERM [filesystem section:"
sg --policy "$P2" -- touch "$W/out/t"
expect_status 1
expect_file_absent "$W/out/t"
finish
