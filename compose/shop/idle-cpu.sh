#!/usr/bin/env bash
# Idle CPU of the offline shop stack: bundles the services, builds the images, brings the
# stack up (timing `up --wait`, i.e. cold start with images built), waits 30 s, then prints
#   idle-cpu stack=<sum of `docker stats --no-stream` CPU %> % of one core
# plus a steadier figure from the containers' cgroup CPU time over a longer window, the CPU of
# this stack's containerd-shims, and that of dockerd + containerd (shared with other stacks). Always tears
# the stack down (down -v -t 0), also on failure or Ctrl-C.
#
#   compose/shop/idle-cpu.sh [project]          (default project: shop-idle-<pid>)
#   IDLE_SETTLE_S=30 IDLE_WINDOW_S=20 compose/shop/idle-cpu.sh
#   IDLE_ONLINE=1 ...   use only compose.yml (needs an image registry)
#   IDLE_COMPOSE_EXTRA=a.yml:b.yml ...   more -f files (e.g. private image tags on a shared engine)
# Measure on a quiet machine: `uptime` is printed first; other stacks' load shows up here too.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=${1:-shop-idle-$$}
settle=${IDLE_SETTLE_S:-30}
window=${IDLE_WINDOW_S:-20}
files=(-f "$here/compose.yml")
[[ -n ${IDLE_ONLINE:-} ]] || files+=(-f "$here/compose.offline.yml")
IFS=: read -ra extra <<<"${IDLE_COMPOSE_EXTRA:-}"
for f in "${extra[@]}"; do [[ -n $f ]] && files+=(-f "$f"); done
dc() { docker compose -p "$project" "${files[@]}" "$@"; }

teardown() { dc down -v -t 0 >/dev/null 2>&1 || true; }
trap teardown EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

echo "load: $(uptime | sed 's/.*load average: //')"
node "$here/services/build.mjs" >/dev/null
dc build --quiet
log=$(mktemp)
t0=$(now)
dc up -d --wait >"$log" 2>&1 || { cat "$log"; dc ps -a; exit 1; }
t1=$(now)
rm -f "$log"
echo "cold start (images built, up -d --wait): $(elapsed "$t0" "$t1") s"
# When each container started and first reported healthy, relative to `up`.
docker events --since "$t0" --until "$(now)" --filter "label=com.docker.compose.project=$project" \
  --filter type=container --filter event=start --filter event=health_status --filter event=die \
  --format '{{.TimeNano}} {{index .Actor.Attributes "com.docker.compose.service"}} {{.Action}}' |
  awk -v t0="$t0" '!seen[$2 " " $3 $4]++ { printf "  +%5.1f s  %-13s %s%s\n", $1 / 1e9 - t0, $2, $3, ($4 ? " " $4 : "") }'

sleep "$settle"

# 1. What the task asks for: one `docker stats --no-stream` sample, summed.
ids=$(dc ps -q)
stats=$(docker stats --no-stream --format '{{.Name}} {{.CPUPerc}}' $ids)
echo "$stats" | sed 's/^/  /'
sum=$(echo "$stats" | awk '{ sub("%", "", $2); s += $2 } END { printf "%.2f", s }')
echo "idle-cpu stack=${sum} % of one core (docker stats --no-stream, ${settle} s after ready)"

# 2. Steadier: cgroup CPU time of every container, and of the engine's own processes, over a window.
cgroup_ns() { # sum of cpuacct.usage (v1) or cpu.stat usage_usec*1000 (v2) of the given full ids
  local total=0 id v
  for id in "$@"; do
    if [[ -r /sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage ]]; then
      v=$(cat "/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage")
    elif [[ -r /sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat ]]; then
      v=$(( $(awk '/^usage_usec/ { print $2 }' "/sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat") * 1000 ))
    else
      v=0
    fi
    total=$((total + v))
  done
  echo "$total"
}
proc_ticks() { # utime+stime (clock ticks) of the given pids
  local total=0 pid
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] || continue
    total=$((total + $(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")))
  done
  echo "$total"
}
full_ids=$(docker inspect -f '{{.Id}}' $ids)
# This stack's containerd-shims (one per container, `-id <container id>`), and the engine itself,
# which also serves every other stack on this machine (their healthchecks, logs, ...).
shims=()
for id in $full_ids; do shims+=($(pgrep -f "containerd-shim.*-id $id" || true)); done
engine=($(pgrep -x dockerd) $(pgrep -x containerd))
c0=$(cgroup_ns $full_ids); s0=$(proc_ticks "${shims[@]}"); e0=$(proc_ticks "${engine[@]}"); w0=$(now)
sleep "$window"
c1=$(cgroup_ns $full_ids); s1=$(proc_ticks "${shims[@]}"); e1=$(proc_ticks "${engine[@]}"); w1=$(now)
hz=$(getconf CLK_TCK)
others=$(( $(docker ps -q | wc -l) - $(dc ps -q | wc -l) ))
awk -v c="$((c1 - c0))" -v s="$((s1 - s0))" -v e="$((e1 - e0))" -v hz="$hz" -v t0="$w0" -v t1="$w1" -v n="${#shims[@]}" -v others="$others" 'BEGIN {
  secs = t1 - t0
  printf "idle-cpu cgroups=%.2f %% of one core (all containers, %.0f s window)\n", c / 1e9 / secs * 100, secs
  printf "idle-cpu shims=%.2f %% of one core (this stack'"'"'s %d containerd-shims, same window)\n", s / hz / secs * 100, n
  printf "idle-cpu engine=%.2f %% of one core (dockerd + containerd, shared with %d other running containers)\n", e / hz / secs * 100, others
}'
