#!/usr/bin/env python3
"""Builds app/assets/fonts/ZhibuSansSC-Subset.otf, the UI font bundled into the binary.

Source: Noto Sans CJK SC (face 2 of Debian fonts-noto-cjk's NotoSansCJK-Regular.ttc), SIL OFL 1.1.
Kept: ASCII, Latin-1, general and CJK punctuation, full-width forms, every GB2312 character, every Chinese
character the repository's own text uses (UI strings, norms, demo names) and name characters GB2312 lacks.
The OFL asks a Modified Version not to use the original's name, so the subset is renamed "Zhibu Sans SC".
Run: pip install fonttools && python3 scripts/make-font.py  (the output is committed; CI does not rerun it).
"""
import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCE = pathlib.Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
OUT = ROOT / "app/assets/fonts/ZhibuSansSC-Subset.otf"
# Name characters outside GB2312 that office rosters contain (PITFALLS.md lists the first ones).
EXTRA = "喆堃昇珺瑄玥祎彧琍赟翀犇淼焱昊旻昱晟炜烨璟瑾琰琛瑶婧妍娴婷颖璐玮珏垚鑫鹏骞頔孃啰芃芮茜蒨堉珅燚淏旸皓晗"


def wanted() -> set[str]:
    chars = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x180)}
    chars |= {chr(c) for c in range(0x2000, 0x2070)}  # general punctuation
    chars |= {chr(c) for c in range(0x2100, 0x2200)}  # letterlike symbols, number forms, arrows
    chars |= {chr(c) for c in range(0x2460, 0x2800)}  # enclosed numbers, box drawing, shapes, stars
    chars |= {chr(c) for c in range(0x3000, 0x3040)}  # CJK symbols and punctuation
    chars |= {chr(c) for c in range(0xFF00, 0xFFF0)}  # full-width forms
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    chars |= set(EXTRA)
    sources = list((ROOT / "app/src").rglob("*.rs")) + list((ROOT.parent / "shared/domain").rglob("*.md"))
    for path in sources:
        chars |= {c for c in path.read_text(encoding="utf-8") if 0x4E00 <= ord(c) <= 0x9FFF}
    return chars


def main() -> int:
    font = TTCollection(str(SOURCE)).fonts[2]
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in wanted()])
    subsetter.subset(font)
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 16):
            record.string = "Zhibu Sans SC"
        elif record.nameID in (3, 4):
            record.string = "Zhibu Sans SC Regular (subset of Noto Sans CJK SC)"
        elif record.nameID == 6:
            record.string = "ZhibuSansSC-Regular"
    # CFF keeps its own copy of the PostScript name.
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = ["ZhibuSansSC-Regular"]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(OUT))
    print(f"{OUT.relative_to(ROOT)}: {len(font.getGlyphOrder())} glyphs, {OUT.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
