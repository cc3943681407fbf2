#!/usr/bin/env bash
# The project's test command: ensures the local RabbitMQ broker, runs `dotnet test` on Dispatcher.sln, then the consumer
# samples (build/samples.sh: packs the packages, builds samples/ against them from the local feed, runs the samples'
# tests; every one of them counted), then the load tool's smoke mode (build/bench.sh --smoke, counted as one test), and
# prints "N passed, N failed, N skipped" alone on the last line.
# Extra arguments go to `dotnet test` (e.g. build/test.sh --filter Category=Unit); they do not affect the samples or the
# load smoke.
# Env: DISPATCHER_SKIP_BROKER=1 skips the broker step (the tests, the samples and the load smoke then use whatever broker
#      DISPATCHER_RABBITMQ names); DISPATCHER_RABBITMQ overrides the broker URL (without it, the run works in a virtual
#      host of its own on the local broker, dispatcher-test-<pid>, deleted at the end);
#      DISPATCHER_SKIP_SAMPLES=1 does not run the samples (counted as one skipped);
#      DISPATCHER_SKIP_LOAD_SMOKE=1 does not run the load smoke (counted as skipped).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Print the summary line and exit: non-zero if dotnet test failed, any test failed or the load smoke failed.
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
  # Everything the run declares lives in a virtual host of its own, deleted at the end (and by the next run if this
  # one is killed): nothing piles up on the broker from run to run.
  if [[ -z "${DISPATCHER_RABBITMQ:-}" ]]; then
    DISPATCHER_RABBITMQ=$(bash build/rabbitmq.sh scratch-vhost $$) ||
      { echo "test.sh: could not create the run's virtual host" >&2; summary 0 1 0 1; }
    trap 'bash build/rabbitmq.sh drop-vhost $$' EXIT
  fi
fi
export DISPATCHER_RABBITMQ="${DISPATCHER_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672/}"
echo "== broker: $(sed -E 's#//[^@/]*@#//#' <<<"$DISPATCHER_RABBITMQ")"

# Fresh results directory, so only this run's .trx files are counted.
results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

rc=0
dotnet test Dispatcher.sln --tl:off --logger trx --results-directory "$results" "$@" || rc=$?

# shellcheck source=build/trx.sh
source build/trx.sh
samples_results="$results/samples"
read -r passed failed skipped < <(find "$results" -path "$samples_results" -prune -o -name '*.trx' -type f -exec cat {} + | sum_trx)
# dotnet test failed without a failed test in the .trx files (build error, crashed host): count one failure.
if ((rc != 0 && failed == 0)); then failed=1; fi

# The consumer samples: their tests' .trx in $samples_results, each test counted. Output prefixed "[samples]"; the
# status from PIPESTATUS, as for the load smoke below. The broker step is done above (or skipped on purpose).
if [[ "${DISPATCHER_SKIP_SAMPLES:-}" == 1 ]]; then
  echo "== samples: skipped (DISPATCHER_SKIP_SAMPLES=1)"
  skipped=$((skipped + 1))
else
  echo "== samples: build/samples.sh (pack, samples/ from the local feed, their tests; output prefixed [samples])"
  set +e
  DISPATCHER_SKIP_BROKER=1 bash build/samples.sh --results "$samples_results" </dev/null 2>&1 | sed -u 's/^/[samples] /'
  statuses=("${PIPESTATUS[@]}")
  set -e
  samples_rc=${statuses[0]}
  if ((samples_rc == 0 && statuses[1] != 0)); then samples_rc=1; fi
  read -r s_passed s_failed s_skipped < <(find "$samples_results" -name '*.trx' -type f -exec cat {} + 2>/dev/null | sum_trx)
  # A failure before or outside the tests (pack, restore, build, crashed host) counts as one failed test.
  if ((samples_rc != 0 && s_failed == 0)); then s_failed=1; fi
  echo "== samples: $s_passed passed, $s_failed failed, $s_skipped skipped (exit $samples_rc)"
  passed=$((passed + s_passed)) failed=$((failed + s_failed)) skipped=$((skipped + s_skipped))
  if ((samples_rc != 0)); then rc=1; fi
fi

# The load smoke: one test. Its output goes to the log with a "[load-smoke]" prefix and, with its results and the
# dispatchers' logs, to artifacts/load-smoke/. Its status is taken from PIPESTATUS, so neither the prefixing pipe,
# nor `set -e` can hide a failure.
smoke=artifacts/load-smoke
if [[ "${DISPATCHER_SKIP_LOAD_SMOKE:-}" == 1 ]]; then
  echo "== load smoke: skipped (DISPATCHER_SKIP_LOAD_SMOKE=1)"
  skipped=$((skipped + 1))
else
  echo "== load smoke: build/bench.sh --smoke (output prefixed [load-smoke], artifacts in $smoke/)"
  rm -rf "$smoke"
  mkdir -p "$smoke"
  # stdin from /dev/null: nothing in the smoke may wait for input.
  set +e
  bash build/bench.sh --smoke --out "$smoke" </dev/null 2>&1 | tee "$smoke/smoke.log" | sed -u 's/^/[load-smoke] /'
  statuses=("${PIPESTATUS[@]}")
  set -e
  smoke_rc=${statuses[0]}
  # A broken log pipe (tee or sed failing) must not pass either.
  if ((smoke_rc == 0 && (statuses[1] != 0 || statuses[2] != 0))); then smoke_rc=1; fi
  if ((smoke_rc == 0)); then
    echo "== load smoke: passed"
    passed=$((passed + 1))
  else
    echo "== load smoke: FAILED (exit $smoke_rc; see $smoke/smoke.log)"
    failed=$((failed + 1))
    rc=1
  fi
fi

summary "$passed" "$failed" "$skipped" "$rc"
