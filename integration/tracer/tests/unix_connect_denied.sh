#!/bin/bash
# Threat class 4: connect(2), sendto(2) and sendmsg(2) name a UNIX socket by its path,
# which is a file: a socket inside a deny-listed directory is out of reach
# like any file there. Listening sockets (stream and datagram) are made
# before the run in a denied directory and in an allowed one. The program's
# connect, sendto and sendmsg to the denied ones fail with the section's errno (EPERM,
# not the kernel's EACCES at the directory's mask), the report counts both
# denials, and the server saw nothing; the allowed ones connect. With no
# network section, and with `network: {allow: [unix]}` (any UNIX address).
source "$(dirname "$0")/../tracer_lib.sh"
box
SG_TIMEOUT=20
W=$WORK
mkdir -p "$W/pub" "$W/private"
"$PROGS/tr_calls" unix_serve "$W/private/s.sock" "$W/private/d.sock" "$W/private.counts" &
S1=$!
"$PROGS/tr_calls" unix_serve "$W/pub/s.sock" "$W/pub/d.sock" "$W/pub.counts" &
S2=$!
trap 'kill $S1 $S2 2>/dev/null; rm -rf "$WORK"' EXIT
wait_for_lines "$W/private.counts" 1 && wait_for_lines "$W/pub.counts" 1 || { fail "the UNIX socket servers did not start"; finish; }
for NET in "" "network: {allow: [unix]}"; do
  P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ, "$W/**"]
  write: ["$W/**", "/dev/null"]
  exec: ["$PROGS/**"]
  deny: ["$W/private/**"]
  errno: EPERM
$NET
EOP
)
  log "--- with '${NET:-no network section}'"
  sg --policy "$P" --report "$REPORT" -- "$PROGS/tr_calls" unix_connect "$W/private/s.sock" unix_sendto "$W/private/d.sock" \
    unix_sendmsg "$W/private/d.sock" unix_connect "$W/pub/s.sock" unix_sendto "$W/pub/d.sock"
  expect_finished
  expect_status 0
  expect_line "connect($W/private/s.sock)" EPERM
  expect_line "sendto($W/private/d.sock)" EPERM
  expect_line "sendmsg($W/private/d.sock)" EPERM
  expect_line "connect($W/pub/s.sock)" OK
  expect_line "sendto($W/pub/d.sock)" OK
  expect_report 'r["denials"]["count"] == 3'
  expect_report 'sorted(d["syscall"] for d in r["denials"]["first"]) == ["connect", "sendmsg", "sendto"]'
  expect_report 'all(d["errno"] == {"number": 1, "name": "EPERM"} and d["action"] == "deny" for d in r["denials"]["first"])'
  expect_report 'all(d["reason"] == "filesystem section" for d in r["denials"]["first"])'
  expect_stderr_matches "connect\\(.*-> deny EPERM"
  expect_stderr_matches "sendto\\(.*-> deny EPERM"
  expect_stderr_matches "sendmsg\\(.*-> deny EPERM"
done
sleep 0.2
expect_file_content "$W/private.counts" "accepted=0 received=0"
expect_file_content "$W/pub.counts" "accepted=2 received=2"
finish
