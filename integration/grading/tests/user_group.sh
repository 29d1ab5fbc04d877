#!/bin/bash
# --user 65534 --group 65534 (as root): the program runs as that user and
# group with no supplementary groups.
source "$(dirname "$0")/grading_lib.sh"
needs_root "--user and --group switch to another user"
cd "$TMP"
sg --user 65534 --group 65534 -- id -u
expect_rc 0
expect_verdict OK
expect "id -u prints 65534 (got '$(cat "$TMP/stdout")')" [ "$(cat "$TMP/stdout")" = 65534 ]

sg --user 65534 --group 65534 -- id -g
expect "id -g prints 65534 (got '$(cat "$TMP/stdout")')" [ "$(cat "$TMP/stdout")" = 65534 ]

sg --user 65534 --group 65534 -- id -G
expect "id -G prints only 65534 (got '$(cat "$TMP/stdout")')" [ "$(cat "$TMP/stdout")" = 65534 ]

# By name, as the nobody account has: its own primary and supplementary
# groups (initgroups), never root's group 0.
name=$(getent passwd 65534 | cut -d: -f1)
if [ -n "$name" ]; then
  sg --user "$name" -- id -u
  expect "--user $name: id -u prints 65534" [ "$(cat "$TMP/stdout")" = 65534 ]
  want_groups=$(id -G "$name" | tr ' ' '\n' | sort -n | tr '\n' ' ')
  sg --user "$name" -- id -G
  got_groups=$(tr ' ' '\n' <"$TMP/stdout" | sort -n | tr '\n' ' ')
  expect "--user $name: id -G prints the user's groups '$want_groups' (got '$got_groups')" [ "$got_groups" = "$want_groups" ]
  expect "--user $name: not in group 0" not grep -qw 0 "$TMP/stdout"
  expect_report "r['credentials']['uid'] == 65534 and r['credentials']['gid'] == $(id -g "$name")"
  expect_report "sorted(r['credentials']['groups']) == sorted(int(g) for g in '$want_groups'.split())"
  sg --user "$name" -- cat /proc/self/status
  expect "--user $name: Gid is the user's group" grep -qE "^Gid:	$(id -g "$name")	" "$TMP/stdout"
fi

# The program cannot read what root can.
sg --user 65534 --group 65534 -- cat /etc/shadow
expect_verdict NONZERO_EXIT
expect "the unprivileged program cannot read /etc/shadow" [ ! -s "$TMP/stdout" ]

sg --user no-such-user-sysgate -- id -u
expect_rc 125
expect "the error names --user" grep -q -- "--user" "$TMP/stderr"
finish
