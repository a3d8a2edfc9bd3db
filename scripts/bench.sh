#!/usr/bin/env bash
# Reproduces BENCHMARKS.md: installs the Python baseline's dependency (python-docx) and runs the
# benchmark target, which builds the 50-branch demo set once and writes the markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -r benchmarks/requirements.txt
cargo bench --locked -p tests --bench zhibu -- --out BENCHMARKS.md
