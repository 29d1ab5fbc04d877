#!/bin/bash
# git init, add and commit in a fresh repository: learned in one repository,
# enforced in another (${CWD} differs) with no denials and the same commit;
# writing the user's ~/.gitconfig, which the recorded run never did, is refused.
source "$(dirname "$0")/../learn_lib.sh"
needs_tool git
# A fixed author, committer and date: the same objects, under the same names.
export GIT_AUTHOR_NAME=Learner GIT_AUTHOR_EMAIL=learner@example.org GIT_COMMITTER_NAME=Learner \
  GIT_COMMITTER_EMAIL=learner@example.org GIT_AUTHOR_DATE='2020-01-01T00:00:00Z' \
  GIT_COMMITTER_DATE='2020-01-01T00:00:00Z' GIT_CONFIG_NOSYSTEM=1
export HOME=$WORK/home
mkdir -p "$HOME"
COMMIT=(sh -c 'git init -q -b main && git add a.txt && git commit -q -m first && git rev-parse HEAD')
repo() {
  mkdir -p "$WORK/$1"
  echo "a file" >"$WORK/$1/a.txt"
  cd "$WORK/$1" || exit 1
}
repo one
native "${COMMIT[@]}"
[ "$NATIVE_RC" = 0 ] || { log "skip: git commit does not work here: $(cat "$WORK/native.err")"; exit 77; }
HEAD=$(cat "$WORK/native.out")

repo learned
learn -o "$WORK/git.yaml" -- "${COMMIT[@]}"
expect_status 0 "learn"
expect_stdout_equals "$HEAD"
expect_valid_policy "$WORK/git.yaml"
expect_policy_has '"${CWD}/.git/' "$WORK/git.yaml"
expect_policy_has '/git' "$WORK/git.yaml"

repo enforced
sg --policy "$WORK/git.yaml" --report "$REPORT" -- "${COMMIT[@]}"
expect_status 0 "git under the learned policy"
expect_stdout_equals "$HEAD"
expect_stderr_lacks "sysgate:"
expect_no_denials
expect_file_present "$WORK/enforced/.git/HEAD"

repo refused
sg --policy "$WORK/git.yaml" --report "$REPORT" -- sh -c 'git init -q -b main && git config --global user.name Other'
expect_that "git config --global fails (status $RC)" [ "$RC" != 0 ]
expect_stderr_contains "-> deny"
expect_denials
expect_file_absent "$HOME/.gitconfig"
finish
