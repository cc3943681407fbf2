#!/usr/bin/env bash
# The consumer samples (samples/, issue #14): proves the packages work for another team.
#   1. build/pack.sh packs Dispatcher.Contracts, .Domain, .Client and .Testing into artifacts/packages/ (MinVer version);
#   2. the dispatcher itself is built in Release (src/Dispatcher.Api/bin/Release/net10.0/Dispatcher.Api.dll), for the
#      integration test to start as a child process (the same build build/bench.sh uses);
#   3. samples/ is restored from the local feed with exactly the version just packed (-p:DispatcherPackageVersion; the
#      dispatcher.* entries of the samples' own packages folder, artifacts/samples/packages, are removed first, so a
#      package packed earlier under the same version is never used) and checked to hold the packed files;
#   4. the samples' tests run: unit tests on Dispatcher.Testing's stand-in, and the integration test against the real
#      dispatcher on the real RabbitMQ. One .trx goes to the results folder (build/test.sh counts it).
# Options: --results DIR (default artifacts/test-results/samples). Exit code: non-zero if any step or test failed.
# Env: DISPATCHER_SKIP_BROKER=1 does not touch RabbitMQ (the integration test uses whatever DISPATCHER_RABBITMQ names);
#      DISPATCHER_RABBITMQ overrides the broker URL.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

results=artifacts/test-results/samples
while (($#)); do
  case "$1" in
    --results) results=$2; shift ;;
    *) echo "samples.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
log() { echo "[samples.sh] $*"; }

if [[ "${DISPATCHER_SKIP_BROKER:-}" != 1 ]]; then
  bash build/rabbitmq.sh start
  # A virtual host of this run's own (see build/rabbitmq.sh scratch-vhost), deleted when it ends.
  if [[ -z "${DISPATCHER_RABBITMQ:-}" ]]; then
    DISPATCHER_RABBITMQ=$(bash build/rabbitmq.sh scratch-vhost $$)
    trap 'bash build/rabbitmq.sh drop-vhost $$' EXIT
  fi
fi
export DISPATCHER_RABBITMQ="${DISPATCHER_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672/}"

# 1. The packages. samples/nuget.config names artifacts/packages as the local feed, whatever DISPATCHER_PACKAGES says.
log "packing (build/pack.sh)"
DISPATCHER_PACKAGES=artifacts/packages bash build/pack.sh
version=""
for id in Dispatcher.Contracts Dispatcher.Domain Dispatcher.Client Dispatcher.Testing; do
  shopt -s nullglob
  found=(artifacts/packages/"$id".[0-9]*.nupkg)
  shopt -u nullglob
  ((${#found[@]} == 1)) || { log "expected one $id package in artifacts/packages, found ${#found[@]}" >&2; exit 1; }
  v=$(basename "${found[0]}" .nupkg)
  v=${v#"$id".}
  [[ -z $version || $v == "$version" ]] || { log "$id is $v, the others $version" >&2; exit 1; }
  version=$v
done
log "packages version $version"

# 2. The dispatcher for the integration test.
log "building the dispatcher (Release)"
nice -n 10 dotnet build src/Dispatcher.Api/Dispatcher.Api.csproj -c Release --nologo -v q -clp:ErrorsOnly
export DISPATCHER_API_DLL="$PWD/src/Dispatcher.Api/bin/Release/net10.0/Dispatcher.Api.dll"

# 3. The samples, from the local feed. Their own packages folder keeps third-party packages between runs; ours go.
rm -rf artifacts/samples/packages/dispatcher.* samples/*/bin samples/*/obj
log "restoring and building samples/ with Dispatcher.* $version from artifacts/packages"
nice -n 10 dotnet build samples/Samples.sln -c Release --nologo -v q -clp:ErrorsOnly -p:DispatcherPackageVersion="$version"
for id in dispatcher.contracts dispatcher.domain dispatcher.client dispatcher.testing; do
  restored=artifacts/samples/packages/$id/$version/$id.$version.nupkg
  packed=$(ls artifacts/packages/ | grep -ix "$id.$version.nupkg")
  cmp -s "$restored" "artifacts/packages/$packed" ||
    { log "$restored is not the package packed in this run (artifacts/packages/$packed)" >&2; exit 1; }
done
log "samples use the packages of this run: $(ls artifacts/samples/packages | grep '^dispatcher\.' | tr '\n' ' ')"

# 4. Their tests.
rm -rf "$results"
mkdir -p "$results"
log "running the samples' tests (results in $results)"
nice -n 10 dotnet test samples/Samples.sln -c Release --no-build --nologo --tl:off -p:DispatcherPackageVersion="$version" \
  --logger "trx;LogFileName=samples.trx" --results-directory "$results"
