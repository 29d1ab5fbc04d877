#!/bin/bash
# Threat class 4: bind() of a UNIX socket creates a file. With a filesystem
# section it is a write to that path, with or without a network section; a
# relative path starting with '@' is a file, not an abstract name.
source "$(dirname "$0")/../paths_lib.sh"
box
W=$WORK
mkdir -p "$W/rw/private" "$W/ro"
for NET in "" "network: {allow: [unix]}"; do
  P=$(policy p.yaml <<EOP
version: 1
default: allow
filesystem:
  read: [$SYS_READ, "$W/ro/**"]
  write: ["$W/rw/**", "/dev/null"]
  exec: ["$PROGS/**"]
  deny: ["$W/rw/private/**"]
$NET
EOP
)
  log "--- with '${NET:-no network section}'"
  rm -f "$W"/rw/private/* "$W"/rw/s1 "$W"/ro/*
  sg --policy "$P" -- "$PROGS/pt_fs" bind_unix "$W/rw/s1" bind_unix "$W/rw/private/s2" bind_unix "$W/ro/s3"
  expect_line "bind_unix($W/rw/s1)" OK
  expect_line "bind_unix($W/rw/private/s2)" EACCES
  expect_line "bind_unix($W/ro/s3)" EACCES
  expect_file_absent "$W/rw/private/s2"
  expect_file_absent "$W/ro/s3"
  sg --policy "$P" --cwd "$W/rw/private" -- "$PROGS/pt_fs" bind_unix @sock
  expect_line "bind_unix(@sock)" EACCES
  expect_file_absent "$W/rw/private/@sock"
done
finish
