//! Schema-order repair of docx-rs's XML: it writes the children of `w:pPr`, `w:rPr`, `w:tcPr`,
//! `w:tblPr` and `w:sectPr` in an order the OOXML schema rejects (Word may then offer to repair
//! the file). This pass re-sorts each property element's children by the schema's sequence and
//! renumbers docx-rs's global paragraph ids per document, so output is reproducible.

const PPR: &[&str] = &[
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
];
const RPR: &[&str] = &[
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
    "ins",
    "del",
    "rPrChange",
];
const TCPR: &[&str] = &[
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
];
const TBLPR: &[&str] = &[
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
];
const STYLE: &[&str] = &[
    "name",
    "aliases",
    "basedOn",
    "next",
    "link",
    "autoRedefine",
    "uiPriority",
    "semiHidden",
    "unhideWhenUsed",
    "qFormat",
    "locked",
    "personal",
    "personalCompose",
    "personalReply",
    "rsid",
    "pPr",
    "rPr",
    "tblPr",
    "trPr",
    "tcPr",
    "tblStylePr",
];
const SETTINGS: &[&str] =
    &["writeProtection", "view", "zoom", "defaultTabStop", "evenAndOddHeaders", "compat", "docVars", "rsids"];
const SECTPR: &[&str] = &[
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
];

/// The property elements whose children are re-sorted: opening tag, closing tag, schema order.
const PROPERTIES: &[(&str, &str, &[&str])] = &[
    ("<w:pPr", "</w:pPr>", PPR),
    ("<w:rPr", "</w:rPr>", RPR),
    ("<w:tcPr", "</w:tcPr>", TCPR),
    ("<w:tblPr", "</w:tblPr>", TBLPR),
    ("<w:sectPr", "</w:sectPr>", SECTPR),
    ("<w:style", "</w:style>", STYLE),
    ("<w:settings", "</w:settings>", SETTINGS),
];

/// Applies every repair to a part's XML, its paragraph ids numbered from 1.
pub(super) fn repair(xml: &str) -> String {
    let mut out = Vec::with_capacity(xml.len());
    // Writing into a Vec cannot fail.
    let _ = Repair::default().write(xml, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The repair of a part written in pieces (the document body, element by element): each piece
/// is whole elements, and paragraph ids go on counting across pieces.
#[derive(Default)]
pub(super) struct Repair {
    /// Paragraph ids given so far in this part.
    ids: u32,
}

impl Repair {
    /// Repairs one piece of the part into `out`. A piece without a property element is not
    /// copied: documents at the output limit are hundreds of MB of XML.
    pub(super) fn write(&mut self, xml: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        renumber_paragraph_ids(&reorder(xml), &mut self.ids, out)
    }

    /// Writes a piece already in schema order (assembled from [`reorder`]ed shells): only its
    /// paragraph ids are numbered.
    pub(super) fn number(&mut self, xml: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        renumber_paragraph_ids(xml, &mut self.ids, out)
    }
}

/// Every repair but the paragraph ids' numbering (for shells cut from docx-rs elements).
pub(super) fn reorder(xml: &str) -> String {
    let mut text = std::borrow::Cow::Borrowed(xml);
    for (open, close, order) in PROPERTIES {
        if text.contains(open) {
            text = std::borrow::Cow::Owned(reorder_children(&text, open, close, order));
        }
    }
    // `w:type` is not an attribute of a grid column.
    const GRID_TYPE: &str = " w:type=\"dxa\" />";
    if text.contains(GRID_TYPE) {
        text = std::borrow::Cow::Owned(text.replace(GRID_TYPE, " />"));
    }
    text.into_owned()
}

/// The local name of the element starting at `s` (`<w:rFonts …` → `rFonts`).
fn local_name(s: &str) -> &str {
    let name =
        s.trim_start_matches('<').split(|c: char| c.is_whitespace() || c == '/' || c == '>').next().unwrap_or("");
    name.rsplit(':').next().unwrap_or(name)
}

/// Splits the content of an element into its top-level child elements.
fn children(content: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = None;
    let bytes = content.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            if depth == 0 && !bytes[i].is_ascii_whitespace() {
                return None; // text directly inside a property element: leave it alone
            }
            i += 1;
            continue;
        }
        let end = content[i..].find('>')? + i;
        let tag = &content[i..=end];
        let closing = tag.starts_with("</");
        let self_closing = tag.ends_with("/>");
        if depth == 0 && !closing {
            start = Some(i);
        }
        if closing {
            depth = depth.checked_sub(1)?;
        } else if !self_closing {
            depth += 1;
        }
        if depth == 0 {
            out.push(&content[start?..=end]);
        }
        i = end + 1;
    }
    (depth == 0).then_some(out)
}

