#!/usr/bin/env bash
# Starts, checks and stops the local 3-node cluster from the built Aggregator.Node dll (never `dotnet run`, whose
# child process would outlive a kill). PIDs and logs go to $AGGREGATOR_RUN (default /tmp/aggregator-cluster).
#   cluster-config/cluster.sh start    build if needed, start node1..3, wait until every node is Up
#   cluster-config/cluster.sh status   show the cluster-wide source status from node1
#   cluster-config/cluster.sh stop     stop every node by its PID (SIGTERM: each leaves the cluster), then SIGKILL
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
run="${AGGREGATOR_RUN:-/tmp/aggregator-cluster}"
dll="$root/src/Aggregator.Node/bin/Release/net10.0/Aggregator.Node.dll"

start() {
  mkdir -p "$run"
  [ -f "$dll" ] || dotnet build "$root/src/Aggregator.Node" -c Release >/dev/null
  for i in 1 2 3; do
    if [ -f "$run/node$i.pid" ] && kill -0 "$(cat "$run/node$i.pid")" 2>/dev/null; then
      echo "node$i already runs (PID $(cat "$run/node$i.pid"))"; continue
    fi
    (cd "$root" && exec dotnet "$dll" --Node:HoconFile="$here/node$i.hocon" >"$run/node$i.log" 2>&1) &
    echo $! >"$run/node$i.pid"
    echo "node$i PID $!"
  done
  for _ in $(seq 1 60); do
    up=$(curl -s --max-time 5 http://127.0.0.1:1347/metrics | grep -c '^aggregator_source_up{level="node",.*} 1$' || true)
    if [ "$up" = 3 ]; then echo "cluster up: 3 nodes"; return 0; fi
    sleep 1
  done
  echo "cluster did not come up; logs in $run" >&2
  return 1
}

status() {
  curl -s --max-time 5 http://127.0.0.1:1347/metrics | grep '^aggregator_source_up{level="node"' || echo "node1 does not answer"
}

stop() {
  for i in 1 2 3; do
    [ -f "$run/node$i.pid" ] || continue
    pid=$(cat "$run/node$i.pid")
    kill -TERM "$pid" 2>/dev/null || true
  done
  for i in 1 2 3; do
    [ -f "$run/node$i.pid" ] || continue
    pid=$(cat "$run/node$i.pid")
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$run/node$i.pid"
    echo "node$i stopped"
  done
}

case "${1:-}" in
  start) start ;;
  status) status ;;
  stop) stop ;;
  *) echo "usage: $0 start|status|stop" >&2; exit 2 ;;
esac
