#!/usr/bin/env bash
# Installs what is missing, builds Release, and runs authd on 127.0.0.1:8080 with ./data/authd.db.
# Cookies stay Secure: browsers and curl send Secure cookies to http://localhost and 127.0.0.1.
# Extra flags are passed on to authd (see build/release/src/authd --help).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh release authd
mkdir -p data
exec build/release/src/authd --listen 127.0.0.1:8080 --db ./data/authd.db "$@"
