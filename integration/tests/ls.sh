#!/bin/bash
# `ls` of a temporary directory under the default and an allow-all policy:
# the output and the status are those of a native run.
source "$(dirname "$0")/../lib.sh"
D=$WORK/d
mkdir -p "$D/sub/deeper" "$D/empty"
echo hello >"$D/a.txt"
printf 'x%.0s' $(seq 1 5000) >"$D/big"
ln -s a.txt "$D/link"
touch "$D/.hidden" "$D/sub/deeper/f"
chmod 0750 "$D/sub"
# `ls -la $D` shows the time of `..` ($WORK): make the files the runs write
# there now, so that it cannot change between the native run and sysgate's
# (when a second ends in between, the listings differ).
touch "$OUT" "$ERR" "$WORK/native.out" "$WORK/native.err"
for args in "-la --time-style=+%s $D" "-R $D" "-1 $D/a.txt $D/nonexistent"; do
  # shellcheck disable=SC2086
  native ls $args
  for pol in default allow-all; do
    if [ $pol = default ]; then popt=(); else popt=(--policy "$POLICIES/allow-all.yaml"); fi
    # shellcheck disable=SC2086
    sg "${popt[@]}" -- ls $args
    expect_status "$NATIVE_RC" "ls $args under $pol"
    expect_stdout_matches_file "$WORK/native.out"
    if [ "$NATIVE_RC" = 0 ]; then expect_stderr_empty; else expect_stderr_contains "nonexistent"; fi
    expect_stderr_lacks "sysgate:"
  done
done
finish
