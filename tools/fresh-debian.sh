#!/usr/bin/env bash
# Runs the README's two commands (tools/run.sh, then tools/test.sh) on a fresh Debian 12: a
# minimal bookworm tree made by debootstrap, entered with chroot, holding nothing but git and a
# clone of this repository's HEAD. It catches what a green run on a developer's machine hides:
# a package the scripts forget to install, a tool that only works with a newer version than
# Debian's (Node.js), a test that only passes with this machine's timing.
#
# usage (as root, apt reachable): tools/fresh-debian.sh [DIR]   (default /srv/authd-fresh, wiped)
# Takes 15-30 min on 2 cores. Logs: DIR.run.log (tools/run.sh) and DIR.test.log (tools/test.sh).
# The host's CA certificates and npm configuration are copied in, so that a proxy the host trusts
# for apt and npm is trusted inside too. Exit status: that of tools/test.sh, or 1 when run.sh
# did not serve /health.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
root="${1:-/srv/authd-fresh}"
port=8080

unmount() {
    for d in dev/shm dev/pts dev sys proc; do
        umount "$root/$d" 2>/dev/null || true
    done
}
trap unmount EXIT

command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
unmount
rm -rf "$root"
echo "== debootstrap bookworm into $root"
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$root.debootstrap.log" 2>&1
cp /etc/resolv.conf "$root/etc/resolv.conf"
if [ -d /usr/local/share/ca-certificates ]; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
fi
mkdir -p "$root/etc/ssl/certs"
[ ! -f /etc/ssl/certs/ca-certificates.crt ] || cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
for f in /root/.npmrc /etc/npmrc /usr/etc/npmrc; do
    if [ -f "$f" ]; then
        mkdir -p "$root$(dirname "$f")"
        cp "$f" "$root$f"
    fi
done
for d in proc sys dev dev/pts dev/shm; do
    mount --bind "/$d" "$root/$d"
done
chroot "$root" bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git >/dev/null'
git clone -q "$repo" "$root/root/authd"
echo "== $(git -C "$root/root/authd" log --oneline -1)"

echo "== tools/run.sh (log: $root.run.log)"
chroot "$root" bash -c 'cd /root/authd && exec tools/run.sh' >"$root.run.log" 2>&1 &
runner=$!
served=0
for _ in $(seq 1 1800); do
    if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
        served=1
        break
    fi
    kill -0 "$runner" 2>/dev/null || break
    sleep 1
done
if [ "$served" -eq 1 ]; then
    echo "tools/run.sh serves /health on 127.0.0.1:$port"
fi
# chroot, bash and tools/run.sh each exec the next, so $runner is authd itself by now.
kill "$runner" 2>/dev/null || true
wait "$runner" 2>/dev/null || true
[ "$served" -eq 1 ] || { echo "tools/run.sh did not serve /health: see $root.run.log" >&2; exit 1; }

echo "== tools/test.sh (log: $root.test.log)"
status=0
chroot "$root" bash -c 'cd /root/authd && exec tools/test.sh' >"$root.test.log" 2>&1 || status=$?
grep -E '^== |tests passed|tests failed' "$root.test.log" || true
echo "tools/test.sh exit status: $status"
exit "$status"
