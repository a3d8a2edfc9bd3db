#!/usr/bin/env python3
"""Baseline for the duty-review benchmark: reads the same Zhibu database with sqlite3 and writes an
equivalent document with python-docx (title, opening, the 三会一课 table with required/held counts and
attendance, volunteer figures, the secretary's sections, the ballot table), the work a script-based
tool would do. Prints the seconds spent (interpreter start excluded) on the last line.

Usage: baseline_duty_review.py DB YEAR OUT_DIR [BRANCH_ID ...]   (no branch ids: every branch)
"""
import sqlite3
import sys
import time

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

KINDS = [("general_meeting", "支部党员大会", 4), ("committee_meeting", "支委会", 12), ("group_meeting", "党小组会", 12), ("party_lecture", "党课", 4)]


def font(run, name, size):
    run.font.name = name
    run.font.size = Pt(size)
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def paragraph(doc, text, name="仿宋_GB2312", size=16):
    p = doc.add_paragraph()
    font(p.add_run(text), name, size)
    return p


def review(db, year, branch, out_dir):
    name = db.execute("SELECT name FROM organizations WHERE id = ?", (branch,)).fetchone()[0]
    row = db.execute(
        "SELECT subject_id, ballots_excellent, ballots_good, ballots_fair, ballots_poor, voters_expected, voters_returned "
        "FROM duty_reviews WHERE branch_id = ? AND year = ?",
        (branch, year),
    ).fetchone()
    if row is None:
        return
    subject, excellent, good, fair, poor, expected, returned = row
    secretary = db.execute("SELECT name FROM members WHERE id = ?", (subject,)).fetchone()[0]
    doc = Document()
    title = doc.add_paragraph()
    font(title.add_run(f"{name}书记{year}年度抓基层党建工作述职报告"), "方正小标宋简体", 22)
    paragraph(doc, f"现将本人{year}年度履行抓基层党建工作第一责任人职责情况报告如下。")
    paragraph(doc, "一、履行职责情况", "黑体")
    table = doc.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ["会议类型", "应开次数", "实开次数", "平均出席率"]):
        font(cell.paragraphs[0].add_run(text), "仿宋_GB2312", 14)
    groups = db.execute("SELECT count(*) FROM organizations WHERE parent_id = ? AND kind = 'group'", (branch,)).fetchone()[0]
    for kind, label, per_year in KINDS:
        held = db.execute(
            "SELECT count(*) FROM meetings WHERE branch_id = ? AND kind = ? AND starts_at LIKE ?", (branch, kind, f"{year}-%")
        ).fetchone()[0]
        present, expected_rows = db.execute(
            "SELECT sum(a.presence = 'present'), count(*) FROM meeting_attendance a JOIN meetings m ON m.id = a.meeting_id "
            "WHERE m.branch_id = ? AND m.kind = ? AND m.starts_at LIKE ?",
            (branch, kind, f"{year}-%"),
        ).fetchone()
        required = per_year * (groups if kind == "group_meeting" else 1)
        rate = f"{(present or 0) * 100 / expected_rows:.1f}%" if expected_rows else "—"
        cells = table.add_row().cells
        for cell, text in zip(cells, [label, str(required), str(held), rate]):
            font(cell.paragraphs[0].add_run(text), "仿宋_GB2312", 14)
    count, hours = db.execute(
        "SELECT count(DISTINCT a.id), coalesce(sum(p.hours), 0) FROM volunteer_activities a "
        "JOIN volunteer_participants p ON p.activity_id = a.id JOIN members m ON m.id = p.member_id "
        "WHERE m.branch_id = ? AND a.date LIKE ?",
        (branch, f"{year}-%"),
    ).fetchone()
    paragraph(doc, f"全年组织志愿服务活动{count}次，累计服务{hours:.1f}小时。")
    for heading, body in db.execute(
        "SELECT s.heading, s.body FROM duty_review_sections s JOIN duty_reviews d ON d.id = s.review_id "
        "WHERE d.branch_id = ? AND d.year = ? ORDER BY s.position",
        (branch, year),
    ):
        paragraph(doc, heading, "黑体")
        paragraph(doc, body)
    paragraph(doc, f"述职人：{secretary}")
    valid = excellent + good + fair + poor
    ballots = doc.add_table(rows=1, cols=3)
    for cell, text in zip(ballots.rows[0].cells, ["测评等次", "票数", "占比"]):
        font(cell.paragraphs[0].add_run(text), "仿宋_GB2312", 14)
    for label, n in [("好", excellent), ("较好", good), ("一般", fair), ("差", poor)]:
        cells = ballots.add_row().cells
        for cell, text in zip(cells, [label, str(n), f"{n * 100 / max(valid, 1):.1f}%"]):
            font(cell.paragraphs[0].add_run(text), "仿宋_GB2312", 14)
    paragraph(doc, f"应参评人数{expected}人，实参评人数{returned}人，有效票数{valid}票。")
    doc.save(f"{out_dir}/baseline-{branch}.docx")


def main():
    db_path, year, out_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    started = time.perf_counter()
    db = sqlite3.connect(db_path)
    branches = [int(b) for b in sys.argv[4:]] or [r[0] for r in db.execute("SELECT id FROM organizations WHERE kind = 'branch' ORDER BY id")]
    for branch in branches:
        review(db, year, branch, out_dir)
    print(f"{time.perf_counter() - started:.6f}")


if __name__ == "__main__":
    main()
