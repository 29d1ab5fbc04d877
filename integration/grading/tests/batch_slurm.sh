#!/bin/bash
# sysgate batch --slurm on a real single-node Slurm cluster that this test
# starts from Debian's packages (munge, slurmctld, slurmd; a generated
# slurm.conf on 127.0.0.1 with proctrack/cgroup and task/cgroup) and stops:
# the same 24 runs through a job array of 3 tasks give the same verdicts and
# summary as a local batch; a run's cgroups nest under the job step's (where
# Slurm confines jobs with cgroups); --collect says when the array is still
# queued. Skipped, with the reason, where the cluster cannot start.
source "$(dirname "$0")/grading_lib.sh"
needs_root "slurmd runs as root"
for tool in munged slurmctld slurmd sbatch squeue scancel; do
  command -v "$tool" >/dev/null || { log "SKIP: $tool is not installed (scripts/install-deps.sh --tests installs it)"; exit 77; }
done

# --- the cluster ---------------------------------------------------------------
C=$TMP/cluster
NODE=sg$$
mkdir -p "$C/munge" "$C/state" "$C/spool" "$C/log"
chmod 700 "$C/munge"
dd if=/dev/urandom of="$C/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$C/munge/munge.key"
# Free ports of this test's own (both modes may run at once).
PORT=$((20000 + ($$ % 20000)))
while ss -ltn 2>/dev/null | grep -qE ":($PORT|$((PORT + 1))) "; do PORT=$((PORT + 2)); done
cat >"$C/slurm.conf" <<EOF
ClusterName=sysgate$$
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
AuthInfo=socket=$C/munge/munge.sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$C/state
SlurmdSpoolDir=$C/spool
SlurmctldPidFile=$C/slurmctld.pid
SlurmdPidFile=$C/slurmd.pid
SlurmctldLogFile=$C/log/slurmctld.log
SlurmdLogFile=$C/log/slurmd.log
ProctrackType=proctrack/cgroup
TaskPlugin=task/cgroup
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$NODE NodeHostname=$(hostname) NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=sg Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
cat >"$C/cgroup.conf" <<EOF
CgroupPlugin=autodetect
ConstrainCores=yes
ConstrainRAMSpace=yes
EOF
export SLURM_CONF=$C/slurm.conf

