#!/bin/bash
# Threat class 3: a thread flips sin_port of the sockaddr between an allowed
# and a denied loopback port while the main thread connects with it. No
# connection ever reaches the denied port.
source "$(dirname "$0")/../paths_lib.sh"
box --setup 'ip link set lo up 2>/dev/null'
SG_TIMEOUT=100
N=$((SCALE / 4))
"$PROGS/pt_net" serve "$WORK/ports" 127.0.0.1 127.0.0.1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [ "$(wc -l <"$WORK/ports" 2>/dev/null)" = 2 ] && break; sleep 0.1; done
mapfile -t PORTS <"$WORK/ports"
A=${PORTS[0]} D=${PORTS[1]}
P=$(policy p.yaml <<EOP
version: 1
default: allow
network:
  allow: ["127.0.0.1:$A"]
EOP
)
sg --policy "$P" -- "$PROGS/pt_race" connect "$A" "$D" "$N"
expect_status 0
expect_stdout_contains "leaks=0"
expect_stdout_contains "tries=$N"
log "result: $(cat "$OUT")"
expect_that "some connects were allowed" grep -qv " ok=0 " "$OUT"
expect_that "some connects were refused" grep -qv " refused=0 " "$OUT"
finish
