# Turns bench/run.sh's results (lines: workload runner rep in-process wall)
# into markdown tables. Variables: runners, build_runners, workloads (space
# separated lists), build_ran (0 or 1). Portable awk (mawk): no asort.

function median(key,    n, i, j, v, a, t) {
  n = cnt[key]
  if (n == 0) return "NA"
  for (i = 1; i <= n; i++) a[i] = val[key, i]
  for (i = 2; i <= n; i++) {
    t = a[i]
    for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
    a[j + 1] = t
  }
  if (n % 2) return a[(n + 1) / 2]
  return (a[n / 2] + a[n / 2 + 1]) / 2
}

function spread(key,    n, i, lo, hi, m) {
  n = cnt[key]
  if (n == 0) return "NA"
  lo = hi = val[key, 1]
  for (i = 2; i <= n; i++) {
    if (val[key, i] < lo) lo = val[key, i]
    if (val[key, i] > hi) hi = val[key, i]
  }
  m = median(key)
  return m > 0 ? sprintf("%.0f", 100 * (hi - lo) / m) : "NA"
}

function secs(x) {
  if (x == "NA") return "failed"
  if (x >= 100) return sprintf("%.0f", x)
  if (x >= 10) return sprintf("%.1f", x)
  if (x >= 1) return sprintf("%.2f", x)
  return sprintf("%.3f", x)
}

function ratio(x, base) {
  if (x == "NA" || base == "NA" || base <= 0) return "NA"
  if (x / base >= 100) return sprintf("%.0f", x / base)
  if (x / base >= 10) return sprintf("%.1f", x / base)
  return sprintf("%.2f", x / base)
}

function header(label, list, n,    i, s, d, extra) {
  s = "| " label
  d = "|---"
  extra = split(label, parts, " [|] ") - 1
  for (i = 1; i <= extra; i++) d = d "|---"
  for (i = 1; i <= n; i++) {
    s = s " | " list[i]
    d = d "|---"
  }
  print s " |"
  print d "|"
}

# Per-call overhead in microseconds: (median(runner) - median(native)) / calls.
function percall(w, r,    m, b) {
  m = median(w SUBSEP r SUBSEP "in")
  b = median(w SUBSEP "native" SUBSEP "in")
  if (m == "NA" || b == "NA") return "NA"
  return (m - b) / calls[w] * 1e6
}

function us(x) {
  if (x == "NA") return "NA"
  if (x >= 100 || x <= -100) return sprintf("%.0f", x)
  if (x >= 10 || x <= -10) return sprintf("%.1f", x)
  return sprintf("%.2f", x)
}

function pr(a, b) { return (a == "NA" || b == "NA" || b <= 0) ? "NA" : sprintf("%.2f", a / b) }

{
  if ($4 == "NA") { failed[$1 SUBSEP $2]++; next }
  k = $1 SUBSEP $2 SUBSEP "in"
  val[k, ++cnt[k]] = $4
  k = $1 SUBSEP $2 SUBSEP "wall"
  val[k, ++cnt[k]] = $5
}

