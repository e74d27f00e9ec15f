#!/usr/bin/env bash
# Memory and scale: for each stored-session count, the start-up time, RSS after start and after a
# /auth/me run, and /auth/me throughput (the ratio to the smallest count shows the effect of scale).
#
# usage: bench/memory.sh [--counts "10000 1000000"] [--seconds N] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

counts="10000 1000000" seconds=5 build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --counts) counts=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        *) echo "unknown option $1"; exit 2 ;;
    esac
done
[ "$build" = 0 ] || tools/build.sh release >/dev/null

work=$(mktemp -d /tmp/authd-memory.XXXXXX)
AUTHD_PID=""
trap '[ -z "$AUTHD_PID" ] || stop_pid "$AUTHD_PID"; rm -rf "$work"' EXIT

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

printf '%-10s %10s %9s %12s %12s %10s %12s\n' sessions 'db MiB' 'start ms' 'RSS start' 'RSS after' 'me req/s' 'vs first'
base_rps=""
for n in $counts; do
    db="$work/s$n.db"
    "$AUTHD" seed-sessions --db "$db" --count "$n" --out "$work/t$n.txt" >/dev/null
    sync
    started=$(date +%s%N)
    start_authd "$db" "$work/a$n"
    start_ms=$(( ($(date +%s%N) - started) / 1000000 ))
    rss_start=$(rss_kib "$AUTHD_PID")
    # A token from the middle of the file: not one that happens to sit in a hot page.
    sed -n "$((n / 2 + 1))p" "$work/t$n.txt" >"$work/me$n.txt"
    line=$(run_wrk "$AUTHD_PID" me.lua "$AUTHD_URL/auth/me" "$seconds" 32 "$work/me$n.txt")
    rss_after=$(rss_kib "$AUTHD_PID")
    stop_pid "$AUTHD_PID"
    AUTHD_PID=""
    rps=$(field "$line" rps)
    base_rps=${base_rps:-$rps}
    printf '%-10s %10.1f %9d %9.1f MiB %9.1f MiB %10.0f %11.1f%%\n' "$n" \
        "$(du -m "$db" | cut -f1)" "$start_ms" "$(awk -v k="$rss_start" 'BEGIN {print k / 1024}')" \
        "$(awk -v k="$rss_after" 'BEGIN {print k / 1024}')" "$rps" \
        "$(awk -v a="$rps" -v b="$base_rps" 'BEGIN {print 100 * a / b}')"
    rm -f "$db"* "$work/t$n.txt"
done
