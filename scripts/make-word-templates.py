#!/usr/bin/env python3
"""Writes the Word files of the Word-file templates:

- plugins/year-binder/binder.docx: the year-end 台账 the reference template `year-binder` fills
  (a cover, a table of contents field, the sections in the order inspectors read them, page
  numbers in the footer);
- tests/word-template/template.docx: a Word file as a county office's template author leaves it
  after editing in Word, for the Word-file template tests.

What makes it Word's and not a generator's: placeholders split across runs the way Word splits
what is typed (an rsid per editing session, a spelling mark inside a name, a language change on
the digits, the braces in runs of their own), a header with the county's logo (an inline PNG) and
its name, a footer with a PAGE field, custom paragraph, character and table styles with Chinese
names and Word's generated ids (a5, a6, a7), a font table, a repeated table row, conditionals and
a section of paragraphs. Run: python3 scripts/make-word-templates.py (standard library only).
"""
import os
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
OUT = os.path.join(ROOT, "tests", "word-template", "template.docx")
BINDER = os.path.join(ROOT, "plugins", "year-binder", "binder.docx")

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


PARA_IDS = iter(range(0x1A2B3C4D, 0x7FFFFFFF, 0x0013579B))


def para(*runs, style=None, jc=None, extra=""):
    # Word gives every paragraph its own w14:paraId below 0x80000000 (ST_LongHexNumber's range in
    # the w14 schema); the Open XML validator rejects larger ones.
    pid = f"{next(PARA_IDS):08X}"
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
        para(run("{{"), run("支部", rsid="00B7D1F0"), run("名称}}{{年度}}"), run("年度工作台账"), style="a5", jc="center"),
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
        '<w:rPr><w:sz w:val="24"/></w:rPr><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="8" w:color="000000"/><w:left w:val="single" w:sz="4" w:color="000000"/>'
        '<w:bottom w:val="single" w:sz="8" w:color="000000"/><w:right w:val="single" w:sz="4" w:color="000000"/>'
        '<w:insideH w:val="single" w:sz="4" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:color="000000"/></w:tblBorders></w:tblPr>'
        '</w:style></w:styles>'
    )


def fonts():
    def font(name, charset="86", family="modern"):
        return f'<w:font w:name="{name}"><w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="fixed"/></w:font>'

    return DECL + f"<w:fonts {W}>" + font("仿宋_GB2312") + font("方正小标宋简体") + font("黑体") + font("楷体_GB2312") + font("Times New Roman", "00", "roman") + "</w:fonts>"


def theme():
    """Word writes a theme with every document (colours, the major and minor fonts, fill, line
    and effect styles); the Open XML validator requires the main part to have one."""
    a = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    colours = [("dk1", '<a:sysClr val="windowText" lastClr="000000"/>'), ("lt1", '<a:sysClr val="window" lastClr="FFFFFF"/>'),
               ("dk2", '<a:srgbClr val="44546A"/>'), ("lt2", '<a:srgbClr val="E7E6E6"/>'),
               ("accent1", '<a:srgbClr val="4472C4"/>'), ("accent2", '<a:srgbClr val="ED7D31"/>'),
               ("accent3", '<a:srgbClr val="A5A5A5"/>'), ("accent4", '<a:srgbClr val="FFC000"/>'),
               ("accent5", '<a:srgbClr val="5B9BD5"/>'), ("accent6", '<a:srgbClr val="70AD47"/>'),
               ("hlink", '<a:srgbClr val="0563C1"/>'), ("folHlink", '<a:srgbClr val="954F72"/>')]
    clr = '<a:clrScheme name="Office">' + "".join(f"<a:{n}>{c}</a:{n}>" for n, c in colours) + "</a:clrScheme>"

    def font(latin, ea):
        return f'<a:latin typeface="{latin}"/><a:ea typeface=""/><a:cs typeface=""/><a:font script="Hans" typeface="{ea}"/>'

    fonts = ('<a:fontScheme name="Office"><a:majorFont>' + font("等线 Light", "等线 Light") + "</a:majorFont>"
             "<a:minorFont>" + font("等线", "等线") + "</a:minorFont></a:fontScheme>")
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = '<a:ln w="6350" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>'
    effect = "<a:effectStyle><a:effectLst/></a:effectStyle>"
    fmt = ('<a:fmtScheme name="Office"><a:fillStyleLst>' + fill * 3 + "</a:fillStyleLst><a:lnStyleLst>" + line * 3
           + "</a:lnStyleLst><a:effectStyleLst>" + effect * 3 + "</a:effectStyleLst><a:bgFillStyleLst>" + fill * 3
           + "</a:bgFillStyleLst></a:fmtScheme>")
    return DECL + f'<a:theme {a} name="Office 主题"><a:themeElements>{clr}{fonts}{fmt}</a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>'


