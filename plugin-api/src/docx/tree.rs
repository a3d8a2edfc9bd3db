//! A Word part as a tree of elements whose markup is kept byte for byte: every start tag, end
//! tag, text, comment and declaration is the slice of the file it came from, so a part written
//! back unchanged is the same bytes, and a filled part differs only where a placeholder was.
//! Text stays escaped as it was (`&amp;`): the placeholder syntax needs no escaping, and values
//! are escaped once, when they are put in.

use super::DocxError;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// A piece of a part.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// An element and what it holds.
    Element(Element),
    /// Markup that is not an element (text, entity references, comments, declarations), verbatim.
    Raw(String),
}

/// An element: its tags verbatim, and its children.
#[derive(Debug, Clone)]
pub(crate) struct Element {
    /// The qualified name (`w:p`).
    pub name: String,
    /// The start tag as written (`<w:p w:rsidR="00A1">`), or the whole empty element (`<w:br/>`).
    pub start: String,
    /// The end tag as written; empty for an empty element.
    pub end: String,
    /// What it holds.
    pub children: Vec<Node>,
}

impl Element {
    /// The elements among the children.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Raw(_) => None,
        })
    }

    /// The raw (escaped) text an element holds directly: a `w:t`'s text.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for child in &self.children {
            if let Node::Raw(raw) = child {
                text.push_str(raw);
            }
        }
        text
    }

    /// Replaces a `w:t`'s text with `raw` (already escaped markup), keeping spaces as they are.
    pub fn set_text(&mut self, raw: String) {
        if self.end.is_empty() || !self.start.contains("xml:space") {
            self.start = format!("<{} xml:space=\"preserve\">", self.name);
            self.end = format!("</{}>", self.name);
        }
        self.children = vec![Node::Raw(raw)];
    }

    /// The child element at `path` (indices into `children`), if the path leads to one.
    pub fn at(&self, path: &[usize]) -> Option<&Element> {
        let Some((first, rest)) = path.split_first() else { return Some(self) };
        match self.children.get(*first)? {
            Node::Element(e) => e.at(rest),
            Node::Raw(_) => None,
        }
    }

    /// The child element at `path`, to change it.
    pub fn at_mut(&mut self, path: &[usize]) -> Option<&mut Element> {
        let Some((first, rest)) = path.split_first() else { return Some(self) };
        match self.children.get_mut(*first)? {
            Node::Element(e) => e.at_mut(rest),
            Node::Raw(_) => None,
        }
    }

    /// Writes the element back as markup.
    pub fn write(&self, out: &mut String) {
        out.push_str(&self.start);
        for child in &self.children {
            match child {
                Node::Element(e) => e.write(out),
                Node::Raw(raw) => out.push_str(raw),
            }
        }
        out.push_str(&self.end);
    }
}

/// Reads a part into a tree under a nameless root (its children: the declaration, the root
/// element, whatever surrounds them).
pub(crate) fn parse(part: &str, text: &str) -> Result<Element, DocxError> {
    let xml = |why: String| DocxError::Xml { part: part.to_owned(), why };
    let mut reader = Reader::from_str(text);
    let mut open: Vec<Element> =
        vec![Element { name: String::new(), start: String::new(), end: String::new(), children: Vec::new() }];
    let mut from = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| xml(e.to_string()))?;
        let to = usize::try_from(reader.buffer_position()).map_err(|e| xml(e.to_string()))?;
        let raw = text.get(from..to).ok_or_else(|| xml(format!("位置无效：{from}")))?;
        from = to;
        let name = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        match event {
            Event::Start(e) => open.push(Element {
                name: name(e.name().as_ref()),
                start: raw.to_owned(),
                end: String::new(),
                children: Vec::new(),
            }),
            Event::End(_) => {
                let mut element = open.pop().ok_or_else(|| xml("多余的结束标签".into()))?;
                element.end = raw.to_owned();
                if open.is_empty() {
                    return Err(xml(format!("多余的结束标签：{raw}")));
                }
                children_of(&mut open, part)?.push(Node::Element(element));
            }
            Event::Empty(e) => {
                let element = Element {
                    name: name(e.name().as_ref()),
                    start: raw.to_owned(),
                    end: String::new(),
                    children: Vec::new(),
                };
                children_of(&mut open, part)?.push(Node::Element(element));
            }
            Event::DocType(_) => return Err(xml("不接受 DOCTYPE 声明".into())),
            Event::Eof => break,
            _ => {
                let children = children_of(&mut open, part)?;
                if let Some(Node::Raw(last)) = children.last_mut() {
                    last.push_str(raw);
                } else {
                    children.push(Node::Raw(raw.to_owned()));
                }
            }
        }
    }
    let root = open.pop().ok_or_else(|| xml("没有内容".into()))?;
    if !open.is_empty() {
        return Err(xml(format!("元素没有结束：{}", root.name)));
    }
    Ok(root)
}

/// The children of the innermost open element.
fn children_of<'a>(open: &'a mut [Element], part: &str) -> Result<&'a mut Vec<Node>, DocxError> {
    open.last_mut()
        .map(|e| &mut e.children)
        .ok_or_else(|| DocxError::Xml { part: part.to_owned(), why: "多余的结束标签".into() })
}

/// Writes a tree from [`parse`] back as the part's text.
pub(crate) fn write(root: &Element) -> String {
    let mut out = String::new();
    root.write(&mut out);
    out
}
