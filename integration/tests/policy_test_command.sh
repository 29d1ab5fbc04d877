#!/bin/bash
# `sysgate test`: described calls decided by a policy without running
# anything: one call prints its decision and what made it; a table of calls
# per shipped policy with expected decisions (--file)
# passes; a mismatch exits 1 naming its line; a line that cannot be read
# exits 2 naming line:column; an invalid policy exits 1 as for check.
source "$(dirname "$0")/../lib.sh"

t() {
  SG_CMD="$SYSGATE test $*"
  "$SYSGATE" test "$@" >"$OUT" 2>"$ERR" </dev/null
  RC=$?
}

# grade-c's ${CWD}: relative paths and the policy's own directory are this one.
mkdir -p "$WORK/box"
cd "$WORK/box" || exit 1
echo '1 2' >in.txt
printf '#!/bin/sh\n' >a.out
chmod +x a.out

# --- one call ---
t default 'ptrace(PTRACE_ATTACH, 1)'
expect_status 0
expect_stdout_equals "deny EPERM (decided by sysgate's built-in rule \"sysgate:no-ptrace\")"
t default 'openat(AT_FDCWD, "/etc/passwd", O_RDONLY)'
expect_status 0
expect_stdout_contains 'allow (decided by the filesystem section: read entry "/**" at <shipped:default>:'
t default 'openat(AT_FDCWD, "/etc/passwd", O_WRONLY|O_APPEND)'
expect_status 0
expect_stdout_equals 'deny EACCES (decided by the filesystem section: no write entry matches; to allow it: filesystem: {write: ["/etc/passwd"]})'
t default 'getuid()'
expect_stdout_contains 'allow (decided by the default at '
expect_stdout_contains '(kernel: allowed without a stop)'
t default 'clone(CLONE_NEWUSER|SIGCHLD)'
expect_status 0
expect_stdout_contains 'deny EPERM (decided by rule "no-namespace-clone" at '
expect_stdout_lacks 'kernel:'
t grade-c 'openat(AT_FDCWD, "/etc/passwd", O_RDONLY)'
expect_status 0
expect_stdout_contains 'deny EACCES (decided by the filesystem section: no read entry matches'
t grade-c 'openat(AT_FDCWD, "in.txt", O_RDONLY)'
expect_status 0
expect_stdout_contains "allow (decided by the filesystem section: read entry \"$WORK/box/**\" at "
t --abi i386 default 'getpid()'
expect_status 0
expect_stdout_equals "kill (decided by the policy's abi list, which does not name i386)"

# --- a table per shipped policy ---
cat >default.cases <<'EOF'
# the shipped default policy
getuid() -> allow
openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) -> allow
ptrace(PTRACE_ATTACH, 1) -> deny EPERM
process_vm_writev(1, NULL, 0, NULL, 0, 0) -> deny EPERM
clone(CLONE_NEWUSER|SIGCHLD) -> deny EPERM
clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD) -> allow
clone3(NULL, 88) -> deny ENOSYS
unshare(CLONE_NEWNS) -> deny EPERM
mount("none", "/mnt", "tmpfs", 0, NULL) -> deny EPERM
bpf(0, NULL, 0) -> deny EPERM
io_uring_setup(8, NULL) -> deny EPERM
personality(0xffffffff) -> allow
personality(PER_LINUX) -> allow
personality(8) -> deny      # ADDR_NO_RANDOMIZE and friends
keyctl(0) -> deny EPERM
connect(3, {AF_INET, 127.0.0.1:80}, 16) -> allow
connect(3, {AF_INET, 10.0.0.1:80}, 16) -> deny ECONNREFUSED
connect(3, {sa_family=AF_UNIX, sun_path="/run/x.sock"}, 110) -> deny EACCES   # a socket file needs a write entry
openat(AT_FDCWD, "/etc/shadow", O_RDONLY) -> deny EACCES
openat(AT_FDCWD, "/tmp/out", O_WRONLY|O_CREAT|O_TRUNC, 0644) -> allow
write(1, "hello\n", 6) -> allow
i386:getpid() -> kill
syscall_999() -> deny ENOSYS
EOF
t default --file default.cases
expect_status 0
expect_stdout_equals 'default.cases: 23 cases, 23 as expected, 0 not'

