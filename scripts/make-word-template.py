#!/usr/bin/env python3
"""Writes tests/word-template/template.docx: a Word file as a county office's template author
leaves it after editing in Word, for the Word-file template tests.

What makes it Word's and not a generator's: placeholders split across runs the way Word splits
what is typed (an rsid per editing session, a spelling mark inside a name, a language change on
the digits, the braces in runs of their own), a header with the county's logo (an inline PNG) and
its name, a footer with a PAGE field, custom paragraph, character and table styles with Chinese
names and Word's generated ids (a5, a6, a7), a font table, a repeated table row, conditionals and
a section of paragraphs. Run: python3 scripts/make-word-template.py (standard library only).
"""
import os
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "word-template", "template.docx")

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
NS = (
    'xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    + R + ' '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    + W + ' '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"'
)
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def png(size=64):
    """A red round emblem on white, as a real PNG."""
    rows = []
    c = (size - 1) / 2
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            d = ((x - c) ** 2 + (y - c) ** 2) ** 0.5
            row += bytes((200, 16, 46)) if d < size / 2 - 2 else bytes((255, 255, 255))
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")


def run(text, rsid="00A51C2E", props=""):
    space = ' xml:space="preserve"' if text != text.strip() else ""
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r w:rsidR="{rsid}">{rpr}<w:t{space}>{text}</w:t></w:r>'


def para(*runs, style=None, jc=None, pid="1A2B3C4D", extra=""):
    ppr = ""
    if style or jc or extra:
        ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "") + extra + (f'<w:jc w:val="{jc}"/>' if jc else "") + "</w:pPr>"
    return f'<w:p w14:paraId="{pid}" w14:textId="77777777" w:rsidR="00A51C2E" w:rsidRDefault="00A51C2E">{ppr}{"".join(runs)}</w:p>'


SPELL_START = '<w:proofErr w:type="spellStart"/>'
SPELL_END = '<w:proofErr w:type="spellEnd"/>'
LANG = '<w:lang w:val="en-US"/>'
BOLD = "<w:b/><w:bCs/>"


def cell(width, *paragraphs, shade=None):
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>' + (f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>' if shade else "")
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{''.join(paragraphs)}</w:tc>"


