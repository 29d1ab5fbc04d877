#!/bin/bash
# The network section on loopback: an allowed port connects, a denied one fails
# with ECONNREFUSED (the section's errno); socket(AF_INET6) fails with
# EAFNOSUPPORT when only IPv4 is allowed. C and python3 clients.
source "$(dirname "$0")/../paths_lib.sh"
SG_TIMEOUT=${SG_TIMEOUT:-30}
"$PROGS/pt_net" serve "$WORK/ports" 127.0.0.1 127.0.0.1 ::1 ::1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [ "$(wc -l <"$WORK/ports" 2>/dev/null)" = 4 ] && break; sleep 0.1; done
mapfile -t PORTS <"$WORK/ports"
A=${PORTS[0]} D=${PORTS[1]} A6=${PORTS[2]} D6=${PORTS[3]}
P=$(policy p.yaml <<EOP
version: 1
default: allow
network:
  allow: ["127.0.0.1:$A", "[::1]:$A6", unix]
EOP
)
sg --policy "$P" -- "$PROGS/pt_net" connect 127.0.0.1 "$A" 127.0.0.1 "$D" ::1 "$A6" ::1 "$D6" 127.0.0.2 "$A"
expect_status 0
expect_line "connect(127.0.0.1,$A)" OK
expect_line "connect(127.0.0.1,$D)" ECONNREFUSED
expect_line "connect(::1,$A6)" OK
expect_line "connect(::1,$D6)" ECONNREFUSED
expect_line "connect(127.0.0.2,$A)" ECONNREFUSED
expect_stderr_matches "connect\(.*127\.0\.0\.1:$D.*-> deny ECONNREFUSED \[network section:"
# Both ports do listen: natively both connect.
native "$PROGS/pt_net" connect 127.0.0.1 "$D" ::1 "$D6"
expect_that "the denied ports listen" grep -q "connect(127.0.0.1,$D): OK" "$WORK/native.out"
sg --policy "$P" -- "$PROGS/pt_net" socket inet inet6 unix packet netlink raw
expect_line "socket(inet)" OK
expect_line "socket(inet6)" OK
expect_line "socket(unix)" OK
expect_line "socket(packet)" EAFNOSUPPORT
expect_line "socket(netlink)" EAFNOSUPPORT
expect_line "socket(raw)" EAFNOSUPPORT
# python3 socket code.
sg --policy "$P" -- /usr/bin/python3 -c "
import socket, errno
for port in ($A, $D):
    try:
        socket.create_connection(('127.0.0.1', port), timeout=5).close()
        print(port, 'OK')
    except OSError as e:
        print(port, errno.errorcode[e.errno])
"
expect_status 0
expect_stdout_contains "$A OK"
expect_stdout_contains "$D ECONNREFUSED"
# Only IPv4 allowed: AF_INET6 sockets are refused.
P4=$(policy p4.yaml <<EOP
version: 1
default: allow
network:
  allow: ["127.0.0.0/8:$A"]
EOP
)
sg --policy "$P4" -- "$PROGS/pt_net" socket inet6 inet
expect_line "socket(inet6)" EAFNOSUPPORT
expect_line "socket(inet)" OK
sg --policy "$P4" -- "$PROGS/pt_net" connect 127.0.0.1 "$A"
expect_line "connect(127.0.0.1,$A)" OK
sg --policy "$P4" -- /usr/bin/python3 -c "
import socket
try:
    socket.socket(socket.AF_INET6)
    print('inet6 OK')
except OSError as e:
    print('inet6', e.errno)
"
expect_stdout_contains "inet6 97"
# The section's errno.
PE=$(policy pe.yaml <<EOP
version: 1
default: allow
network:
  allow: [loopback]
  errno: EACCES
EOP
)
sg --policy "$PE" -- "$PROGS/pt_net" connect 127.0.0.1 "$A" ::1 "$D6"
expect_line "connect(127.0.0.1,$A)" OK
expect_line "connect(::1,$D6)" OK
finish
