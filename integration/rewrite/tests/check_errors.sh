#!/bin/bash
# `sysgate check` of the new actions: exit 1 and FILE:LINE:COLUMN for
# - a redirect on a rule without a path test, and on one with two;
# - a rewrite of a path (non-scalar) argument;
# - when: {nth: 0}; when: {probability: 1.5};
# - {return: -ENAME} with an unknown errno name;
# each pointing at the offending action or `when` (its line); a file with all
# of them reports each; `run` refuses such a
# policy (125) before anything runs. A policy using every new form is valid.
source "$(dirname "$0")/../rewrite_lib.sh"
W=$WORK

# bad NAME LINE WORD: the policy NAME (already written) is refused, with an
# error at LINE that names WORD.
bad() {
  chk "$WORK/$1"
  expect_status 1 "$1"
  expect_stderr_matches "(^|/)$1:($2):[0-9]+: .*$3"
}

policy no-path-test.yaml >/dev/null <<'YAML'
version: 1
default: allow
rules:
  - name: no-path-test
    syscalls: [openat]
    action: {redirect: /tmp/x}
YAML
bad no-path-test.yaml 6 redirect

policy two-path-tests.yaml >/dev/null <<'YAML'
version: 1
default: allow
rules:
  - name: two-path-tests
    syscalls: [rename]
    args: {oldpath: {eq: /a}, newpath: {eq: /b}}
    action: {redirect: /c}
YAML
bad two-path-tests.yaml 7 redirect

policy rewrite-path.yaml >/dev/null <<'YAML'
version: 1
default: allow
rules:
  - name: rewrite-path
    syscalls: [openat]
    action: {rewrite: {path: /tmp/x}}
YAML
bad rewrite-path.yaml 6 path

policy nth-zero.yaml >/dev/null <<'YAML'
version: 1
default: allow
rules:
  - name: nth-zero
    syscalls: [write]
    when: {nth: 0}
    action: {deny: EIO}
YAML
bad nth-zero.yaml 6 nth

policy probability.yaml >/dev/null <<'YAML'
version: 1
default: allow
rules:
  - name: probability
    syscalls: [write]
    when: {probability: 1.5}
    action: {deny: EIO}
YAML
bad probability.yaml 6 probability

policy unknown-errno.yaml >/dev/null <<'YAML'
version: 1
default: allow
rules:
  - name: unknown-errno
    syscalls: [write]
    action: {return: -ENOSPCE}
YAML
bad unknown-errno.yaml 6 ENOSPCE

# All of them in one file: each is reported.
P=$(policy all.yaml <<'YAML'
version: 1
default: allow
rules:
  - syscalls: [openat]
    action: {redirect: /tmp/x}
  - syscalls: [openat]
    action: {rewrite: {path: /tmp/x}}
  - syscalls: [write]
    when: {nth: 0}
    action: {deny: EIO}
  - syscalls: [write]
    when: {probability: 1.5}
    action: {deny: EIO}
YAML
)
chk "$P"
expect_status 1
for line in 5 7 9 12; do
  expect_stderr_matches "(^|/)all.yaml:$line:[0-9]+: "
done

# `run` refuses it before anything runs.
sg --policy "$P" -- "$PROGS/rw_calls" mkdir "$W/made"
expect_status 125
expect_stderr_matches "all.yaml:[0-9]+:[0-9]+: "
expect_file_absent "$W/made"

# Every new form, valid.
P=$(policy valid.yaml <<'YAML'
version: 1
default: allow
tmp: private
rules:
  - name: uid
    syscalls: [getuid, geteuid]
    action: {return: 1000}
  - syscalls: [mkdir]
    when: {nth: 3}
    action: {return: -ENOSPC}
  - syscalls: [getppid]
    action: {return: 0x2a}
  - syscalls: [getpid]
    action: {return: -28}
  - syscalls: [openat, open]
    args: {path: {eq: /etc/hosts}}
    action: {redirect: "${CWD}/fixtures/hosts"}
  - syscalls: [openat]
    args: {path: {glob: "/srv/**"}}
    action: {redirect: "${RUNDIR}/srv/**"}
  - syscalls: [openat]
    args: {path: {prefix: /data}, flags: {any: [O_CREAT]}}
    action: {redirect: "/other/**"}
  - syscalls: [rename]
    args: {newpath: {glob: "/etc/**"}}
    action: {redirect: "/var/tmp/etc/**"}
  - syscalls: [openat]
    args: {flags: {any: [O_CREAT]}}
    action: {rewrite: {mode: 0600, flags: {set: [O_CLOEXEC]}}}
  - syscalls: [openat]
    action: {rewrite: {flags: {clear: [O_APPEND]}}}
  - syscalls: [openat]
    args: {path: {eq: /etc/passwd}}
    action: {rewrite: {flags: O_RDONLY}}
  - syscalls: [write]
    action: {rewrite: {count: {max: 65536}}}
  - syscalls: [read]
    action: {rewrite: {count: {min: 1}}}
  - syscalls: [fsync]
    action: {return: 0, delay: 10ms}
  - syscalls: [rmdir]
    action: {deny: EIO, delay: 100ms}
  - syscalls: [unlink]
    action: {delay: 200ms}
  - syscalls: [write]
    args: {fd: {eq: 2}}
    when: {from: 2, every: 5, until: 20, per: process}
    action: {deny: ENOSPC}
  - syscalls: [write]
    when: {probability: 0.1, seed: 42}
    action: {return: -ENOSPC}
  - syscalls: [read]
    when: {probability: 0.5}
    action: {deny: EINTR}
YAML
)
chk "$P"
expect_status 0
finish
