#!/usr/bin/env bash
# Crash safety under load: seeds sessions, runs concurrent logouts against authd, kills authd with
# SIGKILL at random moments and restarts it on the same database, N times; then checks that every
# acknowledged logout stayed ended, no other session was lost, PRAGMA integrity_check is ok, and the
# audit log holds exactly one USER_LOGOUT row per ended session (tests/crash/crash_cycle.cpp).
#
# usage: tools/crash-cycle.sh [--cycles N] [--sessions M] [--seed S] [--build DIR]
#                             [--authd BIN] [--driver BIN] [--keep]
# Binaries default to DIR/src/authd and DIR/tests/crash/authd_crash_cycle, DIR = build/release.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cycles=20
sessions=20000
build="$root/build/release"
authd=""
driver=""
seed=""
keep=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --cycles) cycles="$2"; shift 2 ;;
        --sessions) sessions="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --build) build="$2"; shift 2 ;;
        --authd) authd="$2"; shift 2 ;;
        --driver) driver="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "crash-cycle: unknown argument $1" >&2; exit 2 ;;
    esac
done
authd="${authd:-$build/src/authd}"
driver="${driver:-$build/tests/crash/authd_crash_cycle}"
for bin in "$authd" "$driver"; do
    [[ -x "$bin" ]] || { echo "crash-cycle: $bin is missing (build first: cmake --build $build)" >&2; exit 2; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/authd-crash-XXXXXX")"
cleanup() {
    local code=$?
    if [[ $code -ne 0 || $keep -eq 1 ]]; then
        echo "crash-cycle: database, tokens and authd log kept in $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

env -u AUTHD_DB "$authd" seed-sessions --db "$work/authd.db" --count "$sessions" --out "$work/tokens.txt" >/dev/null
args=(--authd "$authd" --db "$work/authd.db" --tokens "$work/tokens.txt" --cycles "$cycles" --log "$work/authd.log")
[[ -n "$seed" ]] && args+=(--seed "$seed")
# The driver starts authd itself; the caller's AUTHD_* settings must not change what it tests.
env $(env | sed -n 's/^\(AUTHD_[A-Z_]*\)=.*/-u \1/p') "$driver" "${args[@]}"
