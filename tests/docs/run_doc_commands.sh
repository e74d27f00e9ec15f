#!/usr/bin/env bash
# Runs every command the documentation shows, so that no documented command can rot.
#
# usage: tests/docs/run_doc_commands.sh AUTHD_BIN [FILE.md ...]
#
# Which blocks run: every fenced block opened with ```sh in docs/*.md, and those in the
# "Walk-through with curl" section of README.md. Blocks opened with ```text (output, settings,
# configuration files) or ```sh-norun (commands that cannot run in a test, e.g. `systemctl`; the
# doc says why next to each one) are not run.
#
# How: for each file, a fresh temporary directory and a freshly started authd
#   authd --listen 127.0.0.1:0 --db TMP/authd.db --insecure-cookies
# with AUTHD_URL=http://127.0.0.1:PORT and AUTHD_DB=TMP/authd.db exported and the binary's
# directory first on PATH (so the docs can say `authd admin ...`). The file's blocks run in order
# in one bash (-eEu -o pipefail) in that directory, so a variable set in one block is seen by the
# next, as in a reader's terminal. The first failing command stops the run, naming file, block and
# command. Processes the blocks start in the background are ended with the file's process group.
#
# Needs bash, curl, sqlite3 (apt-get install -y curl sqlite3).
set -euo pipefail

bin=${1:-}
if [[ -z $bin || ! -x $bin ]]; then
    echo "usage: $0 AUTHD_BIN [FILE.md ...]" >&2
    exit 2
fi
shift
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
root=$(cd "$(dirname "$0")/../.." && pwd)
for need in curl sqlite3 setsid; do
    command -v "$need" > /dev/null || { echo "$0: $need not found: skipped" >&2; exit 77; }
done

if (($# > 0)); then
    files=("$@")
else
    files=("$root/README.md")
    for f in "$root"/docs/*.md; do files+=("$f"); done
fi

# Writes the runnable blocks of a markdown file as one bash script, each block preceded by a line
# that names it (for the error message). README.md: only its "Walk-through with curl" section.
extract() { # extract FILE
    local file=$1 name
    name=${file#"$root"/}
    awk -v name="$name" -v readme="$([[ $(basename "$file") == README.md ]] && echo 1 || echo 0)" '
        BEGIN { in_section = !readme; block = 0; inside = 0 }
        /^## / && readme { in_section = ($0 == "## Walk-through with curl") }
        inside && /^```[ \t]*$/ { inside = 0; print "# --- end of block"; next }
        inside { print; next }
        /^```sh[ \t]*$/ && in_section {
            block++; inside = 1
            printf "__doc_block=%d; __doc_line=%d\n", block, NR
            next
        }
    ' "$file"
}

run_file() { # run_file FILE -> 0 if every block passed
    local file=$1 name tmp port='' pid rc blocks
    name=${file#"$root"/}
    tmp=$(mktemp -d /tmp/authd-docs-XXXXXX)
    extract "$file" > "$tmp/.blocks.sh"
    blocks=$(grep -c '^__doc_block=' "$tmp/.blocks.sh" || true)
    if ((blocks == 0)); then
        echo "  --   $name: no sh blocks"
        rm -rf "$tmp"
        return 0
    fi

    : > "$tmp/.authd.out"
    "$bin" --listen 127.0.0.1:0 --db "$tmp/authd.db" --insecure-cookies \
        > "$tmp/.authd.out" 2> "$tmp/.authd.log" &
    pid=$!
    for _ in $(seq 100); do
        port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/.authd.out")
        [[ -n $port ]] && break
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.1
    done
    if [[ -z $port ]]; then
        echo "  FAIL $name: authd did not start"
        cat "$tmp/.authd.log" >&2
        kill "$pid" 2> /dev/null || true
        wait "$pid" 2> /dev/null || true
        rm -rf "$tmp"
        return 1
    fi

    {
        echo 'set -eEu -o pipefail'
        echo "trap 'echo \"FAIL $name, block \$__doc_block (starting at line \$__doc_line): \$BASH_COMMAND (exit \$?)\" >&2' ERR"
        cat "$tmp/.blocks.sh"
    } > "$tmp/.run.sh"

    # The blocks run in their own session (process group), so that whatever they start in the
    # background is ended with it.
    set +e
    (
        cd "$tmp"
        export AUTHD_URL="http://127.0.0.1:$port" AUTHD_DB="$tmp/authd.db"
        PATH="$(dirname "$bin"):$PATH"
        export PATH
        exec setsid bash "$tmp/.run.sh"
    ) > "$tmp/.output" 2>&1 &
    local runner=$!
    wait "$runner"
    rc=$?
    set -e
    kill -- "-$runner" 2> /dev/null || true

    kill "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
    if ((rc != 0)); then
        echo "  FAIL $name ($blocks blocks), output:"
        sed 's/^/       | /' "$tmp/.output"
        echo "       authd's log (last lines):"
        tail -n 5 "$tmp/.authd.log" | sed 's/^/       | /'
        rm -rf "$tmp"
        return 1
    fi
    echo "  ok   $name ($blocks blocks)"
    [[ -n ${DOCS_VERBOSE:-} ]] && sed 's/^/       | /' "$tmp/.output"
    rm -rf "$tmp"
    return 0
}

# The tests docs/security.md names as proof (`Suite.Name`) must exist under tests/.
check_named_tests() {
    local doc=$root/docs/security.md t missing=0
    [[ -f $doc ]] || return 0
    for t in $(grep -oE "\`[A-Z][A-Za-z0-9]+\.[A-Z][A-Za-z0-9]+\`" "$doc" | tr -d "\`" | sort -u); do
        if ! grep -rqE "^(TEST|TEST_F|TEST_P|TYPED_TEST|TYPED_TEST_P)\(${t%%.*}, *${t#*.}\)" "$root/tests"; then
            echo "  FAIL docs/security.md names $t, which is not a test under tests/"
            missing=1
        fi
    done
    while read -r t; do
        [[ -f $root/$t ]] || { echo "  FAIL docs/security.md names $t, which does not exist"; missing=1; }
    done < <(grep -oE "tests/e2e/[a-z_]+\.mjs" "$doc" | sort -u)
    ((missing == 0)) && echo "  ok   docs/security.md: every test it names exists"
    return $missing
}

echo "# documented commands, run against $bin"
if (($# == 0)); then
    check_named_tests || exit 1
fi
for f in "${files[@]}"; do
    run_file "$f" || exit 1
done
echo "# every documented command ran"
