#!/bin/bash
# Threat class 3/4 on sockets: for an AF_INET socket the kernel reads a
# sockaddr whose family is AF_UNSPEC as AF_INET in sendto (udp_sendmsg) and,
# with INADDR_ANY, in bind (inet_bind). The section must not skip it.
source "$(dirname "$0")/../paths_lib.sh"
SG_TIMEOUT=${SG_TIMEOUT:-30}
"$PROGS/pt_net" udp_recv "$WORK/port" >"$WORK/received" &
RECV=$!
trap 'kill $RECV 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
U=$(cat "$WORK/port")
P=$(policy p.yaml <<EOP
version: 1
default: allow
network:
  allow: ["127.0.0.1:1"]
EOP
)
sg --policy "$P" -- "$PROGS/pt_net" sendto 127.0.0.1 "$U"
expect_line "sendto(127.0.0.1,$U)" ECONNREFUSED
sg --policy "$P" -- "$PROGS/pt_net" sendto_unspec 127.0.0.1 "$U"
sleep 0.3
expect_that "no datagram reached the denied port 127.0.0.1:$U through AF_UNSPEC" bash -c "! grep -q hello '$WORK/received'"
expect_stdout_lacks "sendto_unspec(127.0.0.1,$U): OK"
FREE=$((20000 + RANDOM % 20000))
sg --policy "$P" -- "$PROGS/pt_net" bind_unspec "$FREE"
expect_stdout_lacks "bind_unspec($FREE): OK"
finish
