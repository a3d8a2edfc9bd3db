#!/usr/bin/env bash
# Measures what a contributor waits for, each from an empty target directory of its own (so the
# figures are a fresh machine's, whatever CARGO_TARGET_DIR holds): the release build of the app,
# the build of every test, and the time from touching a file of the store to a finished
# `cargo test -p zhibu-core` versus a finished `cargo test --workspace` (one run, so the ratio
# compares like with like). Prints a markdown section; `scripts/bench.sh` appends it to
# BENCHMARKS.md. Takes most of an hour on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b - a }'; }
minutes() { awk -v s="$1" 'BEGIN { printf "%d min %02d s", s / 60, s % 60 }'; }

# Downloads are not build time.
cargo fetch --locked > /dev/null

start=$(now)
CARGO_TARGET_DIR="$work/release" cargo build --release --locked -p app > "$work/release.log" 2>&1
release=$(seconds "$start" "$(now)")
rm -rf "$work/release"

start=$(now)
CARGO_TARGET_DIR="$work/test" cargo test --workspace --locked --no-run > "$work/test-build.log" 2>&1
test_build=$(seconds "$start" "$(now)")

# One edit in the store, then the core's tests; the same edit, then every test. Both are built once
# first: `-p zhibu-core` builds the crate without the features the workspace unifies in, a one-off.
export CARGO_TARGET_DIR="$work/test"
cargo test --locked -p zhibu-core --no-run > /dev/null 2>&1
touch zhibu-core/src/store/mod.rs
start=$(now)
cargo test --locked -p zhibu-core > "$work/core.log" 2>&1
core=$(seconds "$start" "$(now)")
core_tests=$(grep -o '[0-9]* passed' "$work/core.log" | awk '{ n += $1 } END { print n }')
touch zhibu-core/src/store/mod.rs
start=$(now)
cargo test --workspace --locked > "$work/workspace.log" 2>&1
workspace=$(seconds "$start" "$(now)")
workspace_tests=$(grep -o '[0-9]* passed' "$work/workspace.log" | awk '{ n += $1 } END { print n }')
ratio=$(awk -v a="$core" -v b="$workspace" 'BEGIN { printf "%.1f", b / (a > 0 ? a : 1) }')
met_test=$([ "$test_build" -le 1200 ] && echo yes || echo '**no**')

cat <<EOF

## Build times

Machine: $(nproc) cores. Date: $(date +%F). Command: \`scripts/build-times.sh\` (each build from an empty
target directory; crates already downloaded).

| what | time | baseline | ratio | target | met |
|---|---|---|---|---|---|
| fresh \`cargo build --release -p app\` | $(minutes "$release") | — | — | — | — |
| fresh \`cargo test --workspace --no-run\` (every test built) | $(minutes "$test_build") | — | — | ≤ 20 min | $met_test |
| touch \`zhibu-core/src/store/mod.rs\` → \`cargo test -p zhibu-core\` done ($core_tests tests) vs → \`cargo test --workspace\` done ($workspace_tests tests) | $(minutes "$core") | $(minutes "$workspace") (workspace) | ${ratio}× | — | — |
EOF