def document():
    widths = [900, 2000, 3400, 1400, 1300]
    header_cells = [
        cell(w, para(run(t, props=BOLD), jc="center"), shade="D9D9D9")
        for w, t in zip(widths, ["序号", "日期", "会议名称", "类型", "实到/应到"])
    ]
    header_row = '<w:tr w:rsidR="00A51C2E"><w:trPr><w:tblHeader/></w:trPr>' + "".join(header_cells) + "</w:tr>"
    row_cells = [
        cell(widths[0], para(run("{{#"), run("会议", rsid="00B7D1F0"), run("}}{{"), run("序号}}", rsid="00C3E2A1"), jc="center")),
        cell(widths[1], para(run("{{日期}}"))),
        cell(widths[2], para(run("{{会议"), SPELL_START, run("名称", rsid="00B7D1F0"), SPELL_END, run("}}"))),
        cell(widths[3], para(run("{{会议类型}}"), jc="center")),
        cell(widths[4], para(run("{{实到人数}}/{{应到人数}}", props=LANG), run("{{/会议}}"), jc="center")),
    ]
    data_row = '<w:tr w:rsidR="00A51C2E">' + "".join(row_cells) + "</w:tr>"
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    table = (
        '<w:tbl><w:tblPr><w:tblStyle w:val="a7"/><w:tblW w:w="9000" w:type="dxa"/><w:tblLook w:val="04A0"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{header_row}{data_row}</w:tbl>"
    )
    body = [
        para(run("{{"), run("支部", rsid="00B7D1F0"), run("名称}}{{年度}}"), run("年度工作台账"), style="a5", jc="center", pid="0F1E2D3C"),
        para(
            run("截至"),
            run("{{生成日期}}", rsid="00C3E2A1"),
            run("，本支部共有党员"),
            run("{{", props=BOLD),
            run("党员人数", props=BOLD + LANG),
            run("}}", props=BOLD),
            run("名，其中预备党员"),
            run("{{预备党员人数}}", props='<w:rStyle w:val="a6"/>'),
            run("名。书记："),
            run("{{书记}}"),
            run("。"),
            style="a3",
        ),
        para(run("一、支部委员会"), style="1"),
        para(run("{{#支部委员}}"), run("{{职务}}", rsid="00B7D1F0"), run("：{{姓名}}"), run("；{{/支部委员}}"), style="a3"),
        para(run("二、会议情况"), style="1"),
        table,
        para(run("{{#会议}}")),
        para(run("{{会议名称}}"), style="2"),
        para(run("时间：{{日期}} {{时间}}　地点：{{地点}}　主持人：{{主持人}}"), style="a3"),
        para(run("出席：{{出席人员}}"), run("{{#请假人员}}；请假：{{请假人员}}{{/请假人员}}", rsid="00C3E2A1"), style="a3"),
        para(run("{{#有决议}}决议："), run("{{#决议}}{{内容}}（{{表决结果}}）{{/决议}}"), run("{{/有决议}}"), run("{{^有决议}}本次会议未作决议。{{/"), run("有决议}}"), style="a3"),
        para(run("{{/会议}}")),
        para(run("三、志愿服务"), style="1"),
        para(run("{{#志愿活动}}{{日期}}，{{活动名称}}，本支部党员{{参加党员}}参加，服务{{服务时长}}小时。{{/志愿活动}}"), style="a3"),
        para(run("{{^志愿活动}}本年度没有志愿服务记录。{{/志愿活动}}"), style="a3"),
        para(run("{{单位名称}}", props=BOLD), jc="right"),
        para(run("{{生成日期}}"), jc="right"),
    ]
    sect = (
        '<w:sectPr w:rsidR="00A51C2E"><w:headerReference w:type="default" r:id="rId4"/>'
        '<w:footerReference w:type="default" r:id="rId5"/>'
        '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" '
        'w:header="851" w:footer="992" w:gutter="0"/><w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="579"/></w:sectPr>'
    )
    return DECL + f"<w:document {NS}><w:body>{''.join(body)}{sect}</w:body></w:document>"


def header():
    drawing = (
        '<w:r><w:rPr><w:noProof/></w:rPr><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
        '<wp:extent cx="360000" cy="360000"/><wp:docPr id="1" name="图片 1" descr="县委徽标"/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="logo.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="360000" cy="360000"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing></w:r>"
    )
    p = para(drawing, run(" 中共"), run("{{上级"), SPELL_START, run("党组织", rsid="00B7D1F0"), SPELL_END, run("}}"), run("委员会"), style="a4")
    return DECL + f"<w:hdr {NS}>{p}</w:hdr>"


def footer():
    field = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    p = para(run("{{单位名称}} 第"), field, run("页"), jc="center")
    return DECL + f"<w:ftr {NS}>{p}</w:ftr>"