/// Re-sorts the children of every `open…>…close` by `order` (unknown names keep their place at the end).
fn reorder_children(xml: &str, prefix: &str, close: &str, order: &[&str]) -> String {
    // One forward scan for `<w:{tag}` followed by `>` or a space (`<w:rPrChange` is another element).
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(found) = rest.find(prefix) {
        let after = found + prefix.len();
        if !matches!(rest.as_bytes().get(after), Some(b'>' | b' ')) {
            out.push_str(&rest[..after]);
            rest = &rest[after..];
            continue;
        }
        let start = found;
        let Some(open_end) = rest[start..].find('>').map(|e| start + e + 1) else { break };
        if rest[..open_end].ends_with("/>") {
            out.push_str(&rest[..open_end]);
            rest = &rest[open_end..];
            continue;
        }
        out.push_str(&rest[..open_end]);
        rest = &rest[open_end..];
        // Property elements of the same name do not nest (a pPr holds an rPr, not a pPr).
        let Some(end) = rest.find(close) else { break };
        let content = &rest[..end];
        match children(content) {
            Some(items) => {
                // Each child's place once (not once per comparison); a stable sort keeps unknown
                // names in their order at the end.
                let mut keyed: Vec<(usize, &str)> = items
                    .into_iter()
                    .map(|item| {
                        let name = local_name(item);
                        (order.iter().position(|known| *known == name).unwrap_or(order.len()), item)
                    })
                    .collect();
                keyed.sort_by_key(|(place, _)| *place);
                for (_, item) in keyed {
                    out.push_str(item);
                }
            }
            None => out.push_str(content),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The styles and numbering parts: their paragraph properties (`CT_PPrGeneral`) may not hold run
/// properties, and docx-rs writes an empty `w:rPr` into each; an empty `w:rPr` says nothing
/// wherever it stands, so every one goes.
pub(super) fn repair_styles(xml: &str) -> String {
    repair(xml).replace("<w:pPr><w:rPr /></w:pPr>", "").replace("<w:rPr />", "")
}

/// Numbers `w14:paraId` on from `ids` in document order (docx-rs counts across the whole
/// process), writing the piece to `out` as it goes.
fn renumber_paragraph_ids(xml: &str, ids: &mut u32, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    const ATTR: &str = "w14:paraId=\"";
    let mut rest = xml;
    while let Some(start) = rest.find(ATTR) {
        out.write_all(&rest.as_bytes()[..start + ATTR.len()])?;
        rest = &rest[start + ATTR.len()..];
        let end = rest.find('"').unwrap_or(0);
        *ids += 1;
        write!(out, "{ids:08X}")?;
        rest = &rest[end..];
    }
    out.write_all(rest.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_properties_follow_the_schema_order() {
        let xml = r#"<w:r><w:rPr><w:sz w:val="32" /><w:rFonts w:eastAsia="仿宋_GB2312" /><w:spacing w:val="-5" /></w:rPr></w:r>"#;
        assert_eq!(
            repair(xml),
            r#"<w:r><w:rPr><w:rFonts w:eastAsia="仿宋_GB2312" /><w:spacing w:val="-5" /><w:sz w:val="32" /></w:rPr></w:r>"#
        );
    }

    #[test]
    fn paragraph_properties_keep_nested_elements_whole() {
        let xml = r#"<w:pPr><w:rPr /><w:jc w:val="both" /><w:sectPr><w:pgMar w:top="1" /><w:footerReference r:id="a" /></w:sectPr><w:spacing w:line="579" /></w:pPr>"#;
        assert_eq!(
            repair(xml),
            r#"<w:pPr><w:spacing w:line="579" /><w:jc w:val="both" /><w:rPr /><w:sectPr><w:footerReference r:id="a" /><w:pgMar w:top="1" /></w:sectPr></w:pPr>"#
        );
    }

    #[test]
    fn paragraph_ids_restart_per_document() {
        let xml = r#"<w:p w14:paraId="0000002A"></w:p><w:p w14:paraId="0000002B"></w:p>"#;
        assert_eq!(repair(xml), r#"<w:p w14:paraId="00000001"></w:p><w:p w14:paraId="00000002"></w:p>"#);
    }

    #[test]
    fn numbering_levels_keep_no_run_properties_in_their_paragraph_properties() {
        // As docx-rs writes a numbering level: an empty w:rPr inside w:pPr (CT_PPrGeneral has none).
        let xml = r#"<w:lvl w:ilvl="0"><w:lvlJc w:val="left" /><w:pPr><w:rPr /><w:ind w:left="420" w:hanging="420" /></w:pPr><w:rPr /></w:lvl>"#;
        assert_eq!(
            repair_styles(xml),
            r#"<w:lvl w:ilvl="0"><w:lvlJc w:val="left" /><w:pPr><w:ind w:left="420" w:hanging="420" /></w:pPr></w:lvl>"#
        );
    }
}
