#!/usr/bin/env bash
# zhibu.exe for Windows office PCs. Cross-builds the release exe (x86_64-pc-windows-gnu with
# MinGW-w64), checks the PE file (GUI subsystem, icon and version resource, no MinGW DLLs needed),
# packs the release zip (dist/zhibu-VERSION-windows-x64.zip), then — when Wine is installable —
# runs the exe under Wine with a throwaway WINEPREFIX next to the Linux build on the same demo data:
#   demo into the default database (must land in %APPDATA%), compliance --json (byte-identical to
#   Linux), report for every reference template (same document model as Linux, .docx parts equal,
#   opens in LibreOffice), paths with Chinese characters and spaces, the plugin cache in
#   %LOCALAPPDATA%, a GBK CSV roster with CRLF line ends, and the window under Xvfb (the app's own
#   screenshot tour, plus a picture of the X screen when ImageMagick is there).
# Usage: scripts/windows.sh [LINUX_ZHIBU]   (default: builds the debug Linux binary)
# Installs gcc-mingw-w64-x86-64, wine and xvfb from Debian when missing. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target_dir="${CARGO_TARGET_DIR:-$root/target}"
triple=x86_64-pc-windows-gnu

apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
}
command -v x86_64-w64-mingw32-gcc >/dev/null || { echo "安装 gcc-mingw-w64-x86-64……"; apt_install gcc-mingw-w64-x86-64; }
rustup target list --installed | grep -qx "$triple" || rustup target add "$triple"

echo "== 交叉编译 zhibu.exe"
start=$(date +%s)
cargo build --release --locked --target "$triple" -p app
echo "编译用时：$(($(date +%s) - start)) 秒"
exe="$target_dir/$triple/release/zhibu.exe"

echo "== 检查 zhibu.exe"
headers=$(x86_64-w64-mingw32-objdump -p "$exe")
grep -q "Subsystem.*(Windows GUI)" <<<"$headers" || { echo "zhibu.exe 不是 GUI 程序（会弹出控制台窗口）" >&2; exit 1; }
# Only DLLs every Windows 10 has: a MinGW runtime DLL (libgcc_s, libwinpthread, libstdc++) would
# make the exe fail to start on an office PC that has only zhibu.exe.
dlls=$(awk '/DLL Name:/ {print $3}' <<<"$headers" | sort -u)
if grep -Eiq '^(libgcc|libwinpthread|libstdc|libssp)' <<<"$dlls"; then
    echo "zhibu.exe 依赖 MinGW 运行库：" $dlls >&2
    exit 1
fi
# The version resource and the icon (windres decompiles the exe's resources).
resources=$(x86_64-w64-mingw32-windres --input-format=coff -i "$exe" -O rc 2>/dev/null || true)
version=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"]=="app"))')
for want in "ICON" "VERSIONINFO" "OriginalFilename\", \"zhibu.exe\"" "ProductVersion\", \"$version\""; do
    grep -q "$want" <<<"$resources" || { echo "zhibu.exe 的资源中缺少：$want" >&2; exit 1; }
done
echo "zhibu.exe：$(stat -c %s "$exe") 字节，GUI 子系统，依赖：" $dlls

echo "== 打包"
mkdir -p dist
zip="dist/zhibu-$version-windows-x64.zip"
python3 - "$exe" packaging/windows/README.txt app/assets/fonts/OFL.txt "$zip" <<'EOF'
# The release zip: ASCII names (Explorer of older Windows 10 builds garbles UTF-8 names), text files
# as UTF-8 with BOM and CRLF so Notepad shows the Chinese on every Windows 10.
import sys, zipfile
exe, readme, licence, out = sys.argv[1:]
def text(path):
    data = open(path, encoding="utf-8").read().replace("\r\n", "\n").replace("\n", "\r\n")
    return "\ufeff".encode() + data.encode("utf-8")
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.write(exe, "zhibu/zhibu.exe")
    z.writestr("zhibu/README.txt", text(readme))
    z.writestr("zhibu/OFL.txt", text(licence))
EOF
echo "$zip：$(stat -c %s "$zip") 字节"

if ! command -v wine >/dev/null; then
    echo "安装 wine……"
    if ! apt_install wine wine64; then
        # A check that cannot run has not passed.
        echo "Wine 检查失败：本机无法安装 Debian 的 wine 软件包（apt-get install wine wine64）。" >&2
        exit 1
    fi
