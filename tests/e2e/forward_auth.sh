#!/usr/bin/env bash
# End-to-end test of deploy/nginx/authd-forward-auth.conf: Debian's nginx in front of authd and of
# a tiny upstream application (a second nginx server block that echoes the X-Authd-* headers it
# receives). The application must be unreachable before login, reachable after login through
# nginx (and told who the user is), and unreachable again right after logout.
#
# usage: tests/e2e/forward_auth.sh AUTHD_BIN        (needs /usr/sbin/nginx and curl)
set -euo pipefail

bin=${1:-${AUTHD_BIN:-}}
if [[ -z $bin || ! -x $bin ]]; then
    echo "usage: $0 AUTHD_BIN" >&2
    exit 2
fi
nginx=${NGINX:-/usr/sbin/nginx}
for need in "$nginx" curl; do
    command -v "$need" > /dev/null || { echo "$0: $need not found (apt-get install -y nginx curl): skipped" >&2; exit 77; }
done
here=$(cd "$(dirname "$0")" && pwd)
example=$here/../../deploy/nginx/authd-forward-auth.conf

tmp=$(mktemp -d /tmp/authd-fwd-XXXXXX)
chmod 755 "$tmp"
authd_pid=
nginx_pid=
cleanup() {
    [[ -n $nginx_pid ]] && kill "$nginx_pid" 2> /dev/null && wait "$nginx_pid" 2> /dev/null
    [[ -n $authd_pid ]] && kill "$authd_pid" 2> /dev/null && wait "$authd_pid" 2> /dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

failures=0
pass() { echo "  ok   $*"; }
fail() { echo "  FAIL $*"; failures=$((failures + 1)); }
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

port_in_use() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 40000))
        port_in_use "$p" || { echo "$p"; return; }
    done
}

echo "# forward auth: nginx auth_request -> authd /auth/verify"

# --- start nginx (front and tiny app) first, so that authd can be told the front's origin ------
start_nginx() {
    front=$(free_port)
    app=$(free_port)
    [[ $front != "$app" ]] || return 1
    # the example, with its ports rewritten: authd's port is filled in once authd runs (below)
    sed -e "s/listen 80;/listen 127.0.0.1:$front;/" \
        -e "s/server 127\.0\.0\.1:3000;/server 127.0.0.1:$app;/" \
        -e "s/server_name app\.example\.com;/server_name 127.0.0.1;/" \
        "$example" > "$tmp/site.conf.in"
    grep -q "listen 127.0.0.1:$front;" "$tmp/site.conf.in" || { echo "cannot rewrite $example" >&2; exit 1; }
    cat > "$tmp/nginx.conf" << EOF
pid $tmp/nginx.pid;
error_log $tmp/error.log info;
worker_processes 1;
events { worker_connections 64; }
http {
    access_log $tmp/access.log;
    client_body_temp_path $tmp/client_body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    include $tmp/site.conf;

    # the tiny upstream application: echoes what nginx told it about the user
    server {
        listen 127.0.0.1:$app;
        location / {
            default_type text/plain;
            return 200 "app: method=\$request_method uri=\$request_uri email=[\$http_x_authd_user_email] id=[\$http_x_authd_user_id] role=[\$http_x_authd_role] session=[\$http_x_authd_session] cookie=[\$http_cookie]\n";
        }
    }
}
EOF
}

