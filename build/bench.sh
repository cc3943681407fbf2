#!/usr/bin/env bash
# The project's benchmarks (see docs/benchmarks.md).
#   build/bench.sh            micro-benchmarks (BenchmarkDotNet default job) + end-to-end load benchmark (100,000 events)
#   build/bench.sh --quick    micro-benchmarks with the short job + load benchmark with 5,000 events
#   build/bench.sh --smoke    only the load tool's smoke mode: seconds, a few hundred events; exits non-zero if the
#                             harness breaks or any dispatch is lost. Never a timed assertion. (For CI.)
# Options: --runs N (repeat micro and load N times; medians need 3), --micro-only, --load-only,
#          --out DIR (default artifacts/bench/<time>). Other arguments go to the load tool (e.g. --events 20000).
# Env: DISPATCHER_SKIP_BROKER=1 does not touch RabbitMQ; DISPATCHER_RABBITMQ overrides the broker URL.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=default runs=1 micro=1 load=1 out="" load_args=()
while (($#)); do
  case "$1" in
    --quick) mode=quick ;;
    --smoke) mode=smoke ;;
    --runs) runs=$2; shift ;;
    --micro-only) load=0 ;;
    --load-only) micro=0 ;;
    --out) out=$2; shift ;;
    *) load_args+=("$1") ;;
  esac
  shift
done
out=${out:-artifacts/bench/$(date -u +%Y%m%d-%H%M%S)-$mode}
mkdir -p "$out"
log() { echo "[bench] $*"; }

if [[ "${DISPATCHER_SKIP_BROKER:-}" != 1 && ( $mode == smoke || $load == 1 ) ]]; then
  bash build/rabbitmq.sh start
  # A virtual host of this run's own (see build/rabbitmq.sh scratch-vhost), deleted when it ends.
  if [[ -z "${DISPATCHER_RABBITMQ:-}" ]]; then
    DISPATCHER_RABBITMQ=$(bash build/rabbitmq.sh scratch-vhost $$)
    trap 'bash build/rabbitmq.sh drop-vhost $$' EXIT
  fi
fi
export DISPATCHER_RABBITMQ="${DISPATCHER_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672/}"

log "building (Release)"
dotnet build src/Dispatcher.Api/Dispatcher.Api.csproj -c Release --nologo -v q -clp:ErrorsOnly
dotnet build bench/Dispatcher.LoadTest/Dispatcher.LoadTest.csproj -c Release --nologo -v q -clp:ErrorsOnly
loadtest=(dotnet bench/Dispatcher.LoadTest/bin/Release/net10.0/Dispatcher.LoadTest.dll)

if [[ $mode == smoke ]]; then
  log "load tool smoke mode"
  # Not exec: the EXIT trap above must still drop the run's virtual host.
  "${loadtest[@]}" run --smoke --out "$out/load" "${load_args[@]}"
  exit $?
fi

echo "machine: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') memory, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/machine.txt"
echo "source: $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(git status --porcelain 2>/dev/null | wc -l) changed file(s) in the work tree" |
  tee -a "$out/machine.txt"

if ((micro)); then
  dotnet build bench/Dispatcher.Benchmarks/Dispatcher.Benchmarks.csproj -c Release --nologo -v q -clp:ErrorsOnly
  job=()
  [[ $mode == quick ]] && job=(--job short)
  for ((i = 1; i <= runs; i++)); do
    log "micro-benchmarks, run $i of $runs ($mode)"
    dotnet bench/Dispatcher.Benchmarks/bin/Release/net10.0/Dispatcher.Benchmarks.dll \
      --filter '*' "${job[@]}" --artifacts "$out/micro/run$i" >"$out/micro-run$i.log" 2>&1 ||
      { tail -40 "$out/micro-run$i.log"; log "micro-benchmarks failed (see $out/micro-run$i.log)"; exit 1; }
    grep -E '^\|' "$out/micro-run$i.log" || true
    log "micro-benchmarks in thread CPU time, run $i of $runs"
    dotnet bench/Dispatcher.Benchmarks/bin/Release/net10.0/Dispatcher.Benchmarks.dll cpu-time 1 --out "$out/micro/run$i/cpu-time.json" |
      tee "$out/cpu-time-run$i.log"
    dotnet bench/Dispatcher.Benchmarks/bin/Release/net10.0/Dispatcher.Benchmarks.dll table-memory 100000 | tee -a "$out/table-memory.txt"
  done
fi

status=0
if ((load)); then
  flags=()
  [[ $mode == quick ]] && flags=(--quick)
  log "end-to-end load benchmark ($mode, $runs run(s))"
  "${loadtest[@]}" run "${flags[@]}" --runs "$runs" --out "$out/load" "${load_args[@]}" || status=$?
fi

report=(report --svg "$out/chart.svg" --md "$out/report.md")
[[ -d $out/load ]] && report+=(--load "$out/load")
[[ -d $out/micro ]] && report+=(--micro "$out/micro")
"${loadtest[@]}" "${report[@]}"
log "results in $out (report.md, chart.svg)"
exit $status