cat >grade-c.cases <<'EOF'
# the shipped grade-c policy, from the submission's directory
write(1, "42\n", 3) -> allow
read(0, "", 4096) -> allow
exit_group(0) -> allow
getuid() -> allow
mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) -> allow
mmap(0x10000, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) -> deny EPERM
munmap(0x10000, 4096) -> deny EPERM
munmap(0, 0x20000) -> deny EPERM
mprotect(0x10000, 4096, PROT_READ|PROT_WRITE) -> deny EPERM
openat(AT_FDCWD, "in.txt", O_RDONLY) -> allow
openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) -> allow
openat(AT_FDCWD, "/dev/null", O_WRONLY) -> allow
openat(AT_FDCWD, "/etc/passwd", O_RDONLY) -> deny EACCES
openat(AT_FDCWD, "out.txt", O_WRONLY|O_CREAT|O_TRUNC, 0644) -> deny EACCES
openat(AT_FDCWD, "in.txt", O_RDWR) -> deny EACCES
openat(AT_FDCWD, "/no/such/dir/x", O_RDONLY) -> deny ENOENT
execve("./a.out", ["./a.out"], []) -> allow
execve("/bin/sh", ["sh"], []) -> deny EACCES
socket(AF_INET, SOCK_STREAM, 0) -> kill
connect(3, "unix:/run/x.sock") -> deny EACCES
fork() -> allow     # counted by the processes limit (1), beyond which it fails with EAGAIN
ptrace(PTRACE_TRACEME) -> deny EPERM
x32:getpid() -> kill
EOF
t grade-c --file grade-c.cases
expect_status 0
expect_stdout_equals 'grade-c.cases: 23 cases, 23 as expected, 0 not'

