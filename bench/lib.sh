# Helpers shared by the bench scripts (sourced, not run).
# Server on CPU 0, load generator on CPU 1, as the benchmark rules say.

SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
AUTHD=${AUTHD:-build/release/src/authd}
export BENCH_LUA="$PWD/bench/lua"

# Total user+system CPU time of a process in microseconds (from /proc/PID/stat).
cpu_us() {
    local ticks
    ticks=$(awk '{print $14 + $15}' "/proc/$1/stat")
    echo $((ticks * 1000000 / $(getconf CLK_TCK)))
}

# Starts authd on a free port with the given database; sets AUTHD_PID and AUTHD_URL.
start_authd() {
    local db=$1 log=$2
    shift 2
    taskset -c "$SERVER_CPU" "$AUTHD" --listen 127.0.0.1:0 --db "$db" --threads 1 --hash-threads 1 \
        --log-level warn "$@" >"$log.out" 2>"$log.err" &
    AUTHD_PID=$!
    for _ in $(seq 200); do
        grep -q "listening on" "$log.out" 2>/dev/null && break
        sleep 0.05
    done
    AUTHD_URL="http://$(sed -n 's/^listening on //p' "$log.out")"
    [ "$AUTHD_URL" != "http://" ] || { echo "authd did not start:"; cat "$log.err"; return 1; }
}

stop_pid() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# Runs wrk pinned to the client CPU; prints its RESULT line followed by cpu_us=<server CPU time>.
# usage: run_wrk SERVER_PID SCRIPT URL SECONDS CONNECTIONS [TOKENS_FILE]
run_wrk() {
    local pid=$1 script=$2 url=$3 seconds=$4 connections=$5 tokens=${6:-}
    local before after line
    before=$(cpu_us "$pid")
    line=$(TOKENS="$tokens" taskset -c "$CLIENT_CPU" wrk -t1 -c"$connections" -d"${seconds}s" --timeout 5s \
        -s "bench/lua/$script" "$url" | grep '^RESULT')
    after=$(cpu_us "$pid")
    echo "$line cpu_us=$((after - before))"
}

# The value of key=VALUE in a RESULT line.
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }

median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print 0; else print a[int((NR + 1) / 2)]}'; }
