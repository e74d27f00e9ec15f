#!/usr/bin/env bash
# Isolation: /auth/me latency alone, then with a login flood (Argon2id) running beside it.
# The hashing pool is bounded, so the flood queues there (and gets 503 when the queue is full)
# instead of delaying session checks. Both wrk instances run on the client CPU.
#
# usage: bench/isolation.sh [--seconds N] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

seconds=5 build=1
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        *) echo "unknown option $1"; exit 2 ;;
    esac
done
[ "$build" = 0 ] || tools/build.sh release >/dev/null

work=$(mktemp -d /tmp/authd-isolation.XXXXXX)
AUTHD_PID="" flood_pid=""
trap '[ -z "$flood_pid" ] || kill "$flood_pid" 2>/dev/null; [ -z "$AUTHD_PID" ] || stop_pid "$AUTHD_PID"; rm -rf "$work"' EXIT

"$AUTHD" seed-sessions --db "$work/authd.db" --count 10 --out "$work/tokens.txt" \
    --email flood@bench.invalid --password flood-password >/dev/null
# A large per-account and per-address budget: this measures hashing, not the brute-force limits.
start_authd "$work/authd.db" "$work/authd" --login-max-failures 1000000 --login-max-failures-per-address 1000000

alone=$(run_wrk "$AUTHD_PID" me.lua "$AUTHD_URL/auth/me" "$seconds" 32 "$work/tokens.txt")
taskset -c "$CLIENT_CPU" wrk -t1 -c16 -d"$((seconds + 2))s" -s bench/lua/login.lua "$AUTHD_URL/auth/login" \
    >"$work/flood.txt" &
flood_pid=$!
sleep 1
flooded=$(run_wrk "$AUTHD_PID" me.lua "$AUTHD_URL/auth/me" "$seconds" 32 "$work/tokens.txt")
wait "$flood_pid" || true
flood_pid=""

printf '%-22s %10s %9s %9s\n' '/auth/me' 'req/s' 'p50 ms' 'p99 ms'
for name in alone flooded; do
    line=${!name}
    printf '%-22s %10.0f %9.3f %9.3f\n' "$name" "$(field "$line" rps)" \
        "$(awk -v v="$(field "$line" p50_us)" 'BEGIN {print v / 1000}')" \
        "$(awk -v v="$(field "$line" p99_us)" 'BEGIN {print v / 1000}')"
done
flood=$(grep '^RESULT' "$work/flood.txt" || true)
echo "login flood: $(field "$flood" rps) req/s, $(field "$flood" non200) answers not 200 (503 SERVICE_BUSY when the hashing queue is full)"
awk -v a="$(field "$alone" p99_us)" -v b="$(field "$flooded" p99_us)" \
    'BEGIN {printf "p99 with the flood / p99 alone: %.2fx (target: at most 2x)\n", b / a}'
