//! Filling one part: placeholders Word split across runs are first gathered into one run (the
//! run the placeholder starts in, whose formatting the value then takes), then each tag is
//! replaced in document order: a field by its value, a section by its content once per record
//! (table rows, paragraphs, or text within a paragraph, whichever the two tags enclose).

use super::tree::{Element, Node};
use super::{DocxError, Fields, Placeholder, PlaceholderKind, Value};

/// A tag as written between `{{` and `}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tag {
    /// `{{名称}}`: a value.
    Field(String),
    /// `{{#名称}}`: repeated per record of a list, or kept when a condition holds.
    Open(String),
    /// `{{^名称}}`: kept when a list is empty or a condition does not hold.
    Inverted(String),
    /// `{{/名称}}`: the end of a section.
    Close(String),
}

/// A tag found in a text, by byte range.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    start: usize,
    end: usize,
    tag: Tag,
}

/// The tags of `text` in order; fails on a `{{` with no `}}` or a tag without a name.
fn tags(part: &str, text: &str) -> Result<Vec<Found>, DocxError> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| i + from) {
        let Some(close) = text[open + 2..].find("}}").map(|i| i + open + 2) else {
            let rest: String = text[open..].chars().take(20).collect();
            return Err(DocxError::Unclosed { part: part.to_owned(), text: rest });
        };
        let inner = text[open + 2..close].trim();
        if inner.contains("{{") {
            return Err(DocxError::Unclosed { part: part.to_owned(), text: text[open..close + 2].to_owned() });
        }
        let (kind, name): (fn(String) -> Tag, &str) = match inner.chars().next() {
            Some('#') => (Tag::Open, &inner[1..]),
            Some('^') => (Tag::Inverted, &inner[1..]),
            Some('/') => (Tag::Close, &inner[1..]),
            _ => (Tag::Field, inner),
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(DocxError::Unnamed { part: part.to_owned(), text: text[open..close + 2].to_owned() });
        }
        found.push(Found { start: open, end: close + 2, tag: kind(name.to_owned()) });
        from = close + 2;
    }
    Ok(found)
}

/// The `w:t` elements of a paragraph in order (not those of a paragraph nested in it, such as a
/// text box's).
fn paragraph_texts<'a>(element: &'a mut Element, out: &mut Vec<&'a mut Element>) {
    for child in &mut element.children {
        if let Node::Element(e) = child {
            if e.name == "w:t" {
                out.push(e);
            } else if e.name != "w:p" {
                paragraph_texts(e, out);
            }
        }
    }
}

/// Gathers every tag Word split across runs into the run it starts in, and every section that
/// opens and closes within one paragraph into the run of its opening tag, in every paragraph.
pub(crate) fn normalize(part: &str, element: &mut Element) -> Result<(), DocxError> {
    if element.name == "w:p" {
        normalize_paragraph(part, element)?;
    }
    for child in &mut element.children {
        if let Node::Element(e) = child {
            normalize(part, e)?;
        }
    }
    Ok(())
}

fn normalize_paragraph(part: &str, paragraph: &mut Element) -> Result<(), DocxError> {
    let mut texts = Vec::new();
    paragraph_texts(paragraph, &mut texts);
    loop {
        let strings: Vec<String> = texts.iter().map(|t| t.text()).collect();
        let joined = strings.concat();
        if !joined.contains("{{") {
            return Ok(());
        }
        let mut starts = Vec::with_capacity(strings.len());
        let mut at = 0;
        for s in &strings {
            starts.push(at);
            at += s.len();
        }
        // The text whose bytes hold `offset`.
        let node_at = |offset: usize| {
            let mut node = 0;
            for (i, &s) in starts.iter().enumerate() {
                if s <= offset && offset < s + strings[i].len() {
                    node = i;
                }
            }
            node
        };
        let found = tags(part, &joined)?;
        let spans = |a: usize, b: usize| node_at(a) != node_at(b - 1);
        let mut gather = found.iter().find(|f| spans(f.start, f.end)).map(|f| (f.start, f.end));
        if gather.is_none() {
            let mut stack: Vec<&Found> = Vec::new();
            for f in &found {
                match &f.tag {
                    Tag::Open(_) | Tag::Inverted(_) => stack.push(f),
                    Tag::Close(name) => {
                        let opened = stack.pop();
                        if let Some(open) = opened
                            && matches!(&open.tag, Tag::Open(n) | Tag::Inverted(n) if n == name)
                            && spans(open.start, f.end)
                        {
                            gather = Some((open.start, f.end));
                            break;
                        }
                    }
                    Tag::Field(_) => {}
                }
            }
        }
        let Some((a, b)) = gather else { return Ok(()) };
        let (i, j) = (node_at(a), node_at(b - 1));
        let first = format!("{}{}", &strings[i][..a - starts[i]], &joined[a..b]);
        texts[i].set_text(first);
        for text in texts.iter_mut().take(j).skip(i + 1) {
            text.set_text(String::new());
        }
        texts[j].set_text(strings[j][b - starts[j]..].to_owned());
    }
}

