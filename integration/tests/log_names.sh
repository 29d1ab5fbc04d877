#!/bin/bash
# Log lines name flags, modes, socket families and types as the headers do
# (O_RDONLY|O_CLOEXEC, AF_INET, SOCK_STREAM|SOCK_CLOEXEC, TIOCGWINSZ), on
# stderr and in the JSON log alike, and show no mode for an openat without
# O_CREAT or O_TMPFILE (its register then holds whatever was there).
source "$(dirname "$0")/../lib.sh"
P=$(policy log.yaml <<'YAML'
version: 1
default: allow
rules:
  - name: watch
    syscalls: [openat, socket, ioctl, mkdir]
    action: log
YAML
)
sg --policy "$P" --log "$WORK/log.jsonl" -- python3 -c '
import os, socket, fcntl, termios, ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall(257, -100, b"/etc/hostname", os.O_RDONLY | os.O_CLOEXEC, 0xffffffff)   # openat, garbage mode
fd = os.open("'"$WORK"'/new", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
try: fcntl.ioctl(s.fileno(), termios.TIOCGWINSZ, b"\0" * 8)
except OSError: pass
os.mkdir("'"$WORK"'/d", 0o750)
'
expect_status 0
expect_stderr_matches 'openat\(dirfd=AT_FDCWD, path=0x[0-9a-f]+, flags=O_RDONLY\|O_CLOEXEC\) path=/etc/hostname -> log'
expect_stderr_matches "openat\(dirfd=AT_FDCWD, path=0x[0-9a-f]+, flags=O_WRONLY\|O_CREAT\|O_TRUNC\|O_CLOEXEC, mode=0640\) path=$WORK/new -> log"
expect_stderr_matches 'socket\(domain=AF_INET, type=SOCK_STREAM\|SOCK_CLOEXEC, protocol=IPPROTO_IP\) -> log'
expect_stderr_matches 'ioctl\(fd=[0-9]+, request=TIOCGWINSZ, argp=[0-9]+\) -> log'
expect_stderr_matches "mkdir\(path=0x[0-9a-f]+, mode=0750\) path=$WORK/d -> log"
expect_stderr_lacks "037777777777"
python3 - "$WORK/log.jsonl" <<'PY' >"$WORK/py.out" 2>&1
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
host = [l for l in lines if l["syscall"] == "openat" and l["resolved"].get("path") == "/etc/hostname"]
assert host and host[0]["args"] == {"dirfd": "AT_FDCWD", "path": host[0]["args"]["path"], "flags": "O_RDONLY|O_CLOEXEC"}, host
# The interpreter or its libraries may make sockets of their own first
# (machines differ); the program's is the AF_INET stream one.
sock = [l["args"] for l in lines if l["syscall"] == "socket"]
want = {"domain": "AF_INET", "type": "SOCK_STREAM|SOCK_CLOEXEC", "protocol": "IPPROTO_IP"}
assert want in sock, sock
created = [l for l in lines if l["syscall"] == "openat" and l["args"].get("mode")]
assert created and created[-1]["args"]["mode"] == "0640" and "O_CREAT" in created[-1]["args"]["flags"], created
print("json ok")
PY
if grep -q "json ok" "$WORK/py.out"; then ok "JSON log names the same values"; else fail "JSON log: $(cat "$WORK/py.out")"; fi
finish
