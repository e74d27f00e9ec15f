#!/usr/bin/env bash
# Installs the Debian 12 packages authd needs to build and test, skipping those already present,
# then the npm packages of tools/js (Swagger UI, which the build embeds, and the test tools).
set -euo pipefail

packages=(
    g++ cmake ninja-build pkg-config ccache clang-format git
    libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
    libsqlite3-dev libsodium-dev libgtest-dev libgmock-dev libbenchmark-dev
    sqlite3 curl wrk nginx-light prometheus chromium
    clang-14 libclang-rt-14-dev
)
# Node.js: the machine's own if it has one (it may come from outside Debian), else Debian's.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    as_root=()
    [ "$(id -u)" -eq 0 ] || as_root=(sudo)
    echo "installing: ${missing[*]}"
    "${as_root[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci when node_modules is missing or older than the lock file. The versions in package.json
# run on Debian 12's Node.js 18: playwright-core stays at 1.61, its last release before it needed
# Node.js 20.
js="$(dirname "$0")/js"
if [ ! -f "$js/node_modules/.package-lock.json" ] || [ "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]; then
    echo "installing npm packages of tools/js"
    # No install scripts: none of these packages needs one (and one would report usage online).
    (cd "$js" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
