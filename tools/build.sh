#!/usr/bin/env bash
# Configures and builds one CMake preset (release or dev): tools/build.sh release
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)" ${2:+--target "$2"}