# --- the other shipped policies, a table each (run from the submission's
# directory, which is their ${CWD}) ---
cat >untrusted.cases <<'CASES'
openat(AT_FDCWD, "/etc/passwd", O_RDONLY) -> allow
openat(AT_FDCWD, "/etc/shadow", O_RDONLY) -> deny EACCES
openat(AT_FDCWD, "/etc/ssh/ssh_host_ed25519_key", O_RDONLY) -> deny EACCES
openat(AT_FDCWD, "in.txt", O_RDONLY) -> allow
openat(AT_FDCWD, "/etc/untrusted-out", O_WRONLY|O_CREAT, 0644) -> deny EACCES
openat(AT_FDCWD, "/tmp/x", O_WRONLY|O_CREAT, 0644) -> allow
execve("./a.out", 0, 0) -> allow
execve("/usr/bin/id", 0, 0) -> allow
socket(AF_INET, SOCK_STREAM, 0) -> deny EAFNOSUPPORT
socket(AF_UNIX, SOCK_STREAM, 0) -> allow
connect(3, {AF_INET, 127.0.0.1:80}, 16) -> deny ECONNREFUSED
ptrace(PTRACE_TRACEME) -> deny EPERM
unshare(CLONE_NEWUSER) -> deny EPERM
CASES
cat >grade-compile.cases <<'CASES'
execve("/usr/bin/gcc", 0, 0) -> allow
openat(AT_FDCWD, "in.txt", O_RDONLY) -> allow
openat(AT_FDCWD, "a.out", O_WRONLY|O_CREAT|O_TRUNC, 0755) -> allow
openat(AT_FDCWD, "/tmp/ccX.s", O_RDWR|O_CREAT|O_EXCL, 0600) -> allow
openat(AT_FDCWD, "/etc/shadow", O_RDONLY) -> deny EACCES
openat(AT_FDCWD, "/etc/cc-config", O_WRONLY|O_CREAT, 0644) -> deny EACCES
execve("./a.out", 0, 0) -> deny EACCES     # the compiler runs, not the submission
socket(AF_INET, SOCK_STREAM, 0) -> deny EAFNOSUPPORT
fork() -> allow
CASES
cat >grade-cpp.cases <<'CASES'
openat(AT_FDCWD, "in.txt", O_RDONLY) -> allow
membarrier(0, 0, 0) -> allow
openat(AT_FDCWD, "/etc/passwd", O_RDONLY) -> deny EACCES
socket(AF_INET, SOCK_STREAM, 0) -> kill
execve("/bin/sh", 0, 0) -> deny EACCES
clone(SIGCHLD) -> allow     # counted by the processes limit (1)
CASES
cat >grade-python.cases <<'CASES'
execve("/usr/bin/python3", 0, 0) -> allow
openat(AT_FDCWD, "in.txt", O_RDONLY) -> allow
openat(AT_FDCWD, "/usr/lib/python3/dist-packages/x.py", O_RDONLY) -> allow
openat(AT_FDCWD, "/tmp/x", O_WRONLY|O_CREAT, 0644) -> deny EACCES
socket(AF_INET, SOCK_STREAM, 0) -> kill
connect(3, {AF_INET, 127.0.0.1:9}, 16) -> kill
execve("/bin/sh", 0, 0) -> deny EACCES
CASES
cat >ci-hermetic.cases <<'CASES'
openat(AT_FDCWD, "in.txt", O_RDONLY) -> allow
openat(AT_FDCWD, "build/main.o", O_WRONLY|O_CREAT|O_TRUNC, 0644) -> allow
openat(AT_FDCWD, "/usr/main.o", O_WRONLY|O_CREAT|O_TRUNC, 0644) -> deny EACCES   # outside OUT
openat(AT_FDCWD, "/etc/shadow", O_RDONLY) -> deny EACCES
execve("/usr/bin/make", 0, 0) -> allow
connect(3, {AF_INET, 127.0.0.1:8080}, 16) -> allow
connect(3, {AF_INET, 192.0.2.1:443}, 16) -> deny ECONNREFUSED
CASES
cat >permissive.cases <<'CASES'
openat(AT_FDCWD, "/etc/shadow", O_RDONLY) -> log
execve("/bin/sh", 0, 0) -> log
connect(3, {AF_INET, 192.0.2.1:443}, 16) -> log
getuid() -> allow
ptrace(PTRACE_ATTACH, 1) -> deny EPERM     # sysgate's own built-in rule
CASES
cat >base.cases <<'CASES'
openat(AT_FDCWD, "/etc/shadow", O_RDONLY) -> allow   # no filesystem section
bpf(0, NULL, 0) -> deny EPERM
mount("none", "/mnt", "tmpfs", 0, NULL) -> deny EPERM
clone(CLONE_NEWNET|SIGCHLD) -> deny EPERM
i386:getpid() -> kill
CASES
mkdir -p build   # ci-hermetic's OUT
for p in untrusted grade-compile grade-cpp grade-python ci-hermetic permissive base; do
  n=$(grep -c ' -> ' "$p.cases")
  t "$p" --file "$p.cases"
  expect_status 0
  expect_stdout_equals "$p.cases: $n cases, $n as expected, 0 not"
done

# --- a mismatch exits 1 and names its line ---
cat >wrong.cases <<'EOF'
getuid() -> allow
ptrace(PTRACE_ATTACH, 1) -> allow

