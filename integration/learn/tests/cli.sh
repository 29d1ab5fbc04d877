#!/bin/bash
# The command line of learn: usage errors, `ls` learned and enforced (what it
# did allowed, `ls` of another directory refused), two logs merged with
# --from, --generalise none and trees, --base included, and the summary lines.
source "$(dirname "$0")/../learn_lib.sh"

learn
expect_status 125 "no PROGRAM and no --from"
expect_stderr_contains "give a PROGRAM to record, or --from LOG"
learn --generalise everything -- ls
expect_status 125 "--generalise everything"
expect_stderr_contains "expected none, dirs or trees"
learn --depth 2 -- ls
expect_status 125 "--depth without trees"
learn --from "$WORK/missing.jsonl"
expect_status 125 "--from a missing file"
expect_stderr_contains "missing.jsonl"
: >"$WORK/empty.jsonl"
learn --from "$WORK/empty.jsonl"
expect_status 125 "--from an empty log"
expect_stderr_contains "nothing to learn from"
learn -- "$WORK/no-such-program"
expect_status 127 "a program that does not exist"

mkdir -p "$WORK/a" "$WORK/b"
touch "$WORK/a/one" "$WORK/b/two"
cd "$WORK" || exit 1
learn -o "$WORK/ls.yaml" --log "$WORK/a.jsonl" -- ls a
expect_status 0 "learn ls a"
expect_stdout_equals "one"
expect_stderr_matches '^sysgate: learn: learned from [0-9]+ calls of 1 process$'
expect_stderr_matches '^sysgate: learn: rule calls-made: [0-9]+ calls allowed'
expect_stderr_matches '^sysgate: learn: rule calls-not-made: [0-9]+ path and socket calls the run did not make refused$'
expect_stderr_matches '^sysgate: learn: filesystem read: [0-9]+ entries'
expect_stderr_contains "sysgate: learn: filesystem exec: 1 entry for 1 path"
expect_stderr_contains "sysgate: learn: default: deny EPERM for every other call"
expect_valid_policy "$WORK/ls.yaml"
expect_policy_has '"${CWD}/a"' "$WORK/ls.yaml"
expect_policy_has "# 1 call; first: pid " "$WORK/ls.yaml"
sg --policy "$WORK/ls.yaml" --report "$REPORT" -- ls a
expect_status 0 "ls a under the learned policy"
expect_stdout_equals "one"
expect_no_denials
sg --policy "$WORK/ls.yaml" --report "$REPORT" -- ls b
expect_status 2 "ls b under the learned policy"
expect_stderr_contains "-> deny EACCES"
expect_denials

# Without -o the policy goes to stdout; a second log merged allows both.
learn --log "$WORK/b.jsonl" -- ls b
expect_status 0 "learn ls b"
expect_stdout_contains "version: 1"
learn -o "$WORK/both.yaml" --from "$WORK/a.jsonl" --from "$WORK/b.jsonl"
expect_status 0 "learn --from two logs"
for d in a b; do
  sg --policy "$WORK/both.yaml" --report "$REPORT" -- ls $d
  expect_status 0 "ls $d under the merged policy"
  expect_no_denials
done

# none: the exact files; trees: directories deep below their root as DIR/**.
learn -o "$WORK/none.yaml" --generalise none --from "$WORK/a.jsonl"
expect_status 0 "--generalise none"
expect_that "none: no directory glob" bash -c "! grep -q '/\*\"' '$WORK/none.yaml'"
learn -o "$WORK/trees.yaml" --generalise trees --depth 2 --from "$WORK/a.jsonl"
expect_status 0 "--generalise trees"
expect_policy_has '/**"' "$WORK/trees.yaml"
expect_valid_policy "$WORK/trees.yaml"

# --base: included, and what it allows is not learned again.
policy base.yaml >/dev/null <<'YAML'
version: 1
filesystem:
  read: ["/usr/**", "/etc/**"]
  exec: ["/usr/bin/**"]
YAML
learn -o "$WORK/based.yaml" --base "$WORK/base.yaml" --from "$WORK/a.jsonl"
expect_status 0 "--base"
expect_policy_has "include: [$WORK/base.yaml]" "$WORK/based.yaml"
expect_that "the base's files are not listed again" bash -c "! grep -q '/usr/lib/' '$WORK/based.yaml'"
expect_stderr_matches "include $WORK/base.yaml: [0-9]+ calls left to its rules, [1-9][0-9]* paths it already allows"
expect_valid_policy "$WORK/based.yaml"
sg --policy "$WORK/based.yaml" --report "$REPORT" -- ls a
expect_status 0 "ls a under the learned policy with its base"
expect_no_denials
finish
