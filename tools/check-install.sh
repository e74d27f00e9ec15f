#!/usr/bin/env bash
# Installs a built tree into a scratch prefix and checks what an operator gets: the binary runs,
# the example configuration is the binary's own, and systemd accepts the hardened unit.
#   tools/check-install.sh BUILD_DIR
set -euo pipefail
build="${1:?usage: tools/check-install.sh BUILD_DIR}"
prefix="$(mktemp -d)"
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build" --prefix "$prefix" >/dev/null
unit="$prefix/lib/systemd/system/authd.service"
for f in "$prefix/bin/authd" "$unit" "$prefix/etc/authd/authd.env" "$prefix/share/doc/authd/README.md" \
         "$prefix/share/doc/authd/examples/authd-forward-auth.conf"; do
    [ -e "$f" ] || { echo "check-install: $f was not installed" >&2; exit 1; }
done
"$prefix/bin/authd" --version
diff <("$prefix/bin/authd" config-example) "$prefix/etc/authd/authd.env" >/dev/null ||
    { echo "check-install: the installed authd.env differs from 'authd config-example'" >&2; exit 1; }
grep -q "ExecStart=$prefix/bin/authd$" "$unit" || { echo "check-install: ExecStart does not name the installed binary" >&2; exit 1; }

# systemd-analyze verify reports every problem on stderr (unknown directives, a missing
# executable) and exits non-zero on errors; any output at all counts as a failure here.
report="$(systemd-analyze verify "$unit" 2>&1)" || { echo "$report" >&2; exit 1; }
if [ -n "$report" ]; then
    echo "$report" >&2
    exit 1
fi
echo "check-install: ok ($unit verified)"