# --- authd: allowed origin = the nginx front ------------------------------------------------------
for attempt in 1 2 3 4 5; do
    start_nginx || continue
    origin=http://127.0.0.1:$front
    "$bin" --listen 127.0.0.1:0 --db "$tmp/authd.db" --insecure-cookies --allowed-origins "$origin" \
        --log-level warn > "$tmp/authd.out" 2> "$tmp/authd.err" &
    authd_pid=$!
    for _ in $(seq 100); do
        grep -q "listening on" "$tmp/authd.out" 2> /dev/null && break
        sleep 0.1
    done
    authd_port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/authd.out")
    if [[ -z $authd_port ]]; then
        echo "authd did not start:" >&2
        cat "$tmp/authd.err" >&2
        exit 1
    fi
    sed "s/server 127\.0\.0\.1:8080;/server 127.0.0.1:$authd_port;/" "$tmp/site.conf.in" > "$tmp/site.conf"
    "$nginx" -t -q -p "$tmp" -e "$tmp/error.log" -c "$tmp/nginx.conf" || { cat "$tmp/error.log" >&2; exit 1; }
    "$nginx" -p "$tmp" -e "$tmp/error.log" -c "$tmp/nginx.conf" -g 'daemon off;' &
    nginx_pid=$!
    for _ in $(seq 50); do
        port_in_use "$front" && port_in_use "$app" && break
        kill -0 "$nginx_pid" 2> /dev/null || break
        sleep 0.1
    done
    if kill -0 "$nginx_pid" 2> /dev/null && port_in_use "$front"; then
        break
    fi
    # a port was taken meanwhile: try again with others
    wait "$nginx_pid" 2> /dev/null || true
    nginx_pid=
    kill "$authd_pid"
    wait "$authd_pid" 2> /dev/null || true
    authd_pid=
    rm -f "$tmp/authd.db"*
    [[ $attempt == 5 ]] && { echo "nginx did not start:" >&2; cat "$tmp/error.log" >&2; exit 1; }
done
pass "nginx config from deploy/nginx/authd-forward-auth.conf passes nginx -t and runs (front :$front, app :$app, authd :$authd_port)"

F=http://127.0.0.1:$front
jar=$tmp/jar.txt
# GET/POST through nginx; prints "STATUS" and leaves the body in $tmp/body, headers in $tmp/headers
req() {
    curl -sS -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' "$@"
}
header() { tr -d '\r' < "$tmp/headers" | sed -n "s/^$1: //Ip" | head -n 1; }

# --- 1. not signed in --------------------------------------------------------------------------
code=$(req "$F/app/page?x=1&y=2")
check "before login: GET /app/page is not served (HTTP $code, a redirect)" test "$code" = 302
check "before login: redirected to the sign-in page /ui/?next=/app/page?x=1&y=2 (Location: $(header Location))" \
    test "$(header Location)" = "$F/ui/?next=/app/page?x=1&y=2" -o "$(header Location)" = "/ui/?next=/app/page?x=1&y=2"
check "before login: the application's answer is not in the body" bash -c "! grep -q '^app:' '$tmp/body'"
code=$(req -H 'X-Authd-User-Email: mallory@example.com' -H 'Cookie: session=forged' "$F/app/")
check "before login: forged X-Authd-User-Email header and cookie do not get in (HTTP $code)" test "$code" = 302
code=$(req -X POST -H 'Content-Type: text/plain' --data 'some body' "$F/app/form")
check "before login: POST /app/form is not served either (HTTP $code)" test "$code" = 302
code=$(req "$F/auth/verify")
check "GET /auth/verify from outside is not served by the internal location (HTTP $code)" test "$code" = 404

# --- 2. the sign-in page and the API through nginx -----------------------------------------------
code=$(req "$F/ui/")
check "GET /ui/ through nginx serves the sign-in page (HTTP $code, $(header Content-Type))" \
    bash -c "[[ $code == 200 ]] && grep -q 'login-form' '$tmp/body'"
code=$(req "$F/ui")
check "GET /ui through nginx redirects to /ui/ (HTTP $code)" bash -c "[[ $code == 301 || $code == 302 || $code == 308 ]]"

code=$(req -X POST "$F/auth/register" -H 'Content-Type: application/json' -H "Origin: $origin" \
    --data '{"email":"Ada@Example.com","password":"correct horse battery"}')
