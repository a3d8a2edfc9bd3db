#!/usr/bin/env bash
# Starts the real window under Xvfb on a demo database and saves a screenshot of every screen
# (the app's own --screenshots tour), then checks that each picture was written and is not blank.
# Usage: scripts/screenshots.sh [OUT_DIR]   (default: target/screenshots)
# Installs xvfb (Debian) when it is missing; uses the debug build unless ZHIBU_BIN names another.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-${CARGO_TARGET_DIR:-target}/screenshots}"
if ! command -v xvfb-run >/dev/null; then
    echo "安装 xvfb……"
    apt-get install -y -q xvfb xauth >/dev/null
fi
bin="${ZHIBU_BIN:-}"
if [ -z "$bin" ]; then
    cargo build -q -p app
    bin="${CARGO_TARGET_DIR:-target}/debug/zhibu"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache"
"$bin" demo --db "$work/zhibu.db" --branches "${BRANCHES:-6}" --last-year "$(date +%Y)" >/dev/null
rm -rf "$out" && mkdir -p "$out"
# The tour prints the time to the first frame; keep it for the notes.
xvfb-run -a -s "-screen 0 1366x768x24" "$bin" --db "$work/zhibu.db" --operator 截图 --screenshots "$out" 2>&1 \
    | grep -v XDG_RUNTIME_DIR || true
count=0
for png in "$out"/*.png; do
    size=$(stat -c %s "$png")
    # A blank 1280x760 window compresses to a few KB; a drawn screen is far larger.
    if [ "$size" -lt 20000 ]; then
        echo "截图几乎是空白：$png（$size 字节）" >&2
        exit 1
    fi
    count=$((count + 1))
done
if [ "$count" -ne 19 ]; then
    echo "应有 19 张截图，实际 $count 张：$out" >&2
    exit 1
fi
echo "已保存 $count 张截图：$out"