stop_cluster() {
  for pidfile in "$C/slurmd.pid" "$C/slurmctld.pid" "$C/munge/munged.pid"; do
    [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  for _ in $(seq 1 50); do
    pgrep -f "$C/" >/dev/null || break
    sleep 0.1
  done
  pkill -KILL -f "$C/" 2>/dev/null
  # What slurmd left in the cgroup hierarchies for this node, deepest first.
  find /sys/fs/cgroup -depth -type d -name "slurm_$NODE*" 2>/dev/null | while read -r top; do
    find "$top" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  rm -rf "$TMP"
}
trap stop_cluster EXIT
# The daemons detach; should this test be killed (ctest's timeout), a
# watchdog outside its process group stops them.
setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; pkill -f "$2/"; sleep 2; pkill -KILL -f "$2/"' \
  - "$$" "$C" </dev/null >/dev/null 2>&1 &

skip_cluster() {
  log "SKIP: the Slurm cluster cannot start here: $1"
  for f in "$C"/log/*.log "$C"/munge/munged.log; do [ -f "$f" ] && log "--- $f" && tail -n 5 "$f" >&2; done
  exit 77
}

munged --force --num-threads=4 --key-file="$C/munge/munge.key" --socket="$C/munge/munge.sock" \
  --pid-file="$C/munge/munged.pid" --log-file="$C/munge/munged.log" --seed-file="$C/munge/seed" ||
  skip_cluster "munged failed"
slurmctld -f "$C/slurm.conf" || skip_cluster "slurmctld failed"
slurmd -f "$C/slurm.conf" -N "$NODE" || skip_cluster "slurmd failed"
up=0
for _ in $(seq 1 300); do
  if timeout 5 sinfo --noheader --nodes="$NODE" --format=%t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then up=1; break; fi
  sleep 0.1
done
[ "$up" = 1 ] || skip_cluster "node $NODE not idle after 30 s ($(timeout 5 sinfo 2>&1 | tail -1))"
log "cluster up: node $NODE, controller on 127.0.0.1:$PORT"

# --- the runs ------------------------------------------------------------------
batch_fixture
J=$TMP/jobs.jsonl
{
  echo "$BATCH_DEFAULTS"
  n=0
  for _ in 1 2 3; do
    for kind in ok ok wa cpu mem fork open segv; do n=$((n + 1)); batch_job "$kind" "$kind-$n"; done
  done
} >"$J"
summary_lines() {
  "$PY" -S -c 'import json,sys; s=json.load(open(sys.argv[1]+"/summary.json")); print(s["runs"], s["done"], s["as_expected"], sorted(s["verdicts"].items())); [print(r["id"], r["verdict"], r["as_expected"]) for r in s["results"]]' "$1"
}
cd "$TMP" || exit 1

"$SYSGATE" batch -j 2 --out "$TMP/local" "$J" >"$TMP/local.out" 2>&1
RC=$?
expect "the local batch exits 0 (got $RC: $(tail -3 "$TMP/local.out" | tr '\n' '|'))" [ "$RC" = 0 ]

timeout 110 "$SYSGATE" batch --slurm --wait --array-size 3 --out "$TMP/slurm" "$J" >"$TMP/slurm.out" 2>&1
RC=$?
log "slurm: $(head -3 "$TMP/slurm.out" | tr '\n' '|')"
expect "the Slurm batch exits 0 (got $RC: $(tail -3 "$TMP/slurm.out" | tr '\n' '|'))" [ "$RC" = 0 ]
expect "a job array was submitted" grep -qE '^submitted Slurm job array [0-9]+ \(3 tasks, 24 runs\)' "$TMP/slurm.out"
expect "each of the 3 tasks wrote its output" [ "$(ls "$TMP/slurm/slurm/" | grep -c '_[0-2]\.out$')" = 3 ]
expect "the job script runs a shard of 3" grep -q -- '--shard "$SLURM_ARRAY_TASK_ID/3"' "$TMP/slurm/slurm/batch.sbatch"
expect "24 reports" [ "$(ls "$TMP/slurm/reports" | grep -c '\.json$')" = 24 ]
expect "the same verdicts and summary as the local batch" diff <(summary_lines "$TMP/local") <(summary_lines "$TMP/slurm")
"$SYSGATE" batch --collect "$TMP/slurm" >"$TMP/collect.out" 2>&1
RC=$?
expect "--collect of the finished array exits 0 (got $RC)" [ "$RC" = 0 ]

# A run's cgroups under Slurm's: the program prints its own /proc/self/cgroup.
printf '{"id": "where", "command": ["/bin/sh", "-c", "cat /proc/self/cgroup; sleep 3"], "limits": {"memory": "128MiB"}}\n' >"$TMP/where.jsonl"
timeout 60 "$SYSGATE" batch --slurm --out "$TMP/where" "$TMP/where.jsonl" >"$TMP/where.out" 2>&1
RC=$?
expect "--slurm without --wait exits 0 once submitted (got $RC)" [ "$RC" = 0 ]
expect "it says how to collect" grep -q "sysgate batch --collect $TMP/where" "$TMP/where.out"
"$SYSGATE" batch --collect "$TMP/where" >"$TMP/early.out" 2>&1
RC=$?
expect "--collect while the array is queued exits 1 (got $RC)" [ "$RC" = 1 ]
expect "and says the job still has tasks" grep -q "still has 1 task(s) in the queue" "$TMP/early.out"
for _ in $(seq 1 300); do
  [ -z "$(squeue --noheader --jobs "$(cat "$TMP/where/slurm/job_id")" 2>/dev/null)" ] && break
  sleep 0.2
done
"$SYSGATE" batch --collect "$TMP/where" >"$TMP/late.out" 2>&1
RC=$?
expect "--collect after the array exits 0 (got $RC: $(cat "$TMP/late.out" | tr '\n' '|'))" [ "$RC" = 0 ]
CG=$(cat "$TMP/where/out/where.stdout")
log "the run's cgroups: $(echo "$CG" | tr '\n' ' ')"
if [ "$GRADING_MODE" = cgroup ]; then
  if grep -q "job_" <<<"$CG"; then
    expect "the run's cgroup lies beneath the Slurm job's" grep -qE "job_[0-9]+/.*sysgate-[0-9]+-" <<<"$CG"
  else
    log "note: Slurm confines this job in no cgroup hierarchy sysgate uses; nothing to nest"
  fi
  report_file=$TMP/where/reports/where.json
  expect "the memory limit is applied by a cgroup under Slurm" \
    "$PY" -S -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["limits"]["memory"]["mechanism"].startswith("cgroup") else 1)' "$report_file"
fi

finish
