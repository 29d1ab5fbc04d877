#!/bin/bash
# The shipped policies (issue 13): `sysgate policies` lists them; each runs its
# target workload and refuses what it is meant to refuse, under both engines
# (and, as the .user test, as an ordinary user).
source "$(dirname "$0")/../lib.sh"
box
# Private /tmp policies hide the real /tmp, where $WORK is: their runs work in
# a directory outside it.
OUTSIDE=$(mktemp -d /var/tmp/sysgate-policies.XXXXXX)
trap 'rm -rf "$OUTSIDE" "$WORK"' EXIT
chmod 755 "$OUTSIDE"

"$SYSGATE" policies >"$OUT" 2>"$ERR"; RC=$?; SG_CMD="sysgate policies"
expect_status 0
for p in default permissive untrusted grade-c grade-cpp grade-python ci-hermetic; do
  expect_stdout_contains "--policy $p)"
done
"$SYSGATE" policies --names >"$OUT" 2>"$ERR"; RC=$?
expect_stdout_equals "ci-hermetic
default
grade-c
grade-cpp
grade-python
permissive
untrusted"

# grade-c: judge limits by default, overridden by options.
cp "$PROGS/sg_call" "$WORK/a.out"
sg --cwd "$WORK" --policy grade-c --report "$WORK/r.json" -- ./a.out mark hi
expect_status 0
python3 - "$WORK/r.json" <<'PY' >"$WORK/py.out" 2>&1
import json, sys
l = json.load(open(sys.argv[1]))["limits"]
assert l["cpu_time"]["value"] == 2 and l["wall_time"]["value"] == 5, l
assert l["memory"]["value"] == 256 << 20 and l["output"]["value"] == 64 << 20, l
print("limits ok")
PY
if grep -q "limits ok" "$WORK/py.out"; then ok "grade-c sets judge limits"; else fail "grade-c limits: $(cat "$WORK/py.out")"; fi
sg --cwd "$WORK" --policy grade-c --cpu-time 1s --report "$WORK/r2.json" -- ./a.out mark hi
expect_that "--cpu-time overrides the policy's" grep -q '"cpu_time":{"value":1.0' "$WORK/r2.json"

# grade-python: a correct solution is OK; a socket kills the run.
printf 'import sys\nn = int(sys.stdin.readline())\nprint(sum(range(n)))\n' >"$WORK/sol.py"
echo 10 >"$WORK/in.txt"
sg --cwd "$WORK" --policy grade-python --stdin "$WORK/in.txt" -- /usr/bin/python3 sol.py
expect_status 0
expect_stdout_equals "45"
printf 'import socket\nsocket.socket().connect(("127.0.0.1", 9))\n' >"$WORK/net.py"
sg --cwd "$WORK" --policy grade-python -- /usr/bin/python3 net.py
expect_status 159
expect_stderr_contains "VIOLATION"
printf 'open("/tmp/x-%s", "w")\n' "$$" >"$WORK/write.py"
sg --cwd "$WORK" --policy grade-python -- /usr/bin/python3 write.py
expect_status 1
expect_stderr_contains "PermissionError"

# grade-cpp: a C++ program compiled beforehand runs; fork kills it.
if command -v g++ >/dev/null; then
  printf '#include <iostream>\n#include <vector>\nint main(){std::vector<int> v{1,2,3}; int s=0; for(int x:v) s+=x; std::cout<<s<<std::endl;}\n' >"$WORK/m.cpp"
  g++ -O1 -o "$WORK/m" "$WORK/m.cpp"
  sg --cwd "$WORK" --policy grade-cpp -- ./m
  expect_status 0
  expect_stdout_equals "6"
else
  log "note: no g++, grade-cpp's C++ workload not run"
fi
sg --cwd "$WORK" --policy grade-cpp -- /bin/sh -c "exit 0"
expect_status 126   # /bin/sh is outside the submission's directory: its exec is refused

# permissive: everything runs; file and exec calls are logged.
sg --policy permissive -- /bin/cat /etc/hostname
expect_status 0
expect_stderr_matches 'openat\(.*path=/etc/hostname -> log'

# untrusted: a read-only system, a private /tmp, no network but UNIX, no secrets.
cp "$PROGS/sg_call" "$OUTSIDE/tool"
sg --cwd "$OUTSIDE" --policy untrusted -- ./tool creat /tmp/made-$$ read /tmp/made-$$ creat /etc/sysgate-$$ creat "$OUTSIDE/here" read /etc/shadow
expect_status 0
expect_stdout_contains "creat(/tmp/made-$$): OK"
expect_stdout_contains "creat(/etc/sysgate-$$): EACCES"
expect_stdout_contains "creat($OUTSIDE/here): EACCES"
expect_stdout_lacks "read(/etc/shadow): OK"
expect_file_absent "/tmp/made-$$"
expect_file_absent "/etc/sysgate-$$"
sg --cwd "$OUTSIDE" --policy untrusted -- /usr/bin/python3 -c 'import socket
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    print("inet: OK")
except OSError as e:
    print("inet:", e.errno)
socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); print("unix: OK")'
expect_status 0
expect_stdout_contains "inet: 97"   # EAFNOSUPPORT
expect_stdout_contains "unix: OK"

# ci-hermetic: a build writes its output directory and nothing else.
mkdir -p "$OUTSIDE/proj"
printf 'int main(void){return 0;}\n' >"$OUTSIDE/proj/main.c"
if command -v cc >/dev/null; then
  sg --cwd "$OUTSIDE/proj" --policy ci-hermetic -- /bin/sh -c 'mkdir -p build && cc -o build/app main.c && ./build/app && echo built'
  expect_status 0
  expect_stdout_contains "built"
  expect_file_present "$OUTSIDE/proj/build/app"
fi
sg --cwd "$OUTSIDE/proj" --policy ci-hermetic -- /bin/sh -c 'echo x > main.o'
expect_status_in 1 2
expect_file_absent "$OUTSIDE/proj/main.o"
finish
