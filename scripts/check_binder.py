#!/usr/bin/env python3
"""Checks the PDF LibreOffice made from the year binder (year-binder, a Word-file template):

  - its table of contents is filled: one entry per heading, each with a dot leader and a page;
  - every entry's heading is in the document after the contents, in the entries' order;
  - the page numbers in the footers run on from the cover to the last page (— 2 — … — N —);
  - the contents' page numbers (an estimate written inside the plugin, which Word and WPS
    recompute on opening) are within one page of where the headings print; how many are exact is
    printed (the estimate cannot see LibreOffice's line breaking, so it is reported, not required).

Usage: check_binder.py FILE.pdf. Prints what it found and exits 1 on a problem.
"""
import re
import subprocess
import sys


def main():
    pdf = sys.argv[1]
    info = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True, text=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    pages = [
        subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), pdf, "-"], check=True, capture_output=True, text=True).stdout
        for i in range(1, count + 1)
    ]
    problems = []
    entries, last_contents = [], 0
    for number, text in enumerate(pages, 1):
        for line in text.splitlines():
            m = re.match(r"\s*(.+?)\s*\.{4,}\s*(\d+)\s*$", line)
            if m:
                entries.append((m.group(1).replace(" ", ""), int(m.group(2))))
                last_contents = number
    if len(entries) < 9:
        problems.append(f"table of contents has {len(entries)} entries, expected every section and meeting")
    # Footers: — n — on every page but the cover.
    for number, text in enumerate(pages[1:], 2):
        footer = [l.strip() for l in text.splitlines() if l.strip()][-1:]
        if [re.sub(r"\s+", "", f) for f in footer] != [f"—{number}—"]:
            problems.append(f"page {number}: footer {footer}, expected — {number} —")
    # Each heading after the contents, in order, on the page its entry says.
    exact, off_by_one, position = 0, 0, last_contents
    for title, page in entries:
        found = None
        for number in range(position, count + 1):
            lines = [l.strip().replace(" ", "") for l in pages[number - 1].splitlines()]
            if title in lines and number > last_contents:
                found = number
                break
        if found is None:
            problems.append(f"heading not found after the contents: {title}")
            continue
        position = found
        if found == page:
            exact += 1
        elif abs(found - page) == 1:
            off_by_one += 1
        else:
            problems.append(f"contents say page {page} for {title}, it prints on page {found}")
    for p in problems:
        print(f"{pdf}: {p}")
    print(
        f"{pdf}: {count} pages, {len(entries)} contents entries ({exact} on the exact page, {off_by_one} one page off), "
        f"{'ok' if not problems else str(len(problems)) + ' problems'}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