check "register through nginx (HTTP $code)" test "$code" = 201
code=$(req -c "$jar" -X POST "$F/auth/login" -H 'Content-Type: application/json' -H "Origin: $origin" \
    --data '{"email":"ada@example.com","password":"correct horse battery"}')
check "login through nginx (HTTP $code)" test "$code" = 200
csrf=$(sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p' "$tmp/body")
token=$(awk '$6 == "session" { print $7 }' "$jar")
check "login set the session cookie and returned a CSRF token" test -n "$token" -a -n "$csrf"

# --- 3. signed in --------------------------------------------------------------------------------
code=$(req -b "$jar" "$F/app/page?x=1")
check "after login: GET /app/page reaches the application (HTTP $code)" test "$code" = 200
check "after login: the application received X-Authd-User-Email: ada@example.com" grep -q 'email=\[ada@example.com\]' "$tmp/body"
check "after login: ... and X-Authd-User-Id, X-Authd-Role: user, X-Authd-Session" \
    grep -Eq 'id=\[[^]]+\] role=\[user\] session=\[[^]]+\]' "$tmp/body"
check "after login: the application did not receive the session cookie" grep -q 'cookie=\[\]' "$tmp/body"
echo "       application saw: $(cat "$tmp/body")"
code=$(req -b "$jar" -H 'X-Authd-User-Email: mallory@example.com' -H 'X-Authd-Role: admin' "$F/app/")
check "after login: headers forged by the client are replaced by authd's (HTTP $code)" \
    bash -c "[[ $code == 200 ]] && grep -q 'email=\[ada@example.com\] id=\[[^]]*\] role=\[user\]' '$tmp/body'"
code=$(req -b "$jar" -X POST -H 'Content-Type: application/json' --data '{"a":1}' "$F/app/form")
check "after login: POST with a body reaches the application (HTTP $code)" \
    bash -c "[[ $code == 200 ]] && grep -q 'method=POST' '$tmp/body'"
code=$(req -b "$jar" "$F/auth/me")
check "after login: GET /auth/me through nginx (HTTP $code)" test "$code" = 200

# --- 4. the Origin check sees the nginx origin ------------------------------------------------------
code=$(req -b "$jar" -X POST "$F/auth/logout" -H "X-CSRF-Token: $csrf" -H 'Origin: http://evil.example')
check "logout with a foreign Origin is refused (HTTP $code, CSRF_FAILED)" \
    bash -c "[[ $code == 403 ]] && grep -q CSRF_FAILED '$tmp/body'"
code=$(req -b "$jar" "$F/app/")
check "... and the session still works (HTTP $code)" test "$code" = 200

# --- 5. logout ---------------------------------------------------------------------------------------
code=$(req -b "$jar" -c "$jar" -X POST "$F/auth/logout" -H "X-CSRF-Token: $csrf" -H "Origin: $origin")
check "logout through nginx with the front's Origin (HTTP $code)" test "$code" = 200
check "logout expired the cookie in the jar" bash -c "! awk '\$6 == \"session\"' '$jar' | grep -q ."
code=$(req -H "Cookie: session=$token" "$F/app/page")
check "right after logout: the old session cookie no longer reaches the application (HTTP $code)" test "$code" = 302
check "right after logout: redirected to /ui/ (Location: $(header Location))" bash -c "[[ '$(header Location)' == *'/ui/?next=/app/page' ]]"
set_cookie=$(header Set-Cookie)
check "right after logout: the redirect expires the dead cookie (Set-Cookie: $set_cookie)" \
    bash -c "[[ '$set_cookie' == session=* && '$set_cookie' == *Max-Age=0* ]]"

if ((failures)); then
    echo "FAIL forward auth ($failures failed)"
    echo "--- nginx error.log (tail)"
    tail -n 20 "$tmp/error.log"
    echo "--- authd stderr (tail)"
    tail -n 20 "$tmp/authd.err"
    exit 1
fi
echo "PASS forward auth"
