#!/bin/bash
# A program that serves and connects on a UNIX socket of its own and makes an
# AF_INET socket without using it: the learned network section names the
# socket's path (and the filesystem section lets it be written), allows the
# AF_INET family and no address in use; the same program runs with no
# denials, and a connect to an address it never used is refused.
source "$(dirname "$0")/../learn_lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || { log "skip: no /usr/bin/python3"; exit 77; }
CODE='import os, socket
p = os.path.join(os.getcwd(), "s.sock")
srv = socket.socket(socket.AF_UNIX)
srv.bind(p)
srv.listen(1)
c = socket.socket(socket.AF_UNIX)
c.connect(p)
a, _ = srv.accept()
c.sendall(b"ping")
print(a.recv(4).decode())
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()'
mkdir -p "$WORK/learned" "$WORK/enforced"
cd "$WORK/learned" || exit 1
learn -o "$WORK/net.yaml" -- "$PY" -c "$CODE"
expect_status 0 "learn"
expect_stdout_equals "ping"
expect_valid_policy "$WORK/net.yaml"
expect_stderr_matches '^sysgate: learn: network allow: [0-9]+ entries for 1 address'
expect_policy_has 'unix:${CWD}/s.sock' "$WORK/net.yaml"
expect_policy_has '"${CWD}/s.sock"' "$WORK/net.yaml"
expect_policy_has '255.255.255.255:0' "$WORK/net.yaml"

cd "$WORK/enforced" || exit 1
sg --policy "$WORK/net.yaml" --report "$REPORT" -- "$PY" -c "$CODE"
expect_status 0 "the same program under the learned policy"
expect_stdout_equals "ping"
expect_stderr_lacks "sysgate:"
expect_no_denials

sg --policy "$WORK/net.yaml" --report "$REPORT" -- "$PY" -c \
  'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect(("127.0.0.1", 9))'
expect_status 1 "connect to an address never used"
expect_stderr_contains "address=127.0.0.1:9 -> deny ECONNREFUSED"
expect_denials
finish