def package(path, document_xml, styles_xml, fonts_xml, header_xml, footer_xml, title, creator, logo=True, settings_extra=""):
    ct = (
        DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="png" ContentType="image/png"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
        '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
        '<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
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
        f'<Relationship Id="rId5" Type="{rel}footer" Target="footer1.xml"/>'
        f'<Relationship Id="rId6" Type="{rel}theme" Target="theme/theme1.xml"/></Relationships>'
    )
    header_rels = DECL + f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}image" Target="media/image1.png"/></Relationships>'
    settings = DECL + f'<w:settings {W}><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/>{settings_extra}<w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:spaceForUL/></w:compat></w:settings>'
    core = (
        DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:creator>{creator}</dc:creator>'
        '<dcterms:created xsi:type="dcterms:W3CDTF">2025-11-03T08:12:00Z</dcterms:created></cp:coreProperties>'
    )
    app = DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Office Word</Application></Properties>'
    parts = [
        ("[Content_Types].xml", ct),
        ("_rels/.rels", rels),
        ("word/document.xml", document_xml),
        ("word/_rels/document.xml.rels", doc_rels),
        ("word/styles.xml", styles_xml),
        ("word/settings.xml", settings),
        ("word/fontTable.xml", fonts_xml),
        ("word/theme/theme1.xml", theme()),
        ("word/header1.xml", header_xml),
        ("word/_rels/header1.xml.rels", header_rels),
        ("word/footer1.xml", footer_xml),
        ("docProps/core.xml", core),
        ("docProps/app.xml", app),
    ]
    if not logo:
        parts = [(n, t) for n, t in parts if n != "word/_rels/header1.xml.rels"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            z.writestr(zipfile.ZipInfo(name, (2025, 11, 3, 8, 12, 0)), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
        if logo:
            z.writestr(zipfile.ZipInfo("word/media/image1.png", (2025, 11, 3, 8, 12, 0)), png(), zipfile.ZIP_STORED)


# ---------------------------------------------------------------------------------------------
# The year binder (plugins/year-binder/binder.docx): styles of its own (body 仿宋 14 pt on an
# exact 28 pt line, headings 黑体/楷体, each level-1 heading on a new page, toc 1/toc 2, a table
# style), a cover, a TOC field, then one section per kind of record.

TW = 9026  # type area width in twips (A4, 2.54/3.17 cm margins)


def t(text):
    return run(text, rsid="00D1B0A5")


def bp(*texts, style="a3", jc=None):
    return para(*[t(x) for x in texts], style=style, jc=jc)


def each(name, *blocks):
    """Paragraphs repeated per record of list `name`, between two paragraphs holding only its tags."""
    return [para(t("{{#" + name + "}}")), *blocks, para(t("{{/" + name + "}}"))]


def h1(text):
    return para(t(text), style="1")


def h2(text):
    return para(t(text), style="2")


def tcell(width, text, header=False):
    props = BOLD if header else ""
    return cell(width, para(run(text, props=props), style="a8", jc="center" if header else None), shade="E7E6E6" if header else None)


def table(widths, header, row, trailing=None):
    """A table: a header row repeated on every page, one row with the placeholders (`row`: the
    first cell opens the list, the last closes it)."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    head = '<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>' + "".join(tcell(w, x, True) for w, x in zip(widths, header)) + "</w:tr>"
    body = '<w:tr><w:trPr><w:cantSplit/></w:trPr>' + "".join(tcell(w, x) for w, x in zip(widths, row)) + "</w:tr>"
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="a9"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{head}{body}</w:tbl>'
    )


def spread(*shares):
    total = sum(shares)
    widths = [TW * s // total for s in shares]
    widths[-1] += TW - sum(widths)
    return widths


def binder_document():
    cover = [
        para(t(" "), extra='<w:spacing w:before="2400"/>'),
        para(t("{{支部名称}}"), style="aa", jc="center"),
        para(t("{{年度}}年度党建工作台账"), style="aa", jc="center"),
        para(t(" "), extra='<w:spacing w:before="2400"/>'),
        bp("上级党组织：{{上级党组织}}", style="ab"),
        bp("支部书记：{{书记}}", style="ab"),
        bp("编制日期：{{生成日期}}", style="ab"),
        para(t("（本台账由支部工作台根据本支部记录生成，身份证号、手机号已遮盖）"), style="ab"),
    ]
    toc = [
        para(t("目　录"), style="ac", jc="center", extra="<w:pageBreakBefore/>"),
        para(
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
            t("（生成时按各部分标题填写；在 Word 中可右键“更新域”）"),
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        ),
    ]
    org = [
        h1("一、组织概况"),
        bp("{{支部名称}}隶属于{{上级党组织}}，现有党员{{党员人数}}名，其中正式党员{{正式党员人数}}名，预备党员{{预备党员人数}}名。"),
        h2("（一）支部委员会"),
        bp("{{#届次}}本届为第{{届次}}届支部委员会{{#选举日期}}，于{{选举日期}}选举产生{{/选举日期}}。{{/届次}}{{^届次}}尚未登记支部委员会届次。{{/届次}}"),
        table(spread(1, 2, 3), ["序号", "职务", "姓名"], ["{{#支部委员}}{{序号}}", "{{职务}}", "{{姓名}}{{/支部委员}}"]),
        h2("（二）党员名册"),
        bp("身份证号、手机号按规定遮盖中间位数。"),
        table(
            spread(3, 5, 3, 4, 7, 5, 10, 7),
            ["序号", "姓名", "性别", "民族", "入党时间", "党员状态", "身份证号", "手机号码"],
            ["{{#党员}}{{序号}}", "{{姓名}}", "{{性别}}", "{{民族}}", "{{入党时间}}", "{{党员状态}}", "{{身份证号}}", "{{手机号码}}{{/党员}}"],
        ),
    ]
    plan = [
        h1("二、年度组织生活安排与落实"),
        bp("按规则（{{规则版本}}），本年度各类组织生活的应开、已开次数如下（截至{{生成日期}}）。{{#参会率}}全年党员参会率{{参会率}}。{{/参会率}}"),
        table(
            spread(5, 3, 3, 8, 9),
            ["会议类型", "应开", "已开", "未开期间", "依据"],
            ["{{#组织生活}}{{会议类型}}", "{{应开}}", "{{已开}}", "{{未开期间}}", "{{依据}}{{/组织生活}}"],
        ),
    ]
    meetings = [
        h1("三、会议记录"),
        bp("本年度共记录会议{{会议次数}}次，按时间先后排列。{{^会议}}本年度没有会议记录。{{/会议}}"),
        para(t("{{#会议}}")),
        h2("{{序号}}. {{会议名称}}"),
        table(
            [2000, TW - 2000],
            ["项目", "内容"],
            ["{{#会议要素}}{{项目}}", "{{内容}}{{/会议要素}}"],
        ),
        bp("议题：", style="ad"),
        *each("议题", bp("{{序号}}. {{内容}}")),
        bp("发言：", style="ad"),
        bp("{{^发言}}未记录发言。{{/发言}}"),
        *each("发言", bp("{{发言人}}：{{内容}}")),
        bp("决议：", style="ad"),
        *each("决议", bp("{{序号}}. {{内容}}（赞成{{赞成}}票，反对{{反对}}票，弃权{{弃权}}票{{#表决结果}}，{{表决结果}}{{/表决结果}}）")),
        bp("{{^有决议}}本次会议未作决议。{{/有决议}}"),
        bp("记录状态：{{记录状态}}"),
        para(t("{{/会议}}")),
    ]
    appraisal = [
        h1("四、民主评议党员"),
        bp("{{^民主评议}}本年度没有民主评议党员的记录。{{/民主评议}}{{#民主评议人数}}本年度参加民主评议的党员{{民主评议人数}}名。{{/民主评议人数}}"),
        table(
            spread(3, 5, 4, 4, 4, 4, 5, 9),
            ["序号", "姓名", "优秀", "合格", "基本合格", "不合格", "评定等次", "说明"],
            ["{{#民主评议}}{{序号}}", "{{姓名}}", "{{优秀}}", "{{合格}}", "{{基本合格}}", "{{不合格}}", "{{评定等次}}", "{{说明}}{{/民主评议}}"],
        ),
    ]
    duty = [
        h1("五、书记抓党建述职评议"),
        bp("{{^述职评议}}本年度没有述职评议的记录。{{/述职评议}}"),
        para(t("{{#述职评议}}")),
        h2("述职人：{{述职人}}"),
        bp("评议日期：{{评议日期}}。应参评{{应参评}}人，实参评{{实参评}}人；好{{好}}票，较好{{较好}}票，一般{{一般}}票，差{{差}}票；评定等次：{{等次}}。"),
        *each("述职内容", bp("{{标题}}", style="ad"), bp("{{内容}}")),
        bp("{{#上级点评}}上级点评：{{上级点评}}{{/上级点评}}"),
        para(t("{{/述职评议}}")),
    ]
    stars = [
        h1("六、星级评定"),
        bp("{{^星级评定}}本年度没有星级评定的记录。{{/星级评定}}"),
        table(
            spread(3, 9, 5, 4, 6, 3),
            ["序号", "评定对象", "类别", "总分", "星级", "排名"],
            ["{{#星级评定}}{{序号}}", "{{评定对象}}", "{{类别}}", "{{总分}}", "{{星级}}", "{{排名}}{{/星级评定}}"],
        ),
    ]
    volunteer = [
        h1("七、志愿服务"),
        bp("本年度本支部党员参加志愿服务活动{{志愿活动次数}}次，服务时长合计{{志愿服务时长}}小时。"),
        table(
            spread(3, 8, 8, 6, 10, 3),
            ["序号", "日期", "活动名称", "地点", "参加党员", "时长"],
            ["{{#志愿活动}}{{序号}}", "{{日期}}", "{{活动名称}}", "{{地点}}", "{{参加党员}}", "{{服务时长}}{{/志愿活动}}"],
        ),
    ]
    dues = [
        h1("八、党费收缴"),
        bp("本年度按月缴纳额计应缴党费{{党费应缴}}元，本年已缴{{党费已缴}}元，尚欠{{党费欠缴}}元。{{#党费提示}}{{党费提示}}{{/党费提示}}"),
        table(
            spread(3, 5, 5, 3, 3, 3, 5, 8),
            ["序号", "姓名", "月缴纳额（元）", "应缴月数", "已缴月数", "欠缴月数", "已缴金额（元）", "说明"],
            ["{{#党费}}{{序号}}", "{{姓名}}", "{{月缴纳额}}", "{{应缴月数}}", "{{已缴月数}}", "{{欠缴月数}}", "{{已缴金额}}", "{{说明}}{{/党费}}"],
        ),
    ]
    findings = [
        h1("九、合规检查"),
        bp("按规则（{{规则版本}}）检查本年度记录，截至{{生成日期}}：{{^检查结果}}未发现问题。{{/检查结果}}{{#问题数}}发现问题{{问题数}}项。{{/问题数}}"),
        *each("检查结果", bp("{{序号}}. 【{{严重程度}}】{{问题}}（依据：{{依据}}）")),
        bp("{{单位名称}}", style="ab", jc="right"),
        bp("{{生成日期}}", style="ab", jc="right"),
    ]
    body = cover + toc + org + plan + meetings + appraisal + duty + stars + volunteer + dues + findings
    sect = (
        '<w:sectPr><w:footerReference w:type="default" r:id="rId5"/>'
        '<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" '
        'w:header="851" w:footer="992" w:gutter="0"/><w:pgNumType w:start="1"/><w:cols w:space="425"/><w:titlePg/>'
        '<w:docGrid w:linePitch="312"/></w:sectPr>'
    )
    return DECL + f"<w:document {NS}><w:body>{''.join(body)}{sect}</w:body></w:document>"


def binder_header():
    return DECL + f'<w:hdr {NS}>{para(t(""), style="a4")}</w:hdr>'


def binder_footer():
    field = (
        '<w:r><w:t xml:space="preserve">— </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:t xml:space="preserve"> —</w:t></w:r>'
    )
    return DECL + f'<w:ftr {NS}><w:p><w:pPr><w:jc w:val="center"/></w:pPr>{field}</w:p></w:ftr>'


def binder_styles():
    fs = '<w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋_GB2312" w:hAnsi="Times New Roman"/>'

    def style(kind, sid, name, ppr="", rpr="", extra="", custom=False):
        c = ' w:customStyle="1"' if custom else ""
        return (
            f'<w:style w:type="{kind}"{c} w:styleId="{sid}"><w:name w:val="{name}"/>{extra}'
            + (f"<w:pPr>{ppr}</w:pPr>" if ppr else "")
            + (f"<w:rPr>{rpr}</w:rPr>" if rpr else "")
            + "</w:style>"
        )

    styles_xml = [
        style("paragraph", "a", "Normal", '<w:widowControl w:val="0"/><w:jc w:val="both"/>', extra='<w:qFormat/>'),
        style("paragraph", "1", "heading 1", '<w:keepNext/><w:pageBreakBefore/><w:spacing w:before="240" w:after="240"/><w:outlineLvl w:val="0"/>',
              '<w:rFonts w:eastAsia="黑体"/><w:sz w:val="32"/>', '<w:basedOn w:val="a"/><w:next w:val="a3"/><w:qFormat/>'),
        style("paragraph", "2", "heading 2", '<w:keepNext/><w:spacing w:before="120" w:after="120"/><w:outlineLvl w:val="1"/>',
              '<w:rFonts w:eastAsia="楷体_GB2312"/><w:b/>', '<w:basedOn w:val="a"/><w:next w:val="a3"/><w:qFormat/>'),
        style("paragraph", "a3", "台账正文", '<w:ind w:firstLineChars="200" w:firstLine="560"/>', "", '<w:basedOn w:val="a"/><w:qFormat/>', True),
        style("paragraph", "a4", "header", '<w:jc w:val="center"/>', '<w:sz w:val="18"/>', '<w:basedOn w:val="a"/>'),
        style("paragraph", "a8", "表格文字", '<w:spacing w:line="360" w:lineRule="exact"/><w:jc w:val="left"/>', '<w:sz w:val="21"/>', '<w:basedOn w:val="a"/>', True),
        style("paragraph", "aa", "台账封面标题", '<w:spacing w:after="360" w:line="800" w:lineRule="exact"/><w:jc w:val="center"/>',
              '<w:rFonts w:eastAsia="方正小标宋简体"/><w:sz w:val="52"/>', '<w:basedOn w:val="a"/>', True),
        style("paragraph", "ab", "台账封面信息", '<w:ind w:left="1680"/>', "", '<w:basedOn w:val="a"/>', True),
        style("paragraph", "ac", "目录标题", '<w:spacing w:after="240"/><w:jc w:val="center"/>', '<w:rFonts w:eastAsia="黑体"/><w:sz w:val="32"/>',
              '<w:basedOn w:val="a"/>', True),
        style("paragraph", "ad", "台账小标题", '<w:keepNext/>', '<w:b/>', '<w:basedOn w:val="a"/>', True),
        style("paragraph", "ae", "toc 1", "", "", '<w:basedOn w:val="a"/><w:next w:val="a"/>'),
        style("paragraph", "af", "toc 2", '<w:ind w:leftChars="200" w:left="560"/>', '<w:sz w:val="26"/>', '<w:basedOn w:val="a"/><w:next w:val="a"/>'),
        '<w:style w:type="table" w:customStyle="1" w:styleId="a9"><w:name w:val="台账表格"/>'
        '<w:tblPr><w:tblBorders><w:top w:val="single" w:sz="8" w:color="000000"/><w:left w:val="single" w:sz="4" w:color="000000"/>'
        '<w:bottom w:val="single" w:sz="8" w:color="000000"/><w:right w:val="single" w:sz="4" w:color="000000"/>'
        '<w:insideH w:val="single" w:sz="4" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:color="000000"/></w:tblBorders>'
        '<w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
    ]
    return DECL + (
        f'<w:styles {W} {R}><w:docDefaults><w:rPrDefault><w:rPr>{fs}<w:kern w:val="2"/><w:sz w:val="28"/>'
        '<w:szCs w:val="28"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults>'
        + "".join(styles_xml) + "</w:styles>"
    )


def main():
    package(OUT, document(), styles(), fonts(), header(), footer(), "工作台账模板", "县委组织部")
    package(BINDER, binder_document(), binder_styles(), fonts(), binder_header(), binder_footer(),
            "{{支部名称}}{{年度}}年度党建工作台账", "支部工作台", logo=False)


if __name__ == "__main__":
    main()
