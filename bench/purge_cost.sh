#!/usr/bin/env bash
# What authd's backlog purge costs per revoked row, by backlog size: one store seeded with
# --sessions sessions, then for each backlog a fresh copy of it with that many sessions revoked
# and purged (bench/micro/purge_cost.cpp). Pinned to the server CPU, as in run.sh.
#
# usage: bench/purge_cost.sh [--sessions N] [--backlogs "N ..."] [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

sessions=1000000 backlogs="50000 100000 250000 500000" build=1
while [ $# -gt 0 ]; do
    case $1 in
        --sessions) sessions=$2; shift 2 ;;
        --backlogs) backlogs=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        *) echo "usage: $0 [--sessions N] [--backlogs \"N ...\"] [--no-build]"; exit 2 ;;
    esac
done
[ "$build" = 0 ] || tools/build.sh release >/dev/null

work=$(mktemp -d /tmp/authd-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$AUTHD" seed-sessions --db "$work/seeded.db" --count "$sessions" --out "$work/tokens.txt" >/dev/null
sync
# shellcheck disable=SC2086  # the backlogs are separate arguments
taskset -c "$SERVER_CPU" build/release/bench/micro/purge_cost "$work/seeded.db" "$work/tokens.txt" "$work" \
    $backlogs