fi
command -v Xvfb >/dev/null || apt_install xvfb xauth

linux="${1:-}"
if [ -z "$linux" ]; then
    cargo build -q --locked -p app
    linux="$target_dir/debug/zhibu"
fi
[ -x "$linux" ] || { echo "找不到 Linux 版 zhibu：$linux" >&2; exit 1; }
linux=$(realpath "$linux")

work=$(mktemp -d)
display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
cleanup() {
    kill "$xvfb" 2>/dev/null || true
    wineserver -k 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
export DISPLAY=":$display" WINEPREFIX="$work/wineprefix" WINEDEBUG=-all WINEARCH=win64
# No Mono/Gecko download prompts in a throwaway prefix (there is no network, and zhibu needs neither).
export WINEDLLOVERRIDES="mscoree=;mshtml="
# The Linux side keeps its data away from the caller's home.
export XDG_DATA_HOME="$work/linux-data" XDG_CACHE_HOME="$work/linux-cache"
wineboot --init >/dev/null 2>&1
wineserver -w
# Wine before 9 has no bcryptprimitives.dll, which Rust-built exes import (see the shim's comment).
system32="$WINEPREFIX/drive_c/windows/system32"
if [ ! -e "$system32/bcryptprimitives.dll" ]; then
    echo "Wine $(wine --version 2>/dev/null) 缺少 bcryptprimitives.dll：在测试用前缀中放入 scripts/wine 的替代品"
    x86_64-w64-mingw32-gcc -O2 -shared -o "$system32/bcryptprimitives.dll" scripts/wine/bcryptprimitives.c -ladvapi32
fi

status=0
fail() {
    echo "失败：$*" >&2
    status=1
}
win() { wine "$exe" "$@"; }
winpath() { winepath -w "$1" 2>/dev/null; }
# Folders with Chinese characters and spaces, as on a secretary's desktop.
docs="$work/支部 文档"
mkdir -p "$docs/Linux" "$docs/Windows"

echo "== Wine：演示数据写入 %APPDATA%"
win demo --last-year 2025 >/dev/null
appdata_db=$(find "$WINEPREFIX/drive_c/users" -path '*/AppData/Roaming/Zhibu/zhibu/data/zhibu.db' | head -n 1)
if [ -z "$appdata_db" ]; then
    fail "演示数据没有写入 %APPDATA%\\Zhibu\\zhibu\\data\\zhibu.db"
    appdata_db="$work/missing.db"
else
    echo "数据库：${appdata_db#"$WINEPREFIX/drive_c/"}"
fi
"$linux" demo --db "$work/linux.db" --last-year 2025 >/dev/null
cp "$appdata_db" "$docs/演示 数据.db"
windb=$(winpath "$docs/演示 数据.db")

echo "== Wine：compliance --json"
"$linux" compliance --db "$work/linux.db" --year 2025 --json >"$work/linux.json"
win compliance --year 2025 --json >"$work/windows.json"
win compliance --db "$windb" --year 2025 --json >"$work/windows-path.json"
for json in windows windows-path; do
    if cmp -s "$work/linux.json" "$work/$json.json"; then
        echo "$json.json 与 Linux 逐字节相同（$(stat -c %s "$work/linux.json") 字节）"
    else
        fail "$json.json 与 Linux 的 compliance 输出不同"
        diff <(head -c 2000 "$work/linux.json") <(head -c 2000 "$work/$json.json") | head -n 20 >&2 || true
    fi
done
if [ ! -s "$work/linux.json" ]; then fail "Linux 的 compliance 输出为空"; fi

echo "== Wine：每个参考模板的报表"
at=2026-01-05T10:00:00
templates=(
    "述职评议|--template duty-review --param branch=3 --param year=2025"
    "星级评定公示|--template star-rating --param year=2025 --param contact_phone=0570-8881234"
    "会议记录|--template meeting-minutes --param branch=3 --param year=2025 --param month=3"
    "志愿服务证明|--template volunteer-certificate --param year=2025 --param member=20"
    "选举结果报告|--template election-report --param branch=6 --param year=2024 --param date=2024-11-29"
    "民主评议党员结果|--template appraisal-results --param branch=3 --param year=2025"
    "党费收缴公示|--template dues-report --param branch=3 --param year=2025 --param quarter=4"
    "双报到情况反馈|--template dual-registration-feedback --param branch=3 --param year=2025 --param quarter=2"
)
for entry in "${templates[@]}"; do
    name=${entry%%|*}
    read -ra args <<<"${entry#*|}"
    "$linux" report --db "$work/linux.db" --generated-at "$at" "${args[@]}" --out "$docs/Linux/$name.json" --json >/dev/null
    "$linux" report --db "$work/linux.db" --generated-at "$at" "${args[@]}" --out "$docs/Linux/$name.docx" >/dev/null
    win report --db "$windb" --generated-at "$at" "${args[@]}" --out "$(winpath "$docs/Windows/$name.json")" --json >/dev/null
    win report --generated-at "$at" "${args[@]}" --out "$(winpath "$docs/Windows/$name.docx")" >/dev/null
    if ! cmp -s "$docs/Linux/$name.json" "$docs/Windows/$name.json"; then
        fail "$name：文档模型与 Linux 不同"
    elif ! python3 - "$docs/Linux/$name.docx" "$docs/Windows/$name.docx" <<'EOF'; then
# Equivalent documents: the same parts with the same bytes (the zip's own timestamps may differ).
import sys, zipfile
a, b = (zipfile.ZipFile(p) for p in sys.argv[1:])
names = sorted(a.namelist())
if names != sorted(b.namelist()):
    sys.exit(f"parts differ: {names} vs {sorted(b.namelist())}")
different = [n for n in names if a.read(n) != b.read(n)]
if different:
    sys.exit(f"parts with different content: {different}")
EOF
        fail "$name：Word 文件内容与 Linux 不同"
    else
        echo "$name：文档模型和 Word 文件各部分与 Linux 相同"
    fi
done
# LibreOffice opens the exe's documents (when it is installed, as in .ci/run).
if command -v soffice >/dev/null; then
    profile="$work/lo-profile"
    soffice -env:UserInstallation="file://$profile" --headless --convert-to pdf --outdir "$docs/Windows" \
        "$docs"/Windows/*.docx >/dev/null 2>&1 || true
    for docx in "$docs"/Windows/*.docx; do
        pdf="${docx%.docx}.pdf"
        pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
        if [ -z "$pages" ] || [ "$pages" -lt 1 ]; then
            fail "LibreOffice 打不开 $(basename "$docx")"
        else
            echo "$(basename "$docx")：LibreOffice 转出 $pages 页"
        fi
    done
else
    echo "跳过 LibreOffice 打开检查：没有安装 LibreOffice。"
fi
cache=$(find "$WINEPREFIX/drive_c/users" -path '*/AppData/Local/Zhibu/zhibu/cache/components/*' -type f | wc -l)
if [ "$cache" -lt 1 ]; then fail "插件编译缓存不在 %LOCALAPPDATA%\\Zhibu\\zhibu\\cache"; else echo "插件编译缓存：%LOCALAPPDATA% 下 $cache 个文件"; fi

echo "== Wine：GBK、CRLF 的 CSV 名册"
python3 - "$docs/新 名册.csv" <<'EOF'
# Two new members as Excel on Chinese Windows saves them: GBK, no BOM, CRLF line ends.
import sys
weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def id_number(body):
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
rows = [
    "姓名,性别,身份证号,联系电话,党员状态,入党时间,转正时间",
    f"郑文华,女,{id_number('33078419860412002')},13905790001,正式党员,2010-07-01,2011-07-01",
    f"何建国,男,{id_number('33078419790930003')},13905790002,正式党员,2003-06-28,2004-06-28",
]
open(sys.argv[1], "wb").write(("\r\n".join(rows) + "\r\n").encode("gbk"))
EOF
cp "$work/linux.db" "$work/linux-import.db"
"$linux" import members --db "$work/linux-import.db" --file "$docs/新 名册.csv" --branch 3 --operator 检查 >"$work/linux-import.txt"
win import members --db "$windb" --file "$(winpath "$docs/新 名册.csv")" --branch 3 --operator 检查 >"$work/windows-import.txt"
if diff <(tr -d '\r' <"$work/linux-import.txt") <(tr -d '\r' <"$work/windows-import.txt") >/dev/null &&
    grep -q "新增2" "$work/windows-import.txt"; then
    echo "名册导入：$(tr -d '\r' <"$work/windows-import.txt" | tail -n 1)"
else
    fail "名册导入的结果与 Linux 不同"
    cat "$work/linux-import.txt" "$work/windows-import.txt" >&2
fi

echo "== Wine：备份与恢复"
# Windows will not flush through a read-only handle nor rename over an open file: both bit here once.
backup="$docs/备份 2025/支部 数据.db"
mkdir -p "$(dirname "$backup")"
win compliance --db "$windb" --year 2025 --json >"$work/windows-backed-up.json"
win backup --db "$windb" --out "$(winpath "$backup")" >/dev/null
win restore --db "$windb" --from "$(winpath "$backup")" >"$work/restore.txt"
kept=$(find "$docs" -maxdepth 1 -name '演示 数据.db.replaced-*' | wc -l)
win compliance --db "$windb" --year 2025 --json >"$work/windows-restored.json"
if [ "$kept" -eq 1 ] && cmp -s "$work/windows-backed-up.json" "$work/windows-restored.json"; then
    echo "备份到带空格的中文路径、再恢复：数据相同，被替换的文件已保留"
else
    fail "备份与恢复：被替换的文件 $kept 个，或恢复后的数据不同"
    cat "$work/restore.txt" >&2
fi
# Outside the data folder (a USB stick) the backup is encrypted with a passphrase, and restoring
# it takes the same passphrase.
stick="$work/U盘"
mkdir -p "$stick"
printf '李书记的备份口令\n' >"$work/口令.txt"
win backup --db "$windb" --out "$(winpath "$stick/加密 备份.db")" --passphrase-file "$(winpath "$work/口令.txt")" >/dev/null
win restore --db "$windb" --from "$(winpath "$stick/加密 备份.db")" --passphrase-file "$(winpath "$work/口令.txt")" \
    >"$work/restore-encrypted.txt"
win compliance --db "$windb" --year 2025 --json >"$work/windows-restored-encrypted.json"
if head -c 21 "$stick/加密 备份.db" | grep -q "age-encryption.org/v1" &&
    cmp -s "$work/windows-backed-up.json" "$work/windows-restored-encrypted.json"; then
    echo "加密备份到U盘、用口令恢复：数据相同"
else
    fail "加密备份与恢复：文件未加密，或恢复后的数据不同"
    cat "$work/restore-encrypted.txt" >&2
fi

echo "== Wine：控制台输出"
# Typed into cmd.exe inside a console (a pseudo-terminal here), the GUI-subsystem exe attaches to
# that console to print.
printed=$(cd "$(dirname "$exe")" && timeout 120 script -qc 'wine cmd /c "zhibu.exe --version"' /dev/null | tr -d '\r' || true)
if grep -q "zhibu $version" <<<"$printed"; then echo "cmd 中的 zhibu.exe --version：zhibu $version"; else fail "cmd 中运行 zhibu.exe --version 没有输出"; fi

echo "== Wine + Xvfb：窗口"
shots="$target_dir/wine-screenshots"
rm -rf "$shots" && mkdir -p "$shots"
# A database reaching this year, so the dashboard has something to show.
win demo --db "$(winpath "$docs/窗口.db")" --last-year "$(date +%Y)" >/dev/null
guidb=$(winpath "$docs/窗口.db")
# The app's own tour draws every screen and saves what it drew; the window uses the bundled font.
timeout 300 wine "$exe" --db "$guidb" --operator 截图 --screenshots "$(winpath "$shots")" 2>&1 | grep -v '^$' || true
count=0
for png in "$shots"/*.png; do
    [ -e "$png" ] || continue
    size=$(stat -c %s "$png")
    if [ "$size" -lt 20000 ]; then fail "截图几乎是空白：$png（$size 字节）"; fi
    count=$((count + 1))
done
if [ "$count" -ne 19 ]; then fail "Wine 下应有 19 张截图，实际 $count 张"; fi
# A picture of the whole X screen with Wine's window frame, taken while the window is open.
if command -v import >/dev/null; then
    wine "$exe" --db "$guidb" --operator 截图 >/dev/null 2>&1 &
    window=$!
    sleep 25
    import -window root "$shots/wine-screen.png" && echo "X 屏幕截图：$shots/wine-screen.png"
    wineserver -k 2>/dev/null || true
    wait "$window" 2>/dev/null || true
fi
echo "Wine 下的截图：$shots（$count 张）"
exit $status