END {
  nr = split(runners, R, " ")
  nw = split(workloads, W, " ")
  nb = split(build_runners, B, " ")
  calls["getppid"] = 100000; unit["getppid"] = "100000 calls (getppid)"
  calls["openat"] = 50000; unit["openat"] = "50000 calls (25000 x openat+close)"
  calls["forkexec"] = 500; unit["forkexec"] = "500 iterations (per iteration, not per call)"

  print "## Microbenchmarks: in-process seconds, median (ratio to native)"
  print ""
  print "The loop's own CLOCK_MONOTONIC time, so runner start-up and teardown are excluded."
  print ""
  header("workload", R, nr)
  for (i = 1; i <= nw; i++) {
    w = W[i]
    base = median(w SUBSEP "native" SUBSEP "in")
    line = "| " w
    for (j = 1; j <= nr; j++) {
      m = median(w SUBSEP R[j] SUBSEP "in")
      line = line " | " secs(m) (R[j] == "native" || m == "NA" ? "" : " (x" ratio(m, base) ")")
    }
    print line " |"
  }

  print ""
  print "## Microbenchmarks: wall seconds, median (ratio to native)"
  print ""
  print "The whole command, including the runner's start-up and teardown."
  print ""
  header("workload", R, nr)
  for (i = 1; i <= nw; i++) {
    w = W[i]
    base = median(w SUBSEP "native" SUBSEP "wall")
    line = "| " w
    for (j = 1; j <= nr; j++) {
      m = median(w SUBSEP R[j] SUBSEP "wall")
      line = line " | " secs(m) (R[j] == "native" || m == "NA" ? "" : " (x" ratio(m, base) ")")
    }
    print line " |"
  }

  print ""
  print "## Overhead per traced call, microseconds"
  print ""
  print "(median in-process(runner) - median in-process(native)) / count. sg-allow and floor-none trace"
  print "nothing (every call is decided in the kernel), so theirs is the cost of the filter and an idle tracer."
  print ""
  header("workload | count", R, nr)
  for (i = 1; i <= nw; i++) {
    w = W[i]
    line = "| " w " | " unit[w]
    for (j = 1; j <= nr; j++) line = line " | " (R[j] == "native" ? "-" : us(percall(w, R[j])))
    print line " |"
  }

  print ""
  print "## Targets"
  print ""
  print "| workload | kernel-decided: sg-allow / native (target <= 1.05) | traced call: sg-trace / floor (target <= 1.5) | sg-trace / floor-poll | sg-trace / strace (target < 1) | sg-ptrace / strace |"
  print "|---|---|---|---|---|---|"
  for (i = 1; i <= nw; i++) {
    w = W[i]
    a = median(w SUBSEP "sg-allow" SUBSEP "in")
    b = median(w SUBSEP "native" SUBSEP "in")
    ka = (a == "NA" || b == "NA") ? "NA" : sprintf("%.3f %s", a / b, a / b <= 1.05 ? "ok" : "MISSED")
    st = percall(w, "sg-trace"); fl = percall(w, "floor"); sr = percall(w, "strace"); sp = percall(w, "sg-ptrace")
    fp = percall(w, "floor-poll")
    f = pr(st, fl); if (f != "NA") f = f (f + 0 <= 1.5 ? " ok" : " MISSED")
    s = pr(st, sr); if (s != "NA") s = s (s + 0 < 1 ? " ok" : " MISSED")
    print "| " w " | " ka " | " f " | " pr(st, fp) " | " s " | " pr(sp, sr) " |"
  }

  print ""
  print "## Spread: (max - min) / median of in-process time, %"
  print ""
  header("workload", R, nr)
  for (i = 1; i <= nw; i++) {
    w = W[i]
    line = "| " w
    for (j = 1; j <= nr; j++) line = line " | " spread(w SUBSEP R[j] SUBSEP "in")
    print line " |"
  }

  if (build_ran) {
    print ""
    print "## Real build: configure and build GoogleTest (/usr/src/googletest, make -j2), wall seconds"
    print ""
    header("workload", B, nb)
    base = median("gtest-build" SUBSEP "native" SUBSEP "wall")
    line = "| median (ratio)"
    for (j = 1; j <= nb; j++) {
      m = median("gtest-build" SUBSEP B[j] SUBSEP "wall")
      line = line " | " secs(m) (B[j] == "native" || m == "NA" ? "" : " (x" ratio(m, base) ")")
    }
    print line " |"
    line = "| spread %"
    for (j = 1; j <= nb; j++) line = line " | " spread("gtest-build" SUBSEP B[j] SUBSEP "wall")
    print line " |"
  }

  nf = 0
  for (k in failed) nf++
  if (nf) {
    print ""
    print "## Failures"
    print ""
    for (k in failed) {
      split(k, p, SUBSEP)
      print "- " p[1] " under " p[2] ": " failed[k] " run(s) failed (left out of the medians)"
    }
  }
}
