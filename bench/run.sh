#!/usr/bin/env bash
# The authd load benchmark: nginx answering a fixed 200 (the HTTP ceiling) versus authd's logout,
# /auth/me and mixed workloads, each repeated; prints medians and each authd figure as a ratio of
# nginx's, all measured in this run. Server pinned to CPU 0, wrk to CPU 1.
#
# Every authd run starts from the same state: a fresh server on a fresh copy of one seeded store
# of --sessions sessions (1M by default). So the repeats are independent (no run inherits the purge
# of the revocations an earlier run left behind) and all runs share one token file.
#
# usage: bench/run.sh [--seconds N] [--repeat N] [--connections N] [--sessions N] [--raw] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

seconds=5 repeat=3 connections=32 sessions=1000000 build=1 raw=0
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --repeat) repeat=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --sessions) sessions=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        --raw) raw=1; shift ;;
        *) echo "unknown option $1"; exit 2 ;;
    esac
done
[ "$build" = 0 ] || tools/build.sh release >/dev/null
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "needs wrk and nginx (tools/install-deps.sh)"; exit 1; }

work=$(mktemp -d /tmp/authd-bench.XXXXXX)
nginx_master="" nginx_pid="" AUTHD_PID=""
cleanup() {
    [ -z "$nginx_master" ] || stop_pid "$nginx_master"
    [ -z "$AUTHD_PID" ] || stop_pid "$AUTHD_PID"
    rm -rf "$work"
}
trap cleanup EXIT

# Enough sessions for 70k logouts/s in every run (a run that exhausts them says so below the table).
sessions=$((sessions > seconds * 70000 + 1000 ? sessions : seconds * 70000 + 1000))
"$AUTHD" seed-sessions --db "$work/seed.db" --count "$sessions" --out "$work/tokens.txt" >/dev/null

# A fresh server on a fresh copy of the seeded store. The copy is flushed before the server
# starts, or its writeback competes with the logouts' fsyncs (it showed as p99 outliers of
# 100-250 ms when the seeding's was not).
fresh_authd() {
    [ -z "$AUTHD_PID" ] || stop_pid "$AUTHD_PID"
    AUTHD_PID=""
    rm -f "$work"/run.db*
    cp "$work/seed.db" "$work/run.db"
    [ ! -e "$work/seed.db-wal" ] || cp "$work/seed.db-wal" "$work/run.db-wal"
    sync
    start_authd "$work/run.db" "$work/authd"
}

mkdir -p "$work/nginx/logs"
taskset -c "$SERVER_CPU" nginx -c "$PWD/bench/nginx.conf" -p "$work/nginx" -g "pid $work/nginx/nginx.pid;" \
    2>"$work/nginx.err" &
nginx_master=$!
sleep 0.5
nginx_pid=$(pgrep -P "$(cat "$work/nginx/nginx.pid")" nginx | head -1)  # the worker does the work

declare -A results
for _ in $(seq "$repeat"); do
    results[nginx]+="$(run_wrk "$nginx_pid" fixed.lua http://127.0.0.1:18081/ "$seconds" "$connections")"$'\n'
    fresh_authd
    results[me]+="$(run_wrk "$AUTHD_PID" me.lua "$AUTHD_URL/auth/me" "$seconds" "$connections" "$work/tokens.txt")"$'\n'
    fresh_authd
    results[logout]+="$(run_wrk "$AUTHD_PID" logout.lua "$AUTHD_URL/auth/logout" "$seconds" "$connections" \
        "$work/tokens.txt")"$'\n'
    fresh_authd
    results[mixed]+="$(run_wrk "$AUTHD_PID" mixed.lua "$AUTHD_URL/" "$seconds" "$connections" "$work/tokens.txt")"$'\n'
    fresh_authd
    results[mixed-1k]+="$(ACTIVE=1000 run_wrk "$AUTHD_PID" mixed.lua "$AUTHD_URL/" "$seconds" "$connections" \
        "$work/tokens.txt")"$'\n'
done

# --raw: every run's RESULT line too, on stderr, before the table of medians.
[ "$raw" = 0 ] || for w in nginx logout me mixed mixed-1k; do printf '%s\n%s' "$w" "${results[$w]}"; done >&2
med() { # workload key -> median over the repeats
    while read -r line; do
        if [ -n "$line" ]; then field "$line" "$2"; fi
    done <<<"${results[$1]}" | median
}
cpu_per_request() { # workload -> median server CPU microseconds per request
    while read -r line; do
        if [ -n "$line" ]; then
            awk -v c="$(field "$line" cpu_us)" -v n="$(field "$line" requests)" \
                'BEGIN {printf "%.2f\n", c / (n > 0 ? n : 1)}'
        fi
    done <<<"${results[$1]}" | median
}

nginx_rps=$(med nginx rps)
printf '\n%s, %s s x %s runs, %s connections, %s stored sessions, server CPU %s, wrk CPU %s (medians)\n' \
    "$(date -u +%Y-%m-%dT%H:%MZ)" "$seconds" "$repeat" "$connections" "$sessions" "$SERVER_CPU" "$CLIENT_CPU"
printf '%-9s %10s %9s %9s %8s %12s %10s\n' workload 'req/s' 'p50 ms' 'p99 ms' non-200 'CPU us/req' 'vs nginx'
for w in nginx logout me mixed mixed-1k; do
    rps=$(med "$w" rps)
    printf '%-9s %10.0f %9.3f %9.3f %8d %12s %9.1f%%\n' "$w" "$rps" \
        "$(awk -v v="$(med "$w" p50_us)" 'BEGIN {print v / 1000}')" \
        "$(awk -v v="$(med "$w" p99_us)" 'BEGIN {print v / 1000}')" \
        "$(med "$w" non200)" "$(cpu_per_request "$w")" \
        "$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN {print (b > 0 ? 100 * a / b : 0)}')"
done
if grep -q "tokens_exhausted=1" <<<"${results[logout]}${results[mixed]}${results[mixed-1k]}"; then
    echo "warning: a run ran out of pre-made sessions; its figures cover only the time it had tokens"
fi
