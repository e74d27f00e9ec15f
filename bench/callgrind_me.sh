#!/usr/bin/env bash
# User-space instructions per cached GET /auth/me, counted by valgrind's callgrind: the difference
# between 3,000 and 1,000 keep-alive requests on one connection, divided by 2,000 (start-up and
# shutdown cancel out). Unlike the wall clock on a shared machine, the count repeats exactly, so
# it compares two builds even while the other core is busy. AUTHD=path measures another binary.
#
# usage: bench/callgrind_me.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

[ "${1:-}" = "--no-build" ] || tools/build.sh release >/dev/null
command -v valgrind >/dev/null && command -v curl >/dev/null || { echo "needs valgrind and curl"; exit 1; }

work=$(mktemp -d /tmp/authd-callgrind.XXXXXX)
server=""
cleanup() {
    [ -z "$server" ] || stop_pid "$server"
    rm -rf "$work"
}
trap cleanup EXIT

"$AUTHD" seed-sessions --db "$work/authd.db" --count 1 --out "$work/tokens.txt" >/dev/null
token=$(cut -d' ' -f1 "$work/tokens.txt")

total() { # requests -> the instructions callgrind counted for a whole server run
    local n=$1 address
    valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.$n" "$AUTHD" --listen 127.0.0.1:0 \
        --db "$work/authd.db" --threads 1 --hash-threads 1 --log-level warn >"$work/out.$n" 2>"$work/err.$n" &
    server=$!
    for _ in $(seq 600); do
        grep -q "listening on" "$work/out.$n" 2>/dev/null && break
        sleep 0.1
    done
    address=$(sed -n 's/^listening on //p' "$work/out.$n")
    [ -n "$address" ] || { echo "authd did not start under valgrind:"; cat "$work/err.$n"; exit 1; }
    # One curl, one connection, n requests (URL globbing); every answer must be a 200.
    codes=$(curl -s -o /dev/null -w '%{http_code}\n' -b "session=$token" "http://$address/auth/me?n=[1-$n]" |
        sort | uniq -c)
    [ "$codes" = "$(printf '%7d 200' "$n")" ] || { echo "not all 200: $codes"; exit 1; }
    stop_pid "$server"
    server=""
    sed -n 's/^summary: //p' "$work/callgrind.$n"
}

low=$(total 1000)
high=$(total 3000)
echo "instructions per /auth/me: $(((high - low) / 2000))"
