#!/usr/bin/env bash
# Lints docs/openapi.json (or the document given) with Redocly's recommended rules as configured in
# tools/js/redocly.yaml. Fails on any error and on any warning: the document is kept warning-free.
# Needs tools/js/node_modules: run tools/install-deps.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
doc="${1:-$here/../../docs/openapi.json}"
redocly="$here/node_modules/.bin/redocly"
if [ ! -x "$redocly" ]; then
    echo "lint-openapi: $redocly is missing: run tools/install-deps.sh" >&2
    exit 2
fi
# No usage telemetry and no update check from a build or a test run.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

status=0
output="$("$redocly" lint --config "$here/redocly.yaml" --lint-config=error --max-problems=1000 "$doc" 2>&1)" ||
    status=$?
printf '%s\n' "$output"
if [ "$status" -ne 0 ]; then
    exit "$status"
fi
if grep -qE 'You have [0-9]+ warnings?' <<<"$output"; then
    echo "lint-openapi: warnings count as failures" >&2
    exit 1
fi
