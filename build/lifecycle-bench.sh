#!/usr/bin/env bash
# Flow lifecycle benchmarks of issue #11 (see docs/benchmarks.md, "Flow lifecycle (issue #11)").
#   build/lifecycle-bench.sh                  both parts, 3 runs each (medians in docs/benchmarks.md)
#   build/lifecycle-bench.sh --lifecycle-only  POST / DELETE against the real service (child process, embedded defaults)
#   build/lifecycle-bench.sh --reconcile-only  one reconciler round over many configurations against the fake Flow Repository
# Options: --runs N (default 3), --sizes 100,500,2000,20000 (flows), --flows-per-configuration N (default 20000: each size
#          in one configuration; the service runs with Limits:MaxConnectionsPerConfiguration=N and a 16 MiB body limit), --configurations N (default 100000),
#          --page-size N (Reconciler:PageSize, default 1000), --out DIR (default artifacts/bench/<time>-lifecycle).
# No broker needed (in-memory bus). The reconcile part holds the fake's flows in memory: ~15 GB at 100,000 configurations.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=3 sizes=100,500,2000,20000 per_configuration=20000 configurations=100000 page_size=1000 lifecycle=1 reconcile=1 out=""
while (($#)); do
  case "$1" in
    --runs) runs=$2; shift ;;
    --sizes) sizes=$2; shift ;;
    --flows-per-configuration) per_configuration=$2; shift ;;
    --configurations) configurations=$2; shift ;;
    --page-size) page_size=$2; shift ;;
    --lifecycle-only) reconcile=0 ;;
    --reconcile-only) lifecycle=0 ;;
    --out) out=$2; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
out=${out:-artifacts/bench/$(date -u +%Y%m%d-%H%M%S)-lifecycle}
mkdir -p "$out"
log() { echo "[lifecycle-bench] $*"; }

log "building (Release)"
dotnet build src/Dispatcher.Api/Dispatcher.Api.csproj -c Release --nologo -v q -clp:ErrorsOnly
dotnet build bench/Dispatcher.LifecycleBench/Dispatcher.LifecycleBench.csproj -c Release --nologo -v q -clp:ErrorsOnly
tool=(dotnet bench/Dispatcher.LifecycleBench/bin/Release/net10.0/Dispatcher.LifecycleBench.dll)

machine() {
  echo "$(date -u +%FT%TZ) $1: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') memory, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "source $(git rev-parse --short HEAD 2>/dev/null || echo unknown) ($(git status --porcelain 2>/dev/null | wc -l) changed file(s))" | tee -a "$out/machine.txt"
}

if ((lifecycle)); then
  machine "lifecycle start"
  log "POST / DELETE against the real service: sizes $sizes, $runs run(s)"
  "${tool[@]}" lifecycle --api src/Dispatcher.Api/bin/Release/net10.0/Dispatcher.Api.dll --sizes "$sizes" --flows-per-configuration "$per_configuration" --runs "$runs" --out "$out/lifecycle" |
    tee "$out/lifecycle.log"
  machine "lifecycle end"
fi

if ((reconcile)); then
  machine "reconcile start"
  log "one reconciler round over $configurations configurations, page size $page_size, $runs run(s)"
  "${tool[@]}" reconcile --configurations "$configurations" --page-size "$page_size" --runs "$runs" --out "$out/reconcile" |
    tee "$out/reconcile.log"
  machine "reconcile end"
fi
log "results in $out"
