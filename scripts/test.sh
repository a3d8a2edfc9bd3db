#!/usr/bin/env bash
# The README's test command: installs the Debian packages the tests need when they are missing
# (a C compiler for the bundled SQLite, OpenSSL's headers for the committee client's TLS,
# PostgreSQL for the committee's tests, which start their own throwaway cluster), then runs every
# test of the workspace. `.ci/run` calls this same script. Extra arguments go to cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v cc > /dev/null 2>&1 || need+=(build-essential)
command -v pkg-config > /dev/null 2>&1 || need+=(pkg-config)
dpkg -s libssl-dev > /dev/null 2>&1 || need+=(libssl-dev)
ls /usr/lib/postgresql/*/bin/pg_ctl > /dev/null 2>&1 || need+=(postgresql)
command -v openssl > /dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
    echo "安装测试所需的软件包：${need[*]}" >&2
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
fi
# The toolchain, components and targets pinned in rust-toolchain.toml.
rustup toolchain install > /dev/null
exec cargo test --workspace --locked "$@"