/// Every tag of the tree in document order, with the path to its `w:t`.
fn all_tags(
    part: &str,
    element: &Element,
    path: &mut Vec<usize>,
    out: &mut Vec<(Vec<usize>, Found)>,
) -> Result<(), DocxError> {
    for (index, child) in element.children.iter().enumerate() {
        let Node::Element(e) = child else { continue };
        path.push(index);
        if e.name == "w:t" {
            for found in tags(part, &e.text())? {
                out.push((path.clone(), found));
            }
        } else {
            all_tags(part, e, path, out)?;
        }
        path.pop();
    }
    Ok(())
}

/// The placeholders of a normalized part in order, each with the sections it is inside; fails on
/// a section that is not closed, or closed with another name.
pub(crate) fn placeholders(part: &str, root: &Element) -> Result<Vec<Placeholder>, DocxError> {
    let mut found = Vec::new();
    all_tags(part, root, &mut Vec::new(), &mut found)?;
    let mut open: Vec<String> = Vec::new();
    let mut list = Vec::new();
    for (_, f) in found {
        let (kind, name) = match f.tag {
            Tag::Field(name) => (PlaceholderKind::Field, name),
            Tag::Open(name) => (PlaceholderKind::Section, name),
            Tag::Inverted(name) => (PlaceholderKind::Inverted, name),
            Tag::Close(name) => {
                match open.pop() {
                    Some(o) if o == name => {}
                    Some(o) => return Err(DocxError::Mismatch { part: part.to_owned(), open: o, close: name }),
                    None => return Err(DocxError::StrayEnd { part: part.to_owned(), name }),
                }
                continue;
            }
        };
        list.push(Placeholder { name: name.clone(), kind, within: open.clone(), part: part.to_owned() });
        if kind != PlaceholderKind::Field {
            open.push(name);
        }
    }
    if let Some(name) = open.pop() {
        return Err(DocxError::MissingEnd { part: part.to_owned(), name });
    }
    Ok(list)
}

/// A value as `w:t` markup: escaped, `{` written as a character reference (so a value is never
/// read as a tag), line breaks and tabs as Word's own elements, other control characters dropped.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '{' => out.push_str("&#123;"),
            '\n' => out.push_str("</w:t><w:br/><w:t xml:space=\"preserve\">"),
            '\t' => out.push_str("</w:t><w:tab/><w:t xml:space=\"preserve\">"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn lookup<'a>(scopes: &[&'a Fields], name: &str) -> Option<&'a Value> {
    scopes.iter().rev().find_map(|fields| fields.get(name))
}

fn field_text(part: &str, scopes: &[&Fields], name: &str) -> Result<String, DocxError> {
    match lookup(scopes, name) {
        Some(Value::Text(text)) => Ok(encode(text)),
        Some(_) => Err(DocxError::NotText { part: part.to_owned(), name: name.to_owned() }),
        None => Err(DocxError::Unknown { part: part.to_owned(), name: name.to_owned() }),
    }
}

/// The scopes a section's content is filled in, once each: a list's records (each numbered
/// `序号` from 1 unless it has its own), or the enclosing scope once when a condition holds.
fn section_scopes(
    part: &str,
    scopes: &[&Fields],
    name: &str,
    inverted: bool,
) -> Result<Vec<Option<Fields>>, DocxError> {
    let value =
        lookup(scopes, name).ok_or_else(|| DocxError::Unknown { part: part.to_owned(), name: name.to_owned() })?;
    let holds = match value {
        Value::Text(text) => !text.is_empty(),
        Value::Flag(flag) => *flag,
        Value::List(items) => !items.is_empty(),
    };
    if inverted {
        return Ok(if holds { Vec::new() } else { vec![None] });
    }
    Ok(match value {
        Value::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let mut item = item.clone();
                if item.get("序号").is_none() {
                    item = item.text("序号", (i + 1).to_string());
                }
                Some(item)
            })
            .collect(),
        _ if holds => vec![None],
        _ => Vec::new(),
    })
}

