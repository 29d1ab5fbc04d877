#!/bin/bash
# The kernel surfaces the default policy refuses all fail with EPERM.
source "$(dirname "$0")/../lib.sh"
box
sg -- "$PROGS/sg_hostile" surfaces
expect_status 0
for call in bpf userfaultfd perf_event_open keyctl add_key request_key mount umount2 fsopen open_tree \
  setns init_module kexec_load open_by_handle_at process_vm_writev; do
  expect_stdout_contains "$call: EPERM"
done
finish
