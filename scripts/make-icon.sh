#!/usr/bin/env bash
# Draws the application icon from the bundled font: a white 支 on a Party-red rounded square.
# Writes app/assets/icon/zhibu.ico (16–256 px, for zhibu.exe's resource) and zhibu-256.png
# (the window icon). Run by hand after changing the design; the outputs are committed.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v convert >/dev/null || { echo "需要 ImageMagick（apt-get install imagemagick）" >&2; exit 1; }
font=app/assets/fonts/ZhibuSansSC-Subset.otf
out=app/assets/icon
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
convert -size 256x256 xc:none -fill '#C8102E' -draw 'roundrectangle 8,8 247,247 44,44' \
  -font "$font" -fill white -pointsize 190 -gravity center -annotate +0+4 '支' \
  -depth 8 "PNG32:$tmp/zhibu-256.png"
for size in 16 24 32 48 64 128; do
  convert "$tmp/zhibu-256.png" -resize ${size}x${size} -depth 8 "PNG32:$tmp/zhibu-$size.png"
done
convert "$tmp"/zhibu-{16,24,32,48,64,128,256}.png "$out/zhibu.ico"
cp "$tmp/zhibu-256.png" "$out/zhibu-256.png"
ls -l "$out"
