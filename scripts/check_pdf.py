#!/usr/bin/env python3
"""Checks a PDF that LibreOffice made from one of Zhibu's .docx files against GB/T 9704.

Usage: check_pdf.py FILE.docx FILE.pdf [--landscape] [--plain]

Reads word boxes from `pdftotext -bbox-layout` and checks, page by page:
  - every page has text (no blank pages) and the document title is extractable (CJK glyphs present);
  - body lines (16 pt) are at most 22 a page and at most 28 characters a line (a half-width
    character counts one half), and their pitch is 28.95 pt, which puts 22 lines on a full page;
  - text stays inside the type area, and the left and right edges of body text sit within 1 mm of
    the margins (28 mm left, 26 mm right) on portrait pages.
Prints one line per problem and exits 1 if there is any.
"""
import re
import subprocess
import sys
import html
import zipfile

MM = 72 / 25.4


def lines_of(pdf):
    out = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], check=True, capture_output=True, text=True).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        width, height, body = float(page.group(1)), float(page.group(2)), page.group(3)
        lines = []
        for line in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', body, re.S):
            words = [html.unescape(w) for w in re.findall(r'<word [^>]*>(.*?)</word>', line.group(5), re.S)]
            x0, y0, x1, y1 = (float(line.group(i)) for i in range(1, 5))
            lines.append({"x0": x0, "y0": y0, "x1": x1, "y1": y1, "text": "".join(words)})
        pages.append({"width": width, "height": height, "lines": lines})
    return pages


def width_in_chars(text):
    return sum(0.5 if ord(c) < 0x2E80 else 1 for c in text)


def main():
    docx, pdf = sys.argv[1], sys.argv[2]
    core = zipfile.ZipFile(docx).read("docProps/core.xml").decode("utf-8")
    title = html.unescape(re.search(r"<dc:title>(.*?)</dc:title>", core, re.S).group(1))
    landscape = "--landscape" in sys.argv
    plain = "--plain" in sys.argv
    problems = []
    pages = lines_of(pdf)
    text = subprocess.run(["pdftotext", pdf, "-"], check=True, capture_output=True, text=True).stdout
    if "\ufffd" in text:
        problems.append("text has replacement characters (missing glyphs)")
    squeezed = re.sub(r"\s+", "", text)
    if re.sub(r"\s+", "", title) not in squeezed:
        problems.append(f"title not found in the PDF text: {title}")
    lefts = []
    for number, page in enumerate(pages, 1):
        body = [l for l in page["lines"] if l["y0"] < page["height"] - 30 * MM]  # above the page number
        if not body:
            problems.append(f"page {number}: blank")
            continue
        if landscape or plain:
            continue
        # Body lines: 16 pt text, whose boxes are about 21 pt high (14 pt table text: about 18 pt).
        body_lines = [l for l in body if 19.5 <= l["y1"] - l["y0"] <= 22.5]
        if len(body_lines) > 22:
            problems.append(f"page {number}: {len(body_lines)} body lines, more than 22")
        for l in body_lines:
            if width_in_chars(l["text"]) > 28.01:
                problems.append(f"page {number}: line of {width_in_chars(l['text'])} characters: {l['text']}")
        if not body_lines:
            continue
        left = min(l["x0"] for l in body_lines)
        # Chinese typesetting lets one closing punctuation mark hang past the margin (标点悬挂).
        hang = lambda l: 16 / 72 * 25.4 * MM if l["text"][-1:] in "，。；：、！？”’）》" else 0
        right = max(l["x1"] - hang(l) for l in body_lines)
        top = min(l["y0"] for l in body)
        bottom = max(l["y1"] for l in body)
        if left < 28 * MM - 1 * MM:
            problems.append(f"page {number}: text starts at {left / MM:.1f} mm, left of the 28 mm margin")
        lefts.append(left)
        if right > page["width"] - 26 * MM + 1 * MM:
            problems.append(f"page {number}: text reaches {right / MM:.1f} mm, past the right margin at {(page['width'] / MM) - 26:.1f} mm")
        justified = [l for l in body_lines if width_in_chars(l["text"]) >= 27]
        # A closing mark may also stay inside the margin (the line was set without hanging it): the
        # line ends at the mark then, not one character before it.
        margin = page["width"] - 26 * MM
        ends = [l["x1"] if l["x1"] <= margin + 1 * MM else l["x1"] - hang(l) for l in justified]
        if ends and abs(max(ends) - (page["width"] - 26 * MM)) > 1 * MM:
            problems.append(f"page {number}: full lines end at {max(ends) / MM:.1f} mm, not at the right margin")
        if top < 37 * MM - 1 * MM or bottom > page["height"] - 35 * MM + 1 * MM:
            problems.append(f"page {number}: text from {top / MM:.1f} to {bottom / MM:.1f} mm leaves the type area (37–262 mm)")
        # Line pitch between consecutive body lines of running text.
        pitches = [b["y0"] - a["y0"] for a, b in zip(body_lines, body_lines[1:]) if 20 < b["y0"] - a["y0"] < 40]
        if pitches:
            common = max(set(round(p, 1) for p in pitches), key=[round(p, 1) for p in pitches].count)
            if abs(common - 28.95) > 0.3:
                problems.append(f"page {number}: body line pitch {common} pt, not 28.95 pt (22 lines a page)")
    # Running text somewhere in the document starts exactly at the left margin.
    if lefts and abs(min(lefts) - 28 * MM) > 1 * MM:
        problems.append(f"body text starts at {min(lefts) / MM:.1f} mm at the leftmost, not 28 mm")
    for p in problems:
        print(f"{pdf}: {p}")
    print(f"{pdf}: {len(pages)} pages, {'ok' if not problems else str(len(problems)) + ' problems'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
