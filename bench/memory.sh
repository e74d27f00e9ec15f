#!/usr/bin/env bash
# Memory and scale: for each stored-session count, the start-up time, RSS after start and after a
# /auth/me run, and /auth/me throughput (the ratio to the first count shows the effect of scale);
# medians over the repeats.
#
# usage: bench/memory.sh [--counts "10000 1000000"] [--seconds N] [--repeat N] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

counts="10000 1000000" seconds=5 repeat=3 build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --counts) counts=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --repeat) repeat=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        *) echo "unknown option $1"; exit 2 ;;
    esac
done
[ "$build" = 0 ] || tools/build.sh release >/dev/null

work=$(mktemp -d /tmp/authd-memory.XXXXXX)
AUTHD_PID=""
trap '[ -z "$AUTHD_PID" ] || stop_pid "$AUTHD_PID"; rm -rf "$work"' EXIT

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

for n in $counts; do
    "$AUTHD" seed-sessions --db "$work/s$n.db" --count "$n" --out "$work/t$n.txt" >/dev/null
    # A token from the middle of the file: not one that happens to sit in a hot page.
    sed -n "$((n / 2 + 1))p" "$work/t$n.txt" >"$work/me$n.txt"
    rm -f "$work/t$n.txt"
done
sync

# Round-robin over the counts, $repeat times, so that drift of the machine hits every count alike.
declare -A start_ms rss_start rss_after rps
for _ in $(seq "$repeat"); do
    for n in $counts; do
        started=$(date +%s%N)
        start_authd "$work/s$n.db" "$work/a$n"
        start_ms[$n]+="$(( ($(date +%s%N) - started) / 1000000 )) "
        rss_start[$n]+="$(rss_kib "$AUTHD_PID") "
        line=$(run_wrk "$AUTHD_PID" me.lua "$AUTHD_URL/auth/me" "$seconds" 32 "$work/me$n.txt")
        rss_after[$n]+="$(rss_kib "$AUTHD_PID") "
        rps[$n]+="$(field "$line" rps) "
        stop_pid "$AUTHD_PID"
        AUTHD_PID=""
    done
done

med() { tr ' ' '\n' <<<"$1" | grep . | median; }
printf '%-10s %10s %9s %12s %12s %10s %12s\n' sessions 'db MiB' 'start ms' 'RSS start' 'RSS after' 'me req/s' 'vs first'
base_rps=""
for n in $counts; do
    r=$(med "${rps[$n]}")
    base_rps=${base_rps:-$r}
    printf '%-10s %10.1f %9d %9.1f MiB %9.1f MiB %10.0f %11.1f%%\n' "$n" "$(du -m "$work/s$n.db" | cut -f1)" \
        "$(med "${start_ms[$n]}")" "$(awk -v k="$(med "${rss_start[$n]}")" 'BEGIN {print k / 1024}')" \
        "$(awk -v k="$(med "${rss_after[$n]}")" 'BEGIN {print k / 1024}')" "$r" \
        "$(awk -v a="$r" -v b="$base_rps" 'BEGIN {print 100 * a / b}')"
done
