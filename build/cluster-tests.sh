#!/usr/bin/env bash
# The cluster tests (issue #16): starts the three-node RabbitMQ cluster (build/cluster.sh start), runs the tests of
# category Cluster in tests/Dispatcher.Api.Tests against it (DISPATCHER_CLUSTER=1, node URLs in DISPATCHER_CLUSTER_C1..C3),
# stops the cluster whatever happens, and prints "N passed, N failed, N skipped" alone on the last line (exit 1 on any
# failure). Each test's counts ([loss] lines) are in the output and in artifacts/cluster-test-results/*.trx.
# Not part of build/test.sh, where these tests are skipped. Needs root or sudo (the nodes run as the rabbitmq user).
# Extra arguments go to `dotnet test` (e.g. --no-build, or a narrower --filter "Category=Cluster&Name~Broker").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

summary() {
  local passed=$1 failed=$2 skipped=$3 rc=$4
  # Stopped here rather than by the trap, so the summary stays the last line.
  trap - EXIT
  bash build/cluster.sh stop || true
  if ((rc != 0 && failed == 0)); then failed=1; fi
  echo "$passed passed, $failed failed, $skipped skipped"
  if ((rc != 0 || failed != 0)); then exit 1; fi
  exit 0
}

trap 'bash build/cluster.sh stop || true' EXIT
urls=$(bash build/cluster.sh start) || { echo "cluster-tests.sh: the cluster could not be started" >&2; summary 0 1 0 1; }
echo "$urls"
while read -r node url; do
  export "DISPATCHER_CLUSTER_${node^^}=$url"
done <<<"$urls"
export DISPATCHER_CLUSTER=1

results=artifacts/cluster-test-results
rm -rf "$results"
mkdir -p "$results"

rc=0
# A --filter among the arguments replaces the default one (dotnet test takes only one; keep Category=Cluster in it).
filter=(--filter Category=Cluster)
for argument in "$@"; do
  [[ $argument == --filter ]] && filter=()
done
dotnet test tests/Dispatcher.Api.Tests --tl:off --logger trx --logger "console;verbosity=normal" \
  --results-directory "$results" "${filter[@]}" "$@" || rc=$?

# shellcheck source=build/trx.sh
source build/trx.sh
read -r passed failed skipped < <(find "$results" -name '*.trx' -type f -exec cat {} + 2>/dev/null | sum_trx)
summary "$passed" "$failed" "$skipped" "$rc"
