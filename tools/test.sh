#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test twice: Release with -Werror, and
# Debug with AddressSanitizer + UndefinedBehaviorSanitizer; then runs each fuzz target for 60 s.
# Pass a preset name to run only that build's tests (and no fuzzing).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
echo "== format: clang-format --dry-run over every tracked C++ file"
tools/format.sh --check
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(release dev)
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
for preset in "${presets[@]}"; do
    echo "== $preset: build"
    tools/build.sh "$preset"
    echo "== $preset: test"
    ctest --preset "$preset" -j 2 --timeout 300
done
if [[ " ${presets[*]} " == *" release "* ]]; then
    echo "== bench: 2-second smoke run of the runner (no timing is checked)"
    bench/run.sh --seconds 2 --repeat 1 --sessions 150000 --no-build
    bench/logout_threads.sh --sessions 20000 --seconds 1 --no-build
    bench/purge_cost.sh --sessions 20000 --backlogs "5000" --no-build
fi
if [ $# -eq 0 ]; then
    echo "== fuzz: each libFuzzer target for 60 s (clang, ASan + UBSan; see fuzz/README.md)"
    tools/fuzz.sh all 60
fi
