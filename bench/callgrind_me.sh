#!/usr/bin/env bash
# User-space instructions per cached GET /auth/me, counted by valgrind's callgrind: the difference
# between 3,000 and 1,000 keep-alive requests on one connection, divided by 2,000 (start-up and
# shutdown cancel out). Unlike the wall clock on a shared machine, the count repeats to about 0.2%
# whatever else runs, so it compares two builds on a busy machine. AUTHD=path measures another
# binary. valgrind hides the CPU's SHA extensions, so the count includes libsodium's SHA-256 of
# the cookie (about 3,700 instructions) even where authd runs it on them.
#
# usage: bench/callgrind_me.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

[ "${1:-}" = "--no-build" ] || tools/build.sh release >/dev/null
command -v valgrind >/dev/null && command -v curl >/dev/null || { echo "needs valgrind and curl"; exit 1; }

work=$(mktemp -d /tmp/authd-callgrind.XXXXXX)
AUTHD_PID=""
trap '[ -z "$AUTHD_PID" ] || stop_pid "$AUTHD_PID"; rm -rf "$work"' EXIT

"$AUTHD" seed-sessions --db "$work/authd.db" --count 1 --out "$work/tokens.txt" >/dev/null
token=$(cut -d' ' -f1 "$work/tokens.txt")

counted() { # REQUESTS: sets `instructions` to what callgrind counted for a whole server run
    local n=$1
    # start_authd runs $AUTHD; this one runs the server under callgrind (exec keeps the pid, so
    # stop_pid's SIGTERM reaches valgrind, which ends the server cleanly and writes its counts).
    printf '#!/bin/sh\nexec valgrind --tool=callgrind --callgrind-out-file=%s %s "$@"\n' \
        "$work/callgrind.$n" "$(readlink -f "$AUTHD")" >"$work/under-callgrind"
    chmod +x "$work/under-callgrind"
    AUTHD="$work/under-callgrind" start_authd "$work/authd.db" "$work/authd.$n"
    # One curl, one connection, n requests (URL globbing); every answer must be a 200.
    codes=$(curl -s -o /dev/null -w '%{http_code}\n' -b "session=$token" "$AUTHD_URL/auth/me?n=[1-$n]" |
        sort | uniq -c)
    [ "$codes" = "$(printf '%7d 200' "$n")" ] || { echo "not all 200: $codes"; exit 1; }
    stop_pid "$AUTHD_PID"
    AUTHD_PID=""
    instructions=$(sed -n 's/^summary: //p' "$work/callgrind.$n")
}

counted 1000
low=$instructions
counted 3000
echo "instructions per /auth/me: $(((instructions - low) / 2000))"
