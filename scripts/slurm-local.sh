#!/usr/bin/env bash
# A throw-away one-node Slurm cluster on loopback, for the Slurm test and for trying `--slurm` by hand:
#   scripts/slurm-local.sh start DIR   configures munge and Slurm under DIR, starts munged, slurmctld and
#                                      slurmd (no systemd, no cgroups), waits until the node is idle and
#                                      prints `export SLURM_CONF=DIR/slurm.conf`;
#   scripts/slurm-local.sh stop DIR    stops the three daemons by the pids they wrote under DIR.
# Nothing outside DIR is written: clients find the cluster through SLURM_CONF.
set -euo pipefail
command="${1:-}"
dir="${2:-}"
if [[ -z "$command" || -z "$dir" ]]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
export PATH="$PATH:/usr/sbin:/sbin"

stop() {
  local name pid
  for name in slurmd slurmctld munged; do
    [[ -f "$dir/$name.pid" ]] || continue
    pid="$(cat "$dir/$name.pid" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || continue
    kill "$pid" 2>/dev/null || continue
    # Give each daemon up to 10 s to exit, then kill it.
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

if [[ "$command" == stop ]]; then
  stop
  exit 0
fi
if [[ "$command" != start ]]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

for tool in munged slurmctld slurmd sinfo; do
  if ! command -v "$tool" >/dev/null; then
    echo "$0: $tool not found; install it with: apt-get install -y slurm-wlm munge" >&2
    exit 2
  fi
done

mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
dir="$(cd "$dir" && pwd)"
chmod 755 "$dir" "$dir/munge"
user="$(id -un)"
# Ports away from Slurm's defaults (6817/6818), so a real cluster's daemons on this machine are not met.
base=$((20000 + RANDOM % 20000))
cpus="$(nproc)"

# munge: a fresh key and a private socket; --force because CI runs as root.
head -c 1024 /dev/urandom >"$dir/munge/munge.key"
chmod 400 "$dir/munge/munge.key"
munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/socket" \
  --pid-file="$dir/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/seed"

cat >"$dir/slurm.conf" <<CONF
ClusterName=tokmix-local
SlurmctldHost=localhost
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
# No cgroups in containers: plugins that need none.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
SlurmdParameters=config_overrides
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"

slurmctld -i -f "$SLURM_CONF"
slurmd -N localhost -f "$SLURM_CONF"

# Up to 60 s for the node to report idle.
for _ in $(seq 1 120); do
  if [[ "$(sinfo -h -N -o %t 2>/dev/null || true)" == idle ]]; then
    echo "export SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.5
done
echo "$0: the node did not become idle within 60 s; see $dir/slurmctld.log and $dir/slurmd.log" >&2
stop
exit 1
