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
for p in base default permissive untrusted grade-c grade-compile grade-cpp grade-python ci-hermetic; do
  expect_stdout_contains "--policy $p)"
done
"$SYSGATE" policies --names >"$OUT" 2>"$ERR"; RC=$?
expect_stdout_equals "base
ci-hermetic
default
grade-c
grade-compile
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

# grade-compile then grade-c / grade-cpp: the submission is compiled in the
# sandbox (its directory written, nothing else), then run; a fork or a thread
# fails with EAGAIN and the run goes on.
mkdir -p "$OUTSIDE/sub"
cat >"$OUTSIDE/sub/main.c" <<'C'
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
static void* nothing(void* p) { return p; }
int main(void) {
  int a, b;
  if (scanf("%d %d", &a, &b) != 2) return 2;
  pid_t p = fork();
  if (p == 0) _exit(0);
  printf("fork: %s\n", p < 0 && errno == EAGAIN ? "EAGAIN" : "other");
  pthread_t t;
  int e = pthread_create(&t, NULL, nothing, NULL);
  printf("thread: %s\n", e == EAGAIN ? "EAGAIN" : "other");
  printf("%d\n", a + b);
  return 0;
}
C
echo "20 22" >"$OUTSIDE/sub/in.txt"
if command -v gcc >/dev/null; then
  sg --cwd "$OUTSIDE/sub" --policy grade-compile -- gcc -O2 -o a.out main.c -lpthread
  expect_status 0
  expect_file_present "$OUTSIDE/sub/a.out"
  sg --cwd "$OUTSIDE/sub" --policy grade-c --stdin "$OUTSIDE/sub/in.txt" --report "$WORK/rc.json" -- ./a.out
  expect_status 0
  expect_stdout_equals "fork: EAGAIN
thread: EAGAIN
42"
  expect_that "grade-c's verdict is OK" grep -q '"verdict":"OK"' "$WORK/rc.json"
  # The compiler writes nothing outside the submission's directory.
  sg --cwd "$OUTSIDE/sub" --policy grade-compile -- gcc -o "$OUTSIDE/elsewhere" main.c
  expect_status_in 1 4
  expect_file_absent "$OUTSIDE/elsewhere"
else
  log "note: no gcc, the compile step of grade-c not run"
fi
if command -v g++ >/dev/null; then
  printf '#include <iostream>\n#include <vector>\nint main(){std::vector<int> v{1,2,3}; int s=0; for(int x:v) s+=x; std::cout<<s<<std::endl;}\n' >"$OUTSIDE/sub/m.cpp"
  sg --cwd "$OUTSIDE/sub" --policy grade-compile -- g++ -O1 -o m m.cpp
  expect_status 0
  sg --cwd "$OUTSIDE/sub" --policy grade-cpp -- ./m
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
# untrusted runs as nobody when root runs it (its `user:`); --user overrides.
if [ "$(id -u)" = 0 ]; then
  sg --cwd "$OUTSIDE" --policy untrusted -- /usr/bin/id -u
  expect_stdout_equals "$(id -u nobody)"
  sg --cwd "$OUTSIDE" --policy untrusted --user root -- /usr/bin/id -u
  expect_stdout_equals "0"
fi

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
