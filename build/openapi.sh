#!/usr/bin/env bash
# Regenerates docs/openapi/dispatcher-v1.json, the committed OpenAPI document: boots the service in memory on its
# embedded defaults (SQLite in a temporary folder, in-process bus, standalone registry; no broker, no network) through
# the test host, takes the document it serves at /swagger/v1/swagger.json and writes it in the canonical format.
# The test OpenApiArtifactTests fails whenever the served document and the committed file differ.
# Usage: build/openapi.sh [--check]
#   (default) write the file, then show what changed (git diff --stat);
#   --check   compare only (what the test suite does): exit 1 when the file is stale.
# Extra arguments after the mode go to `dotnet test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

mode=write
if [[ "${1:-}" == --check ]]; then mode=check; shift; fi

filter="FullyQualifiedName~Dispatcher.Api.Tests.OpenApi.OpenApiArtifactTests"
if [[ $mode == write ]]; then
  DISPATCHER_UPDATE_OPENAPI=1 dotnet test tests/Dispatcher.Api.Tests --tl:off --filter "$filter" "$@"
  git --no-pager diff --stat -- docs/openapi || true
else
  dotnet test tests/Dispatcher.Api.Tests --tl:off --filter "$filter" "$@"
fi
