#!/bin/bash
# Addresses outside loopback are refused by the section, not by the network:
# run in a fresh network namespace (nothing leaves the machine) whose only
# interface is lo, with a route to everything so the kernel would try.
source "$(dirname "$0")/../paths_lib.sh"
box --required --setup 'ip link set lo up; ip addr add 10.99.0.1/8 dev lo 2>/dev/null'
"$PROGS/pt_net" serve "$WORK/ports" 127.0.0.1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [ -s "$WORK/ports" ] && break; sleep 0.1; done
A=$(head -1 "$WORK/ports")
P=$(policy p.yaml <<EOP
version: 1
default: allow
network:
  allow: [loopback]
EOP
)
# 10.99.0.1 is a local address here (on lo): natively a connect gets a reset.
sg --policy "$P" -- "$PROGS/pt_net" connect 127.0.0.1 "$A" 10.99.0.1 "$A" 192.0.2.1 80 8.8.8.8 53
expect_status 0
expect_line "connect(127.0.0.1,$A)" OK
expect_line "connect(10.99.0.1,$A)" ECONNREFUSED
expect_line "connect(192.0.2.1,80)" ECONNREFUSED
expect_line "connect(8.8.8.8,53)" ECONNREFUSED
expect_stderr_contains "-> deny ECONNREFUSED [network section:"
expect_stderr_contains "10.99.0.1:$A"
expect_stderr_contains "192.0.2.1:80"
sg --policy "$P" -- "$PROGS/pt_net" sendto 10.99.0.1 53 127.0.0.1 9
expect_line "sendto(10.99.0.1,53)" ECONNREFUSED
expect_line "sendto(127.0.0.1,9)" OK
finish
