#!/bin/sh
# The container's entrypoint: put the bundled database on the volume the first time, then start the app.
#
# IPMD_DB       the database the app serves (on the volume; default /data/ipmd.duckdb)
# IPMD_SEED_DB  the database shipped in the image, copied to IPMD_DB only when there is none yet
#
# An existing database (an imported ledger) is never overwritten. Several replicas may start at once on
# one empty shared volume: each copies to its own temporary file and moves it into place without
# replacing a file already there, so the first copy wins and the others are discarded.
set -eu

IPMD_DB="${IPMD_DB:-/data/ipmd.duckdb}"
IPMD_SEED_DB="${IPMD_SEED_DB:-/app/data/ipmd.duckdb}"
export IPMD_DB

if [ ! -e "$IPMD_DB" ]; then
    dir=$(dirname "$IPMD_DB")
    if ! mkdir -p "$dir" 2>/dev/null || [ ! -w "$dir" ]; then
        echo "ipmd: cannot write to $dir (the database volume); give user $(id -u) write access to it" >&2
        exit 1
    fi
    if [ ! -f "$IPMD_SEED_DB" ]; then
        echo "ipmd: no database at $IPMD_DB and no bundled database at $IPMD_SEED_DB" >&2
        exit 1
    fi
    tmp="$IPMD_DB.seed.$$"
    cp "$IPMD_SEED_DB" "$tmp"
    mv -n "$tmp" "$IPMD_DB"
    if [ -e "$tmp" ]; then
        rm -f "$tmp"
        echo "ipmd: another replica put the database at $IPMD_DB first; keeping it"
    else
        echo "ipmd: first start: copied the bundled database to $IPMD_DB"
    fi
fi

exec "$@"
