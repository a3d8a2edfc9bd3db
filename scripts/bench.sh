#!/usr/bin/env bash
# Reproduces BENCHMARKS.md: installs the Python baseline's dependency (python-docx) and Xvfb for the
# window's start-up figures (and time(1) for peak memory), builds the release binary, and runs the benchmark target, which builds
# the 50-branch demo set once and writes the markdown table; then the committee's benchmark
# (2,000 branches into a throwaway PostgreSQL cluster, scripts/pg-cluster.sh), then the build times
# (scripts/build-times.sh: fresh builds in throwaway target directories, most of an hour).
# `--no-build-times` leaves them out.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -r benchmarks/requirements.txt
if ! command -v xvfb-run > /dev/null; then
    apt-get install -y -q xvfb xauth > /dev/null
fi
# Peak resident memory of the window and of the output-limit export.
[ -x /usr/bin/time ] || apt-get install -y -q time > /dev/null
cargo build --release --locked -p app
export ZHIBU_BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/zhibu"
cargo bench --locked -p tests --bench zhibu -- --out BENCHMARKS.md
ZHIBU_TEST_PG=$(scripts/pg-cluster.sh start --durable)
export ZHIBU_TEST_PG
pg_dir=$(printf '%s' "$ZHIBU_TEST_PG" | sed -n 's/^host=\([^ ]*\) .*/\1/p')
trap 'scripts/pg-cluster.sh stop "$pg_dir"' EXIT
cargo bench --locked -p tests --bench committee -- --append BENCHMARKS.md
if [ "${1:-}" != "--no-build-times" ]; then
    scripts/build-times.sh >> BENCHMARKS.md
fi
