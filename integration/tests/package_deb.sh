#!/bin/bash
# The Debian package: `cpack -G DEB` of the build directory of $SYSGATE makes a
# .deb whose binary runs, with the man pages (compressed, rendering without
# warnings), the shipped policies, the bash completion (naming the shipped
# policies) and the Debian files, and that lintian accepts without errors.
# Once per build: the ptrace variant and the staged .user copies skip.
source "$(dirname "$0")/../lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)

if [ "$ENGINE" != seccomp ]; then
  log "skip: packaging does not depend on the engine (the .seccomp variant tests it)"
  exit 77
fi
BUILD=$(dirname "$(realpath "$SYSGATE")")
if [ ! -f "$BUILD/CPackConfig.cmake" ]; then
  log "skip: $SYSGATE is not in a CMake build directory (no CPackConfig.cmake)"
  exit 77
fi
for tool in cpack dpkg-deb; do
  if ! command -v "$tool" >/dev/null; then
    log "skip: $tool is not installed"
    exit 77
  fi
done

# The package and CPack's staging tree go to $WORK, not the build directory.
SG_CMD="cpack -G DEB --config $BUILD/CPackConfig.cmake -B $WORK/pkg"
(cd "$WORK" && cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$WORK/pkg") >"$OUT" 2>"$ERR"
RC=$?
expect_status 0
SG_CMD=
debs=("$WORK"/pkg/*.deb)
if [ "${#debs[@]}" != 1 ] || [ ! -f "${debs[0]}" ]; then
  fail "cpack made ${#debs[@]} packages: ${debs[*]}"
  finish
fi
DEB=${debs[0]}
version=$("$SYSGATE" --version | awk '{ print $2 }')
expect_that "package file name" [ "$(basename "$DEB")" = "sysgate_${version}-1_$(dpkg --print-architecture).deb" ]
expect_that "Package: sysgate" [ "$(dpkg-deb -f "$DEB" Package)" = sysgate ]
expect_that "Section: admin" [ "$(dpkg-deb -f "$DEB" Section)" = admin ]
depends=$(dpkg-deb -f "$DEB" Depends)
# The libraries are linked statically (CMakeLists.txt): libc is the only
# shared one, and Depends says so.
expect_that "Depends names libc (the one shared library): $depends" \
  bash -c '[[ $1 == *libc6* && $1 != *libseccomp* && $1 != *yaml-cpp* ]]' - "$depends"

ROOT=$WORK/root
dpkg-deb -x "$DEB" "$ROOT"
expect_file_present "$ROOT/usr/bin/sysgate"
expect_that "the packaged binary is stripped" bash -c '! file "$1" | grep -q "not stripped"' - "$ROOT/usr/bin/sysgate"
expect_that "packaged --version: sysgate $version" [ "$("$ROOT/usr/bin/sysgate" --version)" = "sysgate $version" ]
"$ROOT/usr/bin/sysgate" run --engine "$ENGINE" --report - -- /bin/true >"$OUT" 2>"$ERR"
RC=$?
SG_CMD="$ROOT/usr/bin/sysgate run --engine $ENGINE --report - -- /bin/true"
expect_status 0
expect_stdout_contains '"verdict":"OK"'
SG_CMD=

for page in man1/sysgate.1 man5/sysgate-policy.5 man5/sysgate-batch.5; do
  gz=$ROOT/usr/share/man/$page.gz
  expect_file_present "$gz"
  expect_that "$page.gz is man/$(basename "$page")" bash -c 'gzip -dc "$1" | cmp -s - "$2"' - "$gz" "$SRC/man/$(basename "$page")"
  if command -v man >/dev/null; then
    warnings=$(MANWIDTH=80 man --warnings -l "$gz" 2>&1 >/dev/null)
    expect_that "$page renders without warnings${warnings:+: $warnings}" [ -z "$warnings" ]
  fi
done
for f in "$SRC"/policies/*.yaml; do
  expect_that "policy $(basename "$f") installed" cmp -s "$f" "$ROOT/usr/share/sysgate/policies/$(basename "$f")"
done
expect_file_present "$ROOT/usr/share/doc/sysgate/copyright"
expect_that "changelog.Debian.gz names version ${version}-1" \
  bash -c 'gzip -dc "$1" | head -1 | grep -qF "sysgate ($2)"' - "$ROOT/usr/share/doc/sysgate/changelog.Debian.gz" "${version}-1"

# The completion, as bash-completion would load it: subcommands, run's options, policy names.
COMPLETION=$ROOT/usr/share/bash-completion/completions/sysgate
expect_file_present "$COMPLETION"
complete_words() {  # complete_words WORD... : what completing the last word offers
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
           _sysgate; printf "%s\n" "${COMPREPLY[@]}"' - "$COMPLETION" "$@" 2>&1
}
words=$(PATH="$ROOT/usr/bin:$PATH" complete_words sysgate sy)
expect_that "sysgate sy<TAB> -> syscalls (got: $words)" [ "$words" = syscalls ]
words=$(complete_words sysgate run --stderr-t)
expect_that "sysgate run --stderr-t<TAB> -> --stderr-to-stdout (got: $words)" [ "$words" = --stderr-to-stdout ]
words=$(complete_words sysgate run --engine p)
expect_that "sysgate run --engine p<TAB> -> ptrace (got: $words)" [ "$words" = ptrace ]
# Every option of run's option table (run_options() in supervisor/cli/main.cpp).
run_options=$(sed -n '/options_description run_options()/,/return t;/p' "$SRC/supervisor/cli/main.cpp" |
  tr -d ' \n' | grep -o ')("[a-z][a-z-]*"' | tr -d ')("')
missing=$(bash -c 'source "$1"; shift
  for o in "$@"; do
    COMP_WORDS=(sysgate run "--$o"); COMP_CWORD=2; COMPREPLY=(); _sysgate 2>/dev/null
    printf "%s\n" "${COMPREPLY[@]}" | grep -qx -- "--$o" || echo "--$o"
  done' - "$COMPLETION" $run_options)
expect_that "run's $(wc -w <<<"$run_options") options all complete${missing:+; missing: $missing}" \
  [ -n "$run_options" -a -z "$missing" ]
for f in "$SRC"/policies/*.yaml; do
  name=$(basename "$f" .yaml)
  # A sysgate without `policies --names` on PATH: the names CMake wrote into the file.
  words=$(cd "$WORK" && PATH=/nonexistent:/usr/bin:/bin complete_words /nonexistent/sysgate run --policy "$name")
  expect_that "--policy $name<TAB> offers $name (got: $words)" grep -qx -- "$name" <<<"$words"
done

if command -v lintian >/dev/null; then
  lintian --no-tag-display-limit "$DEB" >"$WORK/lintian" 2>&1
  errors=$(grep '^E:' "$WORK/lintian")
  expect_that "lintian reports no errors${errors:+: $errors}" [ -z "$errors" ]
  log "lintian: $(grep -c '^W:' "$WORK/lintian") warnings"
  grep '^W:' "$WORK/lintian" >&2
else
  log "note: lintian is not installed; not run"
fi
finish
