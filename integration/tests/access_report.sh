#!/bin/bash
# CI hermeticity (issue 12): --access-report lists what a build read, wrote,
# created, executed and probed, each with the first process (pid, exe); a
# manifest (--declared) that leaves out one header fails the run with
# UNDECLARED_ACCESS (exit 157) and names that header, one line per access.
source "$(dirname "$0")/../lib.sh"
CC=$(command -v cc || command -v gcc || true)
MAKE=$(command -v make || true)
[ -n "$CC" ] && [ -n "$MAKE" ] || { log "skip: needs cc and make"; exit 77; }
S=$WORK/proj
mkdir -p "$S/src" "$S/include"
cat >"$S/src/main.c" <<'C'
#include <stdio.h>
#include "util.h"
#include "gen.h"
int main(void) { printf("%d %s\n", twice(21), GENERATED); return 0; }
C
cat >"$S/src/util.c" <<'C'
#include "util.h"
int twice(int x) { return 2 * x; }
C
echo 'int twice(int x);' >"$S/include/util.h"
cat >"$S/Makefile" <<'MK'
CFLAGS = -Iinclude -Ibuild
build/app: build/main.o build/util.o
	$(CC) -o $@ $^
build/gen.h:
	mkdir -p build
	echo '#define GENERATED "gen"' > $@
build/main.o: src/main.c include/util.h build/gen.h
	$(CC) $(CFLAGS) -c -o $@ src/main.c
build/util.o: src/util.c include/util.h | build/gen.h
	$(CC) $(CFLAGS) -c -o $@ src/util.c
MK
cd "$S"
# The compiler's temporary files go where the manifest can name them apart.
mkdir -p "$WORK/cctmp"
export TMPDIR=$WORK/cctmp
sg --access-report "$WORK/access.json" --report "$WORK/r.json" -- "$MAKE" -s
expect_status 0
expect_file_present "$S/build/app"
python3 - "$WORK/access.json" "$S" <<'PY' >"$WORK/py.out" 2>&1
import json, sys
a, s = json.load(open(sys.argv[1])), sys.argv[2]
files = {k: {e["path"]: e for e in v} for k, v in a["files"].items()}
for f in ["src/main.c", "src/util.c", "include/util.h", "Makefile"]:
    assert s + "/" + f in files["read"], (f, sorted(p for p in files["read"] if p.startswith(s)))
assert s + "/build/gen.h" in files["created"], sorted(files["created"])
for f in ["build/main.o", "build/util.o", "build/app"]:
    p = s + "/" + f
    assert p in files["created"] or p in files["written"], (f, sorted(files["created"]))
import os
mine = [p for p in files["read"] if p.startswith(s) and not os.path.isdir(p)]
assert all(p.endswith((".c", ".h", "Makefile", ".o")) for p in mine), mine
assert any(e["exe"].endswith(("make", "cc", "gcc", "cc1", "as", "ld", "collect2")) or "gcc" in e["exe"]
           for e in files["executed"].values()), files["executed"]
first = files["read"][s + "/src/main.c"]
assert first["pid"] > 0 and first["exe"], first
assert isinstance(a["network"], list)
print("access ok")
PY
if grep -q "access ok" "$WORK/py.out"; then ok "the access report lists the build's sources and outputs"; else fail "access report: $(cat "$WORK/py.out")"; fi

# A manifest that declares everything passes; one without include/util.h fails naming it.
cat >"$WORK/all.yaml" <<EOF2
inputs: ["\${CWD}/src/**", "\${CWD}/include/**", "\${CWD}/Makefile", "/usr/**", "/etc/**", "/lib/**", "/lib64/**",
         "/proc/**", "/dev/**", "/sys/**", "$WORK/**"]
outputs: ["\${CWD}/build/**", "$WORK/cctmp/**", /dev/null]
tools: ["/usr/**", "/bin/**", "/lib/**", "/lib64/**"]
network: []
absent_probes: ignore
EOF2
rm -rf "$S/build"
sg --declared "$WORK/all.yaml" -- "$MAKE" -s
expect_status 0
sed 's|"\${CWD}/include/\*\*", ||' "$WORK/all.yaml" | sed "s|, \"$WORK/\*\*\"||" >"$WORK/no-header.yaml"
rm -rf "$S/build"
sg --declared "$WORK/no-header.yaml" --report "$WORK/r2.json" -- "$MAKE" -s
expect_status 157
expect_stderr_contains "sysgate: undeclared access: R $S/include/util.h (pid "
expect_that "the verdict is UNDECLARED_ACCESS" grep -q '"verdict":"UNDECLARED_ACCESS"' "$WORK/r2.json"
expect_stderr_lacks "undeclared access: R $S/src/main.c"

printf 'inputs: /usr\nbogus: 1\n' >"$WORK/bad.yaml"
sg --declared "$WORK/bad.yaml" -- /bin/true
expect_status 125
expect_stderr_contains "$WORK/bad.yaml:1:9: 'inputs' must be a list"
expect_stderr_contains "$WORK/bad.yaml:2:1: unknown key 'bogus' in manifest"
finish
