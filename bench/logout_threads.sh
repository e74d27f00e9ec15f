#!/usr/bin/env bash
# One logout run on a fresh database, with the server's CPU per logout split by thread (the I/O
# thread, the SQLite writer, the checkpointer), and its peak RSS (a long run includes purges of
# the revocation backlog, whose mirror and sorted hashes are the largest memory authd holds).
# Server on CPU 0, wrk on CPU 1, as in run.sh. AUTHD=path compares another build.
#
# usage: bench/logout_threads.sh [--sessions N] [--seconds N] [--connections N] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

sessions=1000000 seconds=5 connections=32 build=1
while [ $# -gt 0 ]; do
    case $1 in
        --sessions) sessions=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        *) echo "usage: $0 [--sessions N] [--seconds N] [--connections N] [--no-build]"; exit 2 ;;
    esac
done
[ "$build" = 0 ] || tools/build.sh release >/dev/null
command -v wrk >/dev/null || { echo "needs wrk (tools/install-deps.sh)"; exit 1; }

work=$(mktemp -d /tmp/authd-bench.XXXXXX)
AUTHD_PID=""
cleanup() {
    [ -z "$AUTHD_PID" ] || stop_pid "$AUTHD_PID"
    rm -rf "$work"
}
trap cleanup EXIT

"$AUTHD" seed-sessions --db "$work/authd.db" --count "$sessions" --out "$work/tokens.txt" >/dev/null
sync  # or the seeding's writeback competes with the logouts' fsyncs
start_authd "$work/authd.db" "$work/authd"

thread_ticks() { # "TID TICKS" for every thread of the server
    for t in /proc/"$AUTHD_PID"/task/*; do
        echo "$(basename "$t")/$(tr ' ' _ <"$t/comm") $(awk '{print $14 + $15}' "$t/stat")"
    done
}
thread_ticks >"$work/before"
line=$(run_wrk "$AUTHD_PID" logout.lua "$AUTHD_URL/auth/logout" "$seconds" "$connections" "$work/tokens.txt")
thread_ticks >"$work/after"
peak_kib=$(awk '/VmHWM/ {print $2}' /proc/"$AUTHD_PID"/status)
echo "$line"
echo "server peak RSS: $((peak_kib / 1024)) MiB"
requests=$(field "$line" requests)
join "$work/before" "$work/after" | awk -v n="$requests" -v hz="$(getconf CLK_TCK)" \
    '{ us = ($3 - $2) * 1e6 / hz; if (us > 0) printf "thread %s: %.1f us per logout\n", $1, us / (n > 0 ? n : 1) }'
