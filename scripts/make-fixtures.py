#!/usr/bin/env python3
"""Writes the roster fixtures in tests/fixtures/ the way county offices' files look, and has
LibreOffice save the spreadsheet as a real Excel 97-2003 .xls (BIFF) and .xlsx.

Usage: python3 scripts/make-fixtures.py   (needs LibreOffice Calc: Debian's libreoffice-calc)

The rows are the same in every file: a title row merged across the table, a two-row header
(group titles over some columns, 序号 and 姓名 merged down), 序号, dates written 1985.03 / 2010.7 /
2010年7月 / 198503 or stored as an Excel serial, no status column (转正时间 and 备注 tell it),
学历, 工作单位及职务, 籍贯, 备注, a landline, a full-width ID number, a name spaced out to line up,
汉 for 汉族, a blank line, a 合计 row and a 制表人/审核人/填表日期 footer; the roster is the second sheet.
"""
import os
import subprocess
import tempfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures")


def id_number(body17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body17 + "10X98765432"[sum(int(c) * w for c, w in zip(body17, weights)) % 11]


def full_width(text):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


TITLE = "金山社区党支部党员花名册（2026年3月）"
GROUPS = [("序号", 1, 2), ("姓  名", 1, 2), ("基本信息", 5, 1), ("入党情况", 2, 1), ("工作单位及职务", 1, 2),
          ("籍贯", 1, 2), ("联系电话", 1, 2), ("备注", 1, 2)]
FIELDS = ["", "", "性别", "民族", "出生年月", "公民身份号码", "学历", "入党时间", "转正时间", "", "", "", ""]

# (序号, 姓名, 性别, 民族, 出生年月, 身份证号, 学历, 入党时间, 转正时间, 工作单位及职务, 籍贯, 电话, 备注)
ROWS = [
    ("1", "张  三", "男", "汉", "1985.03", id_number("33078119850312003"), "大学本科", "2010.7", "2011.7",
     "金山社区居委会主任", "浙江兰溪", "0579-8123456", ""),
    ("2", "李  娜", "女", "汉族", "1990.07", full_width(id_number("33070219900701004")), "大专", "2026年1月", "",
     "金山社区网格员", "浙江金华", "138 0013 8000", "预备党员"),
    ("3", "王建国", "男", "回", "1978.11", id_number("33078119781123001"), "高中", ("serial", 36341),
     ("serial", 36707), "退休", "浙江兰溪", "", ""),
    ("4", "赵  敏", "女", "汉", "196504", id_number("33078119650418002"), "中专", "1990年6月", "1991年6月",
     "金山小学退休教师", "浙江义乌", "(0579)88886666", ""),
    ("5", "陈志强", "男", "汉族", "1972/8/9", id_number("33078119720809001"), "研究生", ("date", "2001-07-01"),
     ("date", "2002-07-01"), "兰溪市人民医院副院长", "浙江兰溪", "139-0579-0001", ""),
]
FOOTER = [["合计", "5人", "", "", "", "", "", "", "", "", "", "", ""],
          ["制表人：李书记", "", "", "", "", "", "审核人：王主任", "", "", "", "填表日期：2026年3月20日", "", ""]]


def cell(value, span=1, rows=1):
    attrs = ""
    if span > 1:
        attrs += f' table:number-columns-spanned="{span}"'
    if rows > 1:
        attrs += f' table:number-rows-spanned="{rows}"'
    if isinstance(value, tuple) and value[0] == "serial":
        return f'<table:table-cell{attrs} office:value-type="float" office:value="{value[1]}"><text:p>{value[1]}</text:p></table:table-cell>'
    if isinstance(value, tuple) and value[0] == "date":
        return f'<table:table-cell{attrs} table:style-name="date" office:value-type="date" office:date-value="{value[1]}"><text:p>{value[1]}</text:p></table:table-cell>'
    if value == "":
        return f"<table:table-cell{attrs}/>"
    return f'<table:table-cell{attrs} office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def covered(n):
    return "<table:covered-table-cell/>" * n


def row(cells):
    return "<table:table-row>" + "".join(cells) + "</table:table-row>"


def fods():
    width = 13
    title = row([cell(TITLE, span=width), covered(width - 1)])
    upper, lower = [], []
    for name, span, rows in GROUPS:
        upper.append(cell(name, span=span, rows=rows))
        if span > 1:
            upper.append(covered(span - 1))
    for field in FIELDS:
        lower.append(covered(1) if field == "" else cell(field))
    body = [row([cell(v) for v in r]) for r in ROWS]
    blank = row([cell("") for _ in range(width)])
    footer = [row([cell(v) for v in r]) for r in FOOTER]
    notes = '<table:table table:name="填表说明">' + row([cell("请按组织部要求填写，身份证号码须为文本格式")]) + "</table:table>"
    roster = '<table:table table:name="党员花名册">' + title + row(upper) + row(lower) + "".join(body) + blank + "".join(footer) + "</table:table>"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
<number:date-style style:name="ymd"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
<style:style style:name="date" style:family="table-cell" style:data-style-name="ymd"/>
</office:automatic-styles>
<office:body><office:spreadsheet>{notes}{roster}</office:spreadsheet></office:body></office:document>
"""


def csv_gbk():
    lines = [TITLE + "," * 12, ",".join(g for g, _, _ in GROUPS), ",".join(f or ("序号" if i == 0 else "姓  名" if i == 1 else "") for i, f in enumerate(FIELDS))]
    for r in ROWS:
        values = []
        for v in r:
            if isinstance(v, tuple) and v[0] == "serial":
                values.append({36341: "1999-06-30", 36707: "2000-06-30"}[v[1]])
            elif isinstance(v, tuple):
                values.append(v[1])
            else:
                values.append(v)
        lines.append(",".join(values))
    lines.append("," * 12)
    for r in FOOTER:
        lines.append(",".join(r))
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def main():
    os.makedirs(OUT, exist_ok=True)
    source = os.path.join(OUT, "roster-county.fods")
    with open(source, "w", encoding="utf-8") as f:
        f.write(fods())
    with open(os.path.join(OUT, "roster-county-gbk.csv"), "wb") as f:
        f.write(csv_gbk())
    with tempfile.TemporaryDirectory() as profile:
        for fmt, name in [("xls:MS Excel 97", "roster-county.xls"), ("xlsx:Calc MS Excel 2007 XML", "roster-county.xlsx")]:
            subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                            "--outdir", OUT, source], check=True, stdout=subprocess.DEVNULL)
            made = os.path.join(OUT, "roster-county." + fmt.split(":")[0])
            if made != os.path.join(OUT, name):
                os.replace(made, os.path.join(OUT, name))
    print("fixtures written to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
