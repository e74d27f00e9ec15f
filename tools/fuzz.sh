#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, build/fuzz) if needed and runs one for SECONDS:
#   tools/fuzz.sh request|cookie|json_body|origin|all SECONDS [extra libFuzzer flags...]
# Each run starts from a scratch copy of fuzz/corpus/<target>/, so the checked-in seeds never grow;
# what the run found stays in build/fuzz/runs/<target>/corpus until the next run. A crash, leak or
# failed invariant ends the run with a non-zero exit and the path of the input that caused it
# (build/fuzz/crashes/<target>/). See fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
targets=(request cookie json_body origin)

usage() {
    echo "usage: tools/fuzz.sh {${targets[*]// /|}|all} SECONDS [libFuzzer flags...]" >&2
    exit 2
}
[ $# -ge 2 ] || usage
target="$1"
seconds="$2"
shift 2
[[ "$seconds" =~ ^[0-9]+$ ]] || usage
if [ "$target" = all ]; then
    selected=("${targets[@]}")
elif [[ " ${targets[*]} " == *" $target "* ]]; then
    selected=("$target")
else
    usage
fi

build="$root/build/fuzz"
for cc in clang-14 clang; do
    if command -v "${cc/clang/clang++}" >/dev/null; then
        CC_BIN="$cc"
        CXX_BIN="${cc/clang/clang++}"
        break
    fi
done
if [ -z "${CXX_BIN:-}" ]; then
    echo "tools/fuzz.sh: clang is missing: apt-get install -y clang-14 libclang-rt-14-dev" >&2
    exit 1
fi
if [ ! -f "$build/build.ninja" ]; then
    CC="$CC_BIN" CXX="$CXX_BIN" ASM="$CC_BIN" cmake -S "$root" -B "$build" -G Ninja \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAUTHD_FUZZ=ON -DAUTHD_BUILD_TESTS=OFF -DAUTHD_BUILD_BENCH=OFF \
        >/dev/null
fi
# Two jobs at most: the fuzz build shares the machine with other builds.
cmake --build "$build" -j "${FUZZ_BUILD_JOBS:-2}" --target "${selected[@]/#/fuzz_}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
for t in "${selected[@]}"; do
    run="$build/runs/$t"
    crashes="$build/crashes/$t"
    rm -rf "$run"
    mkdir -p "$run/corpus" "$crashes"
    cp "$root/fuzz/corpus/$t"/* "$run/corpus/"
    echo "== fuzz_$t: ${seconds}s (log: $run/log)"
    set +e
    # -rss_limit_mb: the request target holds whole static files (the Swagger bundle) per request.
    # -timeout: one input taking longer is a hang (reported like a crash, as timeout-<sha1>).
    "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=30 -print_final_stats=1 -rss_limit_mb=4096 \
        -artifact_prefix="$crashes/" "$@" "$run/corpus" >"$run/log" 2>&1
    rc=$?
    set -e
    grep -E '^#[0-9]+.*(DONE|pulse)' "$run/log" | tail -n 1 || true
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$run/log" || true
    echo "corpus: $(find "$run/corpus" -type f | wc -l) files"
    if [ $rc -ne 0 ]; then
        status=1
        echo "fuzz_$t FAILED (exit $rc); last lines of $run/log:" >&2
        tail -n 40 "$run/log" >&2
        # libFuzzer names the file it saved ("Test unit written to <path>").
        grep -o 'Test unit written to .*' "$run/log" | sed 's/^Test unit written to /crash input: /' >&2 ||
            echo "(no input saved under $crashes)" >&2
    fi
done
exit $status
