#!/usr/bin/env bash
# The project's test command: ensures the local RabbitMQ broker, runs `dotnet test` on Dispatcher.sln
# and prints "N passed, N failed, N skipped" alone on the last line.
# Extra arguments go to `dotnet test` (e.g. build/test.sh --filter Category=Unit).
# Env: DISPATCHER_SKIP_BROKER=1 skips the broker step; DISPATCHER_RABBITMQ overrides the broker URL.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Print the summary line and exit: non-zero if dotnet test failed or any test failed.
summary() {
  local passed=$1 failed=$2 skipped=$3 rc=$4
  # A failed run (build error, crashed host, no .trx) must never look clean.
  if ((rc != 0 && failed == 0)); then failed=1; fi
  echo "$passed passed, $failed failed, $skipped skipped"
  if ((rc != 0 || failed != 0)); then exit 1; fi
  exit 0
}

if [[ "${DISPATCHER_SKIP_BROKER:-}" != 1 ]]; then
  bash build/rabbitmq.sh || { echo "test.sh: RabbitMQ could not be started" >&2; summary 0 1 0 1; }
fi
export DISPATCHER_RABBITMQ="${DISPATCHER_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672/}"

# Fresh results directory, so only this run's .trx files are counted.
results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

rc=0
dotnet test Dispatcher.sln --tl:off --logger trx --results-directory "$results" "$@" || rc=$?

# Sum the <Counters .../> element of every .trx (records split on ">" so one record = one tag).
# failed = failed + error + timeout + aborted; skipped = total - executed.
read -r passed failed skipped < <(
  find "$results" -name '*.trx' -type f -exec cat {} + | awk -v RS='>' '
    function attr(tag, name,   m) {
      if (!match(tag, "[[:space:]]" name "=\"[0-9]+\"")) return 0
      m = substr(tag, RSTART, RLENGTH); gsub(/[^0-9]/, "", m); return m + 0
    }
    /<Counters[[:space:]]/ {
      total += attr($0, "total"); executed += attr($0, "executed"); passed += attr($0, "passed")
      failed += attr($0, "failed") + attr($0, "error") + attr($0, "timeout") + attr($0, "aborted")
    }
    END { print passed + 0, failed + 0, total - executed }'
)
summary "$passed" "$failed" "$skipped" "$rc"
