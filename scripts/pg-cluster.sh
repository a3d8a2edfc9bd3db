#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the committee's tests and benchmarks: Debian's
# PostgreSQL, run as a non-root user (PostgreSQL refuses root), listening only on a Unix socket in
# a fresh folder, password authentication (scram-sha-256) for every role. Prints the admin URL;
# `scripts/pg-cluster.sh stop DIR` stops it and removes the folder.
# Usage: url=$(scripts/pg-cluster.sh start)        # installs postgresql if it is missing
set -euo pipefail
action=${1:-start}
if [ "$action" = stop ]; then
    dir=$2
    runas=$(stat -c %U "$dir")
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$runas" -- "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
    else
        "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
    fi
    rm -rf "$dir"
    exit 0
fi
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    echo "安装 postgresql……" >&2
    apt-get install -y -q postgresql >/dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
dir=$(mktemp -d /tmp/zhibu-pg.XXXXXX)
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
printf '%s\n' "$password" > "$dir/pwfile"
run() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL will not run as root: the cluster belongs to an unprivileged user.
    runas=nobody
    chown -R "$runas" "$dir"
    run() { runuser -u "$runas" -- "$@"; }
fi
run "$bin/initdb" -D "$dir/data" -U zhibu_admin --pwfile="$dir/pwfile" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
rm -f "$dir/pwfile"
run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses='' -k $dir -c max_connections=60 -c fsync=off" start >/dev/null
echo "host=$dir user=zhibu_admin password=$password dbname=postgres"