# a comment
openat(AT_FDCWD, "/etc/passwd", O_RDONLY) -> deny EACCES
EOF
t default --file wrong.cases
expect_status 1
expect_stdout_contains "wrong.cases:2: ptrace(PTRACE_ATTACH, 1): expected allow, got deny EPERM (decided by sysgate's built-in rule \"sysgate:no-ptrace\")"
expect_stdout_contains 'wrong.cases:5: openat(AT_FDCWD, "/etc/passwd", O_RDONLY): expected deny EACCES, got allow (decided by the filesystem section: read entry "/**" at '
expect_stdout_contains 'wrong.cases: 3 cases, 1 as expected, 2 not'

# --- a line that cannot be read exits 2 and names line:column ---
cat >bad.cases <<'EOF'
getuid() -> allow
openat(AT_FDCWD, "/etc/passwd", O_RDONY) -> allow
getpid() => allow
opnat() -> allow
write(1, "x", 1) -> alow
EOF
t default --file bad.cases
expect_status 2
expect_stderr_contains "bad.cases:2:33: unknown constant 'O_RDONY' (did you mean 'O_RDONLY'?)"
expect_stderr_contains "bad.cases:3:10: expected '-> EXPECTED' after the call"
expect_stderr_contains "bad.cases:4:1: unknown syscall 'opnat' (did you mean 'openat'?)"
expect_stderr_contains "bad.cases:5:21: unknown outcome 'alow' (did you mean 'allow'?)"
expect_stderr_lacks 'bad.cases:1:'
t default 'openat(AT_FDCWD, "/x", O_RDONY)'
expect_status 2
expect_stderr_contains "column 24: unknown constant 'O_RDONY' (did you mean 'O_RDONLY'?)"
t default 'opnat(AT_FDCWD, "/x", 0)'
expect_status 2
expect_stderr_contains "unknown syscall 'opnat' (did you mean 'openat'?)"
t default 'openat(3, "relative", O_RDONLY)'
expect_status 2
expect_stderr_contains 'column 8: dirfd 3: no descriptor is open here'

# --- a policy of one's own: sections, rewrites, schedules ---
P=$(policy own.yaml <<YAML
version: 1
default: allow
rules:
  - name: fake-uid
    syscalls: [getuid]
    action: {return: 1000}
  - name: third-write
    syscalls: [write]
    args: {fd: {eq: 1}}
    when: {nth: 3}
    action: {deny: ENOSPC}
filesystem:
  read: ["/usr/**", "/etc/**", "$WORK/box/**"]
  write: ["$WORK/box/out/**"]
  deny: [/etc/shadow]
network:
  allow: ["127.0.0.1:8080"]
YAML
)
t "$P" 'openat(AT_FDCWD, "/etc/shadow", O_RDONLY)'
expect_status 0
expect_stdout_equals "deny EACCES (decided by the filesystem section: deny entry \"/etc/shadow\" at $P:15:10)"
t "$P" 'connect(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, 16)'
expect_stdout_equals "allow (decided by the network section: allow entry \"127.0.0.1:8080\" at $P:17:11)"
cat >own.cases <<'EOF'
getuid() -> return 1000
write(1, "a", 1) -> allow
write(1, "b", 1) -> allow
write(1, "c", 1) -> deny ENOSPC    # the third match
write(1, "d", 1) -> allow
connect(3, "127.0.0.1:80") -> deny ECONNREFUSED
EOF
t "$P" --file own.cases
expect_status 0
expect_stdout_equals 'own.cases: 6 cases, 6 as expected, 0 not'

# --- an invalid policy: the errors as check prints them, exit 1 ---
B=$(policy invalid.yaml <<'YAML'
version: 1
default: allow
rules:
  - syscalls: [openat]
    args: {flags: {any: [O_CRAET]}}
    action: {deny: EPERM}
YAML
)
t "$B" 'getuid()'
expect_status 1
expect_stderr_matches 'invalid.yaml:5:[0-9]+: .*O_CRAET'
t no-such-policy.yaml 'getuid()'
expect_status 1
expect_stderr_contains 'no-such-policy.yaml'

# --- a usage mistake ---
t default
expect_status 125
finish
