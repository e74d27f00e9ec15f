#!/usr/bin/env bash
# Runs every browser end-to-end test (headless Chromium via playwright-core) against an authd binary.
# usage: tests/e2e/run.sh AUTHD_BIN
# Each test starts its own authd (127.0.0.1:0, temporary database, --insecure-cookies).
# Screenshots go to docs/img/ (E2E_SCREENSHOT_DIR overrides). Exit status: 0 all passed, 1 a test
# failed, 2 usage, 77 a prerequisite (node, chromium, playwright-core) is missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-${AUTHD_BIN:-}}
if [[ -z $bin || ! -x $bin ]]; then
    echo "usage: $0 AUTHD_BIN" >&2
    exit 2
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
for need in node "${CHROMIUM:-/usr/bin/chromium}"; do
    if ! command -v "$need" > /dev/null; then
        echo "$0: $need not found (apt-get install -y nodejs chromium): skipped" >&2
        exit 77
    fi
done
if [[ ! -d $here/../../tools/js/node_modules/playwright-core && -z ${PLAYWRIGHT_CORE:-} ]]; then
    echo "$0: tools/js/node_modules/playwright-core missing (tools/install-deps.sh): skipped" >&2
    exit 77
fi

failed=()
for t in "$here"/[a-z]_*.mjs; do
    if ! timeout 120 node "$t" "$bin"; then
        failed+=("$(basename "$t")")
    fi
done
if ((${#failed[@]})); then
    echo "e2e: FAILED: ${failed[*]}"
    exit 1
fi
echo "e2e: all browser tests passed"