/// Fills a text that holds whole sections (the content of a section within one run, or a
/// property such as the file's title).
pub(crate) fn fill_inline(part: &str, text: &str, scopes: &[&Fields]) -> Result<String, DocxError> {
    let found = tags(part, text)?;
    let mut out = String::new();
    let mut at = 0;
    let mut i = 0;
    while i < found.len() {
        let f = &found[i];
        out.push_str(&text[at..f.start]);
        match &f.tag {
            Tag::Field(name) => {
                out.push_str(&field_text(part, scopes, name)?);
                at = f.end;
                i += 1;
            }
            Tag::Close(name) => return Err(DocxError::StrayEnd { part: part.to_owned(), name: name.clone() }),
            Tag::Open(name) | Tag::Inverted(name) => {
                let close = matching(part, found[i + 1..].iter().map(|f| &f.tag), name)? + i + 1;
                let inner = &text[f.end..found[close].start];
                for scope in section_scopes(part, scopes, name, matches!(f.tag, Tag::Inverted(_)))? {
                    let mut stack = scopes.to_vec();
                    if let Some(scope) = &scope {
                        stack.push(scope);
                    }
                    out.push_str(&fill_inline(part, inner, &stack)?);
                }
                at = found[close].end;
                i = close + 1;
            }
        }
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// The index of the tag closing the section `name` among the tags after its opening one.
fn matching<'a>(part: &str, after: impl Iterator<Item = &'a Tag>, name: &str) -> Result<usize, DocxError> {
    let mut depth = 0usize;
    for (index, tag) in after.enumerate() {
        match tag {
            Tag::Open(_) | Tag::Inverted(_) => depth += 1,
            Tag::Close(closed) if depth == 0 => {
                if closed == name {
                    return Ok(index);
                }
                return Err(DocxError::Mismatch {
                    part: part.to_owned(),
                    open: name.to_owned(),
                    close: closed.clone(),
                });
            }
            Tag::Close(_) => depth -= 1,
            Tag::Field(_) => {}
        }
    }
    Err(DocxError::MissingEnd { part: part.to_owned(), name: name.to_owned() })
}

/// Removes the tag at `found` from the `w:t` at `path` under `element`.
fn remove_tag(element: &mut Element, path: &[usize], found: &Found) {
    if let Some(t) = element.at_mut(path) {
        let text = t.text();
        t.set_text(format!("{}{}", &text[..found.start], &text[found.end..]));
    }
}

/// The text of every `w:t` under an element.
fn texts_of(element: &Element, out: &mut String) {
    for e in element.elements() {
        if e.name == "w:t" {
            out.push_str(&e.text());
        } else {
            texts_of(e, out);
        }
    }
}

/// Whether a paragraph shows nothing: no text and no picture.
fn blank(element: &Element) -> bool {
    element.elements().all(|e| match e.name.as_str() {
        "w:t" => e.text().is_empty(),
        "w:drawing" | "w:pict" | "w:object" => false,
        _ => blank(e),
    })
}

/// Fills a normalized tree: every tag replaced, every section expanded.
pub(crate) fn fill(part: &str, root: &mut Element, scopes: &[&Fields]) -> Result<(), DocxError> {
    loop {
        let mut found = Vec::new();
        all_tags(part, root, &mut Vec::new(), &mut found)?;
        let Some((path, first)) = found.first().cloned() else { return Ok(()) };
        match &first.tag {
            Tag::Field(name) => {
                let value = field_text(part, scopes, name)?;
                if let Some(t) = root.at_mut(&path) {
                    let text = t.text();
                    t.set_text(format!("{}{}{}", &text[..first.start], value, &text[first.end..]));
                }
            }
            Tag::Close(name) => return Err(DocxError::StrayEnd { part: part.to_owned(), name: name.clone() }),
            Tag::Open(name) | Tag::Inverted(name) => {
                let close = matching(part, found[1..].iter().map(|(_, f)| &f.tag), name)? + 1;
                let (close_path, last) = found[close].clone();
                let inverted = matches!(first.tag, Tag::Inverted(_));
                expand(part, root, (&path, &first), (&close_path, &last), scopes, name, inverted)?;
            }
        }
    }
}

/// Expands one section whose tags are at `open` and `close`.
fn expand(
    part: &str,
    root: &mut Element,
    open: (&[usize], &Found),
    close: (&[usize], &Found),
    scopes: &[&Fields],
    name: &str,
    inverted: bool,
) -> Result<(), DocxError> {
    let items = section_scopes(part, scopes, name, inverted)?;
    if open.0 == close.0 {
        // Within one run: the text between the tags, once per record. A paragraph that held
        // nothing but the section and is left empty goes, as a tag paragraph does.
        let paragraph = (0..open.0.len()).rev().find(|&i| root.at(&open.0[..=i]).is_some_and(|e| e.name == "w:p"));
        let only_the_section = paragraph.is_some_and(|i| {
            root.at(&open.0[..=i]).is_some_and(|p| {
                let mut all = String::new();
                texts_of(p, &mut all);
                root.at(open.0).is_some_and(|t| all.trim() == t.text()[open.1.start..close.1.end].trim())
            })
        });
        let Some(t) = root.at_mut(open.0) else { return Ok(()) };
        let text = t.text();
        let inner = &text[open.1.end..close.1.start];
        let mut out = text[..open.1.start].to_owned();
        for scope in &items {
            let mut stack = scopes.to_vec();
            if let Some(scope) = scope {
                stack.push(scope);
            }
            out.push_str(&fill_inline(part, inner, &stack)?);
        }
        out.push_str(&text[close.1.end..]);
        t.set_text(out);
        if let Some(i) = paragraph.filter(|_| only_the_section) {
            let (parent_path, index) = (&open.0[..i], open.0[i]);
            if let Some(parent) = root.at_mut(parent_path) {
                let paragraphs = parent.elements().filter(|e| e.name == "w:p").count();
                let empty = matches!(parent.children.get(index), Some(Node::Element(p)) if blank(p));
                // A table cell keeps at least one paragraph.
                if empty && (parent.name != "w:tc" || paragraphs > 1) {
                    parent.children.remove(index);
                }
            }
        }
        return Ok(());
    }
    let common = open.0.iter().zip(close.0).take_while(|(a, b)| a == b).count();
    let shared = root.at(&open.0[..common]).map(|e| e.name.clone()).unwrap_or_default();
    // The tags in two cells of one row, or in two rows of a table: the rows repeat.
    let (depth, rows) = match shared.as_str() {
        "w:tr" if common > 0 => (common - 1, true),
        "w:tbl" => (common, true),
        _ => (common, false),
    };
    let (a, b) = (open.0[depth], close.0[depth]);
    let Some(container) = root.at(&open.0[..depth]) else { return Ok(()) };
    let mut range: Vec<Node> = container.children[a..=b].to_vec();
    let last = range.len() - 1;
    if let Node::Element(e) = &mut range[last] {
        remove_tag(e, &close.0[depth + 1..], close.1);
    }
    if let Node::Element(e) = &mut range[0] {
        remove_tag(e, &open.0[depth + 1..], open.1);
    }
    if !rows {
        // A tag alone in its paragraph marks where the section starts or ends; it is not content.
        let standalone = |node: &Node| matches!(node, Node::Element(e) if e.name == "w:p" && blank(e));
        if standalone(&range[last]) {
            range.pop();
        }
        if last > 0 && standalone(&range[0]) {
            range.remove(0);
        }
    }
    let mut filled = Vec::new();
    for (n, scope) in items.iter().enumerate() {
        let mut stack = scopes.to_vec();
        if let Some(scope) = scope {
            stack.push(scope);
        }
        let mut wrapper =
            Element { name: container.name.clone(), start: String::new(), end: String::new(), children: range.clone() };
        fill(part, &mut wrapper, &stack)?;
        if n > 0 {
            strip_ids(&mut wrapper);
        }
        filled.extend(wrapper.children);
    }
    if let Some(container) = root.at_mut(&open.0[..depth]) {
        container.children.splice(a..=b, filled);
    }
    Ok(())
}

/// Removes from a repeated copy what must be unique in a file: bookmarks (their names and ids;
/// a link to one leads to the first copy) and Word's paragraph ids.
fn strip_ids(element: &mut Element) {
    element
        .children
        .retain(|c| !matches!(c, Node::Element(e) if e.name == "w:bookmarkStart" || e.name == "w:bookmarkEnd"));
    for child in &mut element.children {
        if let Node::Element(e) = child {
            if e.name == "w:p" {
                for key in [" w14:paraId=\"", " w14:textId=\""] {
                    if let Some(at) = e.start.find(key)
                        && let Some(len) = e.start[at + key.len()..].find('"')
                    {
                        e.start.replace_range(at..at + key.len() + len + 1, "");
                    }
                }
            }
            strip_ids(e);
        }
    }
}
