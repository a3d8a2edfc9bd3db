#!/usr/bin/env bash
# The crash-safety test with a large count: a writer process is killed with SIGKILL at random
# moments (default 250 times); every record it reported as committed must survive, and the
# database must pass integrity_check each time. The test suite runs the same test with 25 kills.
# Usage: scripts/crash-test.sh [KILLS]
set -euo pipefail
cd "$(dirname "$0")/.."
export ZHIBU_CRASH_KILLS="${1:-250}"
cargo test --locked -p tests --test it safety::killed_writers_lose_no_committed_record -- --exact --nocapture
