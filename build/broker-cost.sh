#!/usr/bin/env bash
# Broker and dispatcher cost by queue type (issue #16, docs/scaling.md): runs the load tool's quick fan-out-3 scenario
# (relay baseline + dispatcher, 5,000 events and a half-rate phase) once per queue type and run, on the local broker,
# with every queue of the run of that type (the load tool's --queue-type), and reads the broker's CPU time
# (/proc/<beam>/stat) around each invocation: broker µs per message = that CPU ÷ messages, where one message is one
# publish and its delivery (each event and each dispatch, relay and dispatcher scenarios, both phases).
# Usage: build/broker-cost.sh [--runs N] [--out DIR]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=1
out=artifacts/bench/$(date -u +%Y%m%d-%H%M%S)-broker-cost
while (($#)); do
  case $1 in
    --runs) runs=$2; shift ;;
    --out) out=$2; shift ;;
    *) echo "broker-cost.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$out"
bash build/rabbitmq.sh start >/dev/null
export DISPATCHER_RABBITMQ=$(bash build/rabbitmq.sh scratch-vhost $$)
trap 'bash build/rabbitmq.sh drop-vhost $$' EXIT
dotnet build src/Dispatcher.Api/Dispatcher.Api.csproj -c Release --nologo -v q -clp:ErrorsOnly
dotnet build bench/Dispatcher.LoadTest/Dispatcher.LoadTest.csproj -c Release --nologo -v q -clp:ErrorsOnly

beam=$(cat /var/lib/rabbitmq/mnesia/rabbit@localhost.pid)
ticks() { awk '{print $14 + $15}' "/proc/$beam/stat"; }
hz=$(getconf CLK_TCK)

printf '| Queue type | Run | broker CPU s | messages | broker µs/message | dispatcher events/s | relay events/s | ratio | dispatcher µs/event |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for ((run = 1; run <= runs; run++)); do
  for type in Classic Quorum; do
    dir="$out/$type-r$run"
    before=$(ticks)
    dotnet bench/Dispatcher.LoadTest/bin/Release/net10.0/Dispatcher.LoadTest.dll run --quick --fanouts 3 --extra-configs 0 \
      --queue-type "$type" --out "$dir" >"$dir.log" 2>&1
    after=$(ticks)
    python3 - "$dir/results.json" "$before" "$after" "$hz" "$type" "$run" <<'PY'
import json, sys
path, before, after, hz, kind, run = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
scenarios = json.load(open(path))["Scenarios"]
messages = sum((s["Events"] + (s["HalfRateEvents"] or 0)) * (1 + s["FanOut"]) for s in scenarios)
relay = next(s for s in scenarios if s["System"] == "relay")
disp = next(s for s in scenarios if s["System"] == "dispatcher")
cpu = (after - before) / hz
print(f"| {kind} | {run} | {cpu:.1f} | {messages:,} | {cpu * 1e6 / messages:.0f} | {disp['EventsPerSecond']:.0f} | {relay['EventsPerSecond']:.0f} "
      f"| {100 * disp['EventsPerSecond'] / relay['EventsPerSecond']:.0f} % | {disp['CpuMicrosecondsPerEvent']:.0f} |")
if disp["Lost"] or relay["Lost"]:
    sys.exit(f"lost dispatches in {path}")
PY
  done
done
