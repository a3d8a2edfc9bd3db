#!/usr/bin/env bash
# Runs the property tests that stand in for fuzzing (tests/tests/it/fuzz.rs: the CSV/Excel
# importer on arbitrary input, document model → .docx) with many more cases, for at most
# SECONDS seconds (default 300). A failure prints the minimal failing input: add it as a test.
# Usage: scripts/fuzz.sh [SECONDS] [CASES]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
export PROPTEST_CASES="${2:-50000}"
cargo build --locked -p tests --tests
timeout --preserve-status "$seconds" cargo test --locked -p tests --test it fuzz:: -- --test-threads=2 || {
    status=$?
    if [ "$status" -eq 143 ]; then echo "fuzz: time limit of ${seconds}s reached without a failure"; exit 0; fi
    exit "$status"
}