def styles():
    fs = '<w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋_GB2312" w:hAnsi="Times New Roman"/>'
    return DECL + (
        f'<w:styles {W} {R}><w:docDefaults><w:rPrDefault><w:rPr>{fs}<w:kern w:val="2"/><w:sz w:val="32"/>'
        '<w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:line="579" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:next w:val="a3"/>'
        '<w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr>'
        '<w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="a"/><w:next w:val="a3"/>'
        '<w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr>'
        '<w:rPr><w:rFonts w:eastAsia="楷体_GB2312"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:customStyle="1" w:styleId="a3"><w:name w:val="县委正文"/><w:basedOn w:val="a"/>'
        '<w:qFormat/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="a4"><w:name w:val="header"/><w:basedOn w:val="a"/>'
        '<w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="C8102E"/></w:pBdr><w:jc w:val="left"/></w:pPr>'
        '<w:rPr><w:color w:val="C8102E"/><w:sz w:val="24"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:customStyle="1" w:styleId="a5"><w:name w:val="县委公文标题"/><w:basedOn w:val="a"/>'
        '<w:qFormat/><w:pPr><w:spacing w:before="240" w:after="240"/><w:jc w:val="center"/></w:pPr>'
        '<w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/><w:sz w:val="44"/></w:rPr></w:style>'
        '<w:style w:type="character" w:customStyle="1" w:styleId="a6"><w:name w:val="强调红"/>'
        '<w:rPr><w:b/><w:color w:val="C8102E"/></w:rPr></w:style>'
        '<w:style w:type="table" w:customStyle="1" w:styleId="a7"><w:name w:val="县委表格"/>'
        '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="8" w:color="000000"/><w:left w:val="single" w:sz="4" w:color="000000"/>'
        '<w:bottom w:val="single" w:sz="8" w:color="000000"/><w:right w:val="single" w:sz="4" w:color="000000"/>'
        '<w:insideH w:val="single" w:sz="4" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:color="000000"/></w:tblBorders></w:tblPr>'
        '<w:rPr><w:sz w:val="24"/></w:rPr></w:style></w:styles>'
    )


def fonts():
    def font(name, charset="86", family="modern"):
        return f'<w:font w:name="{name}"><w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="fixed"/></w:font>'

    return DECL + f"<w:fonts {W}>" + font("仿宋_GB2312") + font("方正小标宋简体") + font("黑体") + font("楷体_GB2312") + font("Times New Roman", "00", "roman") + "</w:fonts>"


def main():
    ct = (
        DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="png" ContentType="image/png"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
        '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
        '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
        '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    rels = (
        DECL + f'<Relationships xmlns="{pkg}">'
        f'<Relationship Id="rId3" Type="{rel}extended-properties" Target="docProps/app.xml"/>'
        f'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId1" Type="{rel}officeDocument" Target="word/document.xml"/></Relationships>'
    )
    doc_rels = (
        DECL + f'<Relationships xmlns="{pkg}">'
        f'<Relationship Id="rId1" Type="{rel}styles" Target="styles.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}settings" Target="settings.xml"/>'
        f'<Relationship Id="rId3" Type="{rel}fontTable" Target="fontTable.xml"/>'
        f'<Relationship Id="rId4" Type="{rel}header" Target="header1.xml"/>'
        f'<Relationship Id="rId5" Type="{rel}footer" Target="footer1.xml"/></Relationships>'
    )
    header_rels = DECL + f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}image" Target="media/image1.png"/></Relationships>'
    settings = DECL + f'<w:settings {W}><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:spaceForUL/></w:compat></w:settings>'
    core = (
        DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>工作台账模板</dc:title><dc:creator>县委组织部</dc:creator>'
        '<dcterms:created xsi:type="dcterms:W3CDTF">2025-11-03T08:12:00Z</dcterms:created></cp:coreProperties>'
    )
    app = DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Office Word</Application></Properties>'
    parts = [
        ("[Content_Types].xml", ct),
        ("_rels/.rels", rels),
        ("word/document.xml", document()),
        ("word/_rels/document.xml.rels", doc_rels),
        ("word/styles.xml", styles()),
        ("word/settings.xml", settings),
        ("word/fontTable.xml", fonts()),
        ("word/header1.xml", header()),
        ("word/_rels/header1.xml.rels", header_rels),
        ("word/footer1.xml", footer()),
        ("docProps/core.xml", core),
        ("docProps/app.xml", app),
    ]
    with zipfile.ZipFile(OUT, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            z.writestr(zipfile.ZipInfo(name, (2025, 11, 3, 8, 12, 0)), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
        z.writestr(zipfile.ZipInfo("word/media/image1.png", (2025, 11, 3, 8, 12, 0)), png(), zipfile.ZIP_STORED)


if __name__ == "__main__":
    main()
