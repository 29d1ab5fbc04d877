#!/bin/bash
# The kernel surfaces the default policy refuses all fail with EPERM; so do
# unmapping, protecting and advising sysgate's scratch region, while the same
# calls of zero bytes get the kernel's own answers, as natively.
source "$(dirname "$0")/../lib.sh"
box
sg -- "$PROGS/sg_hostile" surfaces
expect_status 0
for call in bpf userfaultfd perf_event_open keyctl add_key request_key mount umount2 fsopen open_tree \
  setns init_module kexec_load open_by_handle_at process_vm_writev; do
  expect_stdout_contains "$call: EPERM"
done
sg -- "$PROGS/sg_hostile" scratch
expect_status 0
for call in munmap mprotect madvise; do
  expect_stdout_contains "$call region: EPERM"
done
expect_stdout_contains "munmap zero: EINVAL"
expect_stdout_contains "mprotect zero: OK"
expect_stdout_contains "madvise zero: OK"
native "$PROGS/sg_hostile" scratch
for line in "munmap zero: EINVAL" "mprotect zero: OK" "madvise zero: OK"; do
  grep -qxF "$line" "$WORK/native.out" && ok "natively too: $line" || fail "natively: no '$line' in $(tr '\n' '|' <"$WORK/native.out")"
done
finish
