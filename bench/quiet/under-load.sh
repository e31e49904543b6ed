#!/bin/sh
# The quiet bench on a machine loaded by others: the bench and N busy processes pinned to one core (CPU 1 by
# default) at one niceness, so the platform gets about 1/(N+1) of that core whenever it wants more, as on a shared
# machine. Usage: bench/quiet/under-load.sh N MINUTES [CPU]. Figures on stdout's last line, as the bench prints them.
set -eu
n=${1:?busy processes}
minutes=${2:?healthy minutes}
cpu=${3:-1}
seconds=$(( (minutes + 3) * 60 ))
pids=''
trap 'for p in $pids; do kill "$p" 2>/dev/null || true; done' EXIT INT TERM
i=0
while [ "$i" -lt "$n" ]; do
  timeout "$seconds" taskset -c "$cpu" nice -n 10 node -e 'for (;;);' &
  pids="$pids $!"
  i=$((i + 1))
done
taskset -c "$cpu" nice -n 10 npm run --silent bench -- quiet --minutes "$minutes"
