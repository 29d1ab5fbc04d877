#!/bin/bash
# python3 with 8 threads writing files and with subprocesses.
source "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
cat >"$WORK/t.py" <<'PYEOF'
import os, subprocess, sys, threading
out = sys.argv[1]
def work(i):
    with open(os.path.join(out, f"t{i}.txt"), "w") as f:
        for j in range(300):
            f.write(f"{i}:{j}\n")
            if j % 50 == 0:
                f.flush(); os.fsync(f.fileno())
threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
for t in threads: t.start()
for t in threads: t.join()
total = 0
for i in range(8):
    with open(os.path.join(out, f"t{i}.txt")) as f:
        lines = f.read().splitlines()
    assert lines == [f"{i}:{j}" for j in range(300)], i
    total += len(lines)
print("lines", total)
r = subprocess.run(["echo", "hello from echo"], capture_output=True, text=True)
print("echo:", r.returncode, r.stdout.strip())
r = subprocess.run("echo a b | tr a-z A-Z; exit 3", shell=True, capture_output=True, text=True)
print("shell:", r.returncode, r.stdout.strip())
# Threads that spawn processes at the same time.
results = []
def spawn(i):
    r = subprocess.run(["sh", "-c", f"exit {i}"])
    results.append(r.returncode)
ts = [threading.Thread(target=spawn, args=(i,)) for i in range(8)]
for t in ts: t.start()
for t in ts: t.join()
print("spawned", sorted(results))
PYEOF
EXPECTED="lines 2400
echo: 0 hello from echo
shell: 3 A B
spawned [0, 1, 2, 3, 4, 5, 6, 7]"
for pol in default allow-all; do
  if [ $pol = default ]; then popt=(); else popt=(--policy "$POLICIES/allow-all.yaml"); fi
  mkdir -p "$WORK/$pol"
  sg "${popt[@]}" -- "$PY" "$WORK/t.py" "$WORK/$pol"
  expect_status 0
  expect_stdout_equals "$EXPECTED"
  # Only glibc's clone3, refused with ENOSYS so that it falls back to clone,
  # may be reported.
  other=$(grep '^sysgate:' "$ERR" | grep -v 'clone3(.*-> deny ENOSYS')
  expect_that "no other sysgate message: $other" [ -z "$other" ]
  # (the ptrace engine refuses clone3 even under allow-all: its flags are in memory)
  [ $pol = allow-all ] && [ "$ENGINE" = seccomp ] && expect_stderr_lacks "sysgate:"
  expect_file_present "$WORK/$pol/t7.txt"
done
finish
