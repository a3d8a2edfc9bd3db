#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the committee's tests and benchmarks: Debian's
# PostgreSQL, run as a non-root user (PostgreSQL refuses root), on a Unix socket in a fresh folder
# and on 127.0.0.1 with TLS only (a self-signed certificate made here; DIR/root.crt is what a
# client trusts, DIR/tls-port the port), password authentication (scram-sha-256) for every role.
# Prints the admin URL (the socket); `scripts/pg-cluster.sh stop DIR` stops it and removes the folder.
# Tests run with fsync off (a throwaway cluster); `start --durable` keeps it on, for benchmarks.
# `start --watch PID` stops and removes the cluster by itself once process PID has exited (the
# test binary starts its own cluster so, when ZHIBU_TEST_PG is not given).
# Usage: url=$(scripts/pg-cluster.sh start [--durable] [--watch PID])   # installs postgresql, openssl if missing
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
if ! command -v openssl >/dev/null 2>&1; then
    apt-get install -y -q openssl >/dev/null
fi
fsync=off
watch=
shift
while [ $# -gt 0 ]; do
    case $1 in
        --durable) fsync=on ;;
        --watch) watch=$2; shift ;;
        *) echo "未知参数：$1" >&2; exit 2 ;;
    esac
    shift
done
# A free TCP port for the TLS listener (nothing answers on it).
while :; do
    port=$((20000 + RANDOM % 40000))
    (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
done
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
# TCP only with TLS: every host line becomes hostssl.
sed -i 's/^host /hostssl /' "$dir/data/pg_hba.conf"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$dir/data/server.key" -out "$dir/data/server.crt" 2>/dev/null
cp "$dir/data/server.crt" "$dir/root.crt"
chmod 600 "$dir/data/server.key"
if [ "$(id -u)" -eq 0 ]; then
    chown "$runas" "$dir/data/server.key" "$dir/data/server.crt" "$dir/data/pg_hba.conf"
fi
echo "$port" > "$dir/tls-port"
run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=60 -c fsync=$fsync -c ssl=on" start >/dev/null
if [ -n "$watch" ]; then
    # Detached and with every descriptor closed, so whoever reads this script's output is not
    # kept waiting for the watcher.
    setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; exec "$2" stop "$3"' \
        watcher "$watch" "$(realpath "$0")" "$dir" </dev/null >/dev/null 2>&1 &
fi
echo "host=$dir port=$port user=zhibu_admin password=$password dbname=postgres"
