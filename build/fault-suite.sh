#!/usr/bin/env bash
# The whole fault-injection suite of issue #11 (FlowLifecycleFaultTests): every write of the API, a fault at each of
# its steps, as an exception and as a crash, against the standalone registry AND the fake Flow Repository. About
# 15 minutes on the 2-core machine, so build/test.sh runs only part of the Flow Repository half (see the test).
# Ends with the same totals line as build/test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DISPATCHER_FAULT_SUITE=full
export DISPATCHER_SKIP_LOAD_SMOKE=1
exec bash build/test.sh --filter "FullyQualifiedName~FlowLifecycleFaultTests" "$@"
