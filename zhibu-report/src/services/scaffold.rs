//! Plugin authoring: `zhibu plugin new` writes a working template crate (with a copy of the SDK
//! and a sample request made from demo data), `zhibu plugin new --from-docx` one that fills a Word
//! file the author made (the file embedded, its placeholders listed with what each can take), and
//! `zhibu plugin build` compiles it to a component and packages it with a manifest whose hash and
//! permissions come from the build.

use super::ReportError;
use crate::plugin_host::RecordKind;
use crate::plugin_host::package::{self, Manifest};
use crate::plugin_host::{PluginError, PluginHost, RenderRequest, convert};
use plugin_api::docx::{CATALOGUE, CatalogueEntry, EntryKind, Placeholder, PlaceholderKind};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use zhibu_core::services::demo::{DemoOptions, generate};
use zhibu_core::store::Store;

macro_rules! sdk_file {
    ($path:literal) => {
        ($path, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../plugin-api/", $path)))
    };
}

/// The SDK's files, copied into every new plugin crate so it builds outside this repository.
const SDK_FILES: &[(&str, &str)] = &[
    sdk_file!("README.md"),
    sdk_file!("src/lib.rs"),
    sdk_file!("src/build.rs"),
    sdk_file!("src/builder.rs"),
    sdk_file!("src/params.rs"),
    sdk_file!("src/docx/mod.rs"),
    sdk_file!("src/docx/fields.rs"),
    sdk_file!("src/docx/fill.rs"),
    sdk_file!("src/docx/toc.rs"),
    sdk_file!("src/docx/tree.rs"),
    sdk_file!("wit/1.3.0/types.wit"),
];

const SDK_MANIFEST: &str = r#"[package]
name = "plugin-api"
version = "1.3.0"
edition = "2024"
description = "Zhibu report-template SDK (copied by `zhibu plugin new`)"
publish = false

[features]
build = ["dep:wit-component"]
docx = ["dep:zip-sdk", "dep:flate2", "dep:quick-xml", "dep:thiserror"]

[dependencies]
wit-bindgen = { version = "0.61", default-features = false, features = ["macros", "realloc"] }
wit-component = { version = "0.258", default-features = false, optional = true }
zip-sdk = { package = "zip", version = "8.6", default-features = false, features = ["deflate-flate2"], optional = true }
flate2 = { version = "1.1", optional = true }
quick-xml = { version = "0.41", optional = true }
thiserror = { version = "2.0", optional = true }
"#;

const CRATE_MANIFEST: &str = r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
# cdylib: the WebAssembly component; rlib: the same code, unit-tested with `cargo test`.
crate-type = ["cdylib", "rlib"]

[dependencies]
plugin-api = { path = "sdk/plugin-api"{features} }

[profile.release]
# Keep function names so a crash report names the function.
strip = "debuginfo"
opt-level = "s"

# A workspace of its own: the plugin builds wherever it is copied.
[workspace]
"#;

const TOOLCHAIN: &str = r#"[toolchain]
channel = "1.95.0"
targets = ["wasm32-unknown-unknown"]
"#;

const TEMPLATE: &str = r#"//! {name}：党员名册模板（由 zhibu plugin new 生成，按需修改）。

use plugin_api::{
    DocumentBuilder, Output, ParamKind, ParamSpec, RecordKind, RenderError, RenderRequest, RequestExt, TableBuilder,
    Template, TemplateInfo,
};

/// 模板本体。
pub struct Roster;

plugin_api::export_template!(Roster);

impl Template for Roster {
    fn info() -> TemplateInfo {
        TemplateInfo {
            id: "{name}".into(),
            name: "党员名册".into(),
            version: "0.1.0".into(),
            description: "列出一个党支部的党员：姓名、性别、出生日期、入党时间和党员状态。".into(),
            parameters: vec![ParamSpec {
                key: "branch".into(),
                label: "党支部".into(),
                kind: ParamKind::Branch,
                required: true,
                default_value: None,
                choices: Vec::new(),
                help: "要列出的党支部".into(),
            }],
            needs: vec![RecordKind::Organizations, RecordKind::Members],
            schemes: Vec::new(),
        }
    }

    fn render(request: &RenderRequest) -> Result<Output, RenderError> {
        let branch = request.int("branch")?;
        let records = &request.records;
        let org = records
            .organizations
            .iter()
            .find(|o| o.id == branch)
            .ok_or_else(|| RenderError::InvalidParameter(("branch".into(), format!("党支部不存在：{branch}"))))?;
        let members: Vec<_> = records.members.iter().filter(|m| m.branch == branch).collect();
        let mut table = TableBuilder::new(&[16.0, 34.0, 16.0, 30.0, 30.0, 30.0])
            .header(["序号", "姓名", "性别", "民族", "入党时间", "党员状态"]);
        for (i, m) in members.iter().enumerate() {
            let gender = if m.gender == "male" { "男" } else { "女" };
            let status = if m.status == "full" { "正式党员" } else { "预备党员" };
            table = table.row([(i + 1).to_string(), m.name.clone(), gender.into(), m.ethnicity.clone(), m.joined_on.clone(), status.into()]);
        }
        Ok(DocumentBuilder::plain(format!("{}党员名册", org.name))
            .paragraph(format!("截至{}，本支部共有党员{}名。", request.generated_on(), members.len()))
            .table(table.build())
            .signature([format!("制表单位：{}", org.name)], request.generated_on().to_owned())
            .build()
            .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_roster_lists_the_branch_members() {
        use plugin_api::{Block, Member, Organization, Param, Records};
        let member = |id: i64, name: &str| Member {
            id,
            name: name.into(),
            gender: "male".into(),
            birth_date: String::new(),
            ethnicity: "汉族".into(),
            id_number: "330784********0011".into(),
            phone: None,
            status: "full".into(),
            joined_on: "2010-06-01".into(),
            confirmed_on: None,
            branch: 3,
            group: None,
            in_service: false,
            dual_community: None,
        };
        let org = Organization { id: 3, parent: None, kind: "branch".into(), category: "community".into(), name: "金山社区党支部".into() };
        let request = RenderRequest {
            params: vec![Param { key: "branch".into(), value: "3".into() }],
            generated_at: "2025-12-28T10:00:00".into(),
            unit_name: "测试单位".into(),
            records: Records {
                organizations: vec![org],
                terms: Vec::new(),
                members: vec![member(1, "张三"), member(2, "李四")],
                meetings: Vec::new(),
                duty_reviews: Vec::new(),
                appraisals: Vec::new(),
                schemes: Vec::new(),
                star_ratings: Vec::new(),
                volunteer_activities: Vec::new(),
                compliance: Vec::new(),
                elections: Vec::new(),
            },
        };
        let Ok(Output::Document(doc)) = Roster::render(&request) else { panic!("a document model") };
        assert_eq!(doc.title, "金山社区党支部党员名册");
        let Block::Table(table) = &doc.sections[0].blocks[1] else { panic!("the second block is the table") };
        assert_eq!(table.rows.len(), 3, "a header row and two members");
    }
}
"#;

const README: &str = r#"# {name}

由 `zhibu plugin new {name}` 生成的报表模板工程。SDK 说明见 `sdk/plugin-api/README.md`。

```sh
zhibu plugin build                                   # 编译并打包到 dist/{name}/ 和 dist/{name}-<版本>.zip
zhibu plugin run dist/{name}/plugin.wasm --fixture fixture.json --out out.json
zhibu plugin install dist/{name}                     # 安装到本机的支部工作台
cargo test                                           # 在本机原生运行单元测试
```

`fixture.json` 是用演示数据生成的样例请求，可按需修改。
"#;

const FROM_DOCX_TEMPLATE: &str = r#"//! {name}：由 Word 文件 {file} 生成的报表模板（zhibu plugin new --from-docx）。
//!
//! 改格式和文字：在 Word 里编辑 template.docx，再 zhibu plugin build。占位符的写法和可用的
//! 字段见 README.md；标准字段没有的，在 render 里补上（见下面的注释）。

use plugin_api::docx::{self, Fields};
use plugin_api::{DocxFile, Output, ParamKind, RecordKind, RenderError, RenderRequest, Template, TemplateInfo, param};

/// 作者在 Word 里做的模板文件，编译时嵌入插件。
pub const WORD_FILE: &[u8] = include_bytes!("../template.docx");

/// 模板本体。
pub struct WordTemplate;

plugin_api::export_template!(WordTemplate);

impl Template for WordTemplate {
    fn info() -> TemplateInfo {
        TemplateInfo {
            id: "{name}".into(),
            name: {title}.into(),
            version: "0.1.0".into(),
            description: "由 Word 文件 {file} 生成，用所选党支部一个年度的记录填写。".into(),
            parameters: vec![
                param("branch", "党支部", ParamKind::Branch, true, None, "要填写的党支部"),
                param("year", "年度", ParamKind::Year, true, None, "要填写的年度"),
            ],
            needs: vec![{needs}],
            schemes: Vec::new(),
        }
    }

    fn render(request: &RenderRequest) -> Result<Output, RenderError> {
        let fields: Fields = docx::standard_fields(request)?;
        // 标准字段以外的占位符在这里补上，例如：
        // let fields = fields.text("联系电话", "0570-8881234");
        let branch = match fields.get("支部名称") {
            Some(docx::Value::Text(name)) => name.clone(),
            _ => String::new(),
        };
        let bytes = docx::fill(WORD_FILE, &fields)?;
        Ok(Output::Docx(DocxFile { title: format!("{branch}{}", {title}), bytes }))
    }
}

#[cfg(test)]
mod tests {
    /// Word 文件里的每个占位符都有字段可填（cargo test）。
    #[test]
    fn every_placeholder_has_a_field() {
        let unknown = plugin_api::docx::unknown_placeholders(super::WORD_FILE).map_err(|e| e.to_string());
        assert_eq!(unknown, Ok(Vec::new()), "这些占位符没有标准字段，请在 render 里补上");
    }
}
"#;

const FROM_DOCX_README: &str = r#"# {name}：{title}

由 `zhibu plugin new {name} --from-docx` 生成的 Word 文件模板。模板的格式就是 `template.docx`：
在 Word（或 WPS）里改它，再编译即可，页眉、字体、样式和表格都原样保留。

```sh
zhibu plugin build                                   # 编译并打包到 dist/{name}/
zhibu plugin run dist/{name}/plugin.wasm --fixture fixture.json --out out.docx
zhibu plugin fixture --db 支部.db --template dist/{name} --param branch=3 --param year=2025 --out real.json
zhibu plugin install dist/{name}                     # 安装到本机的支部工作台
cargo test                                           # 检查每个占位符都有字段可填
```

占位符写法（详见 `sdk/plugin-api/README.md`）：`{{名称}}` 填一个值；`{{#会议}} … {{/会议}}` 每条记录重复
一次（两个标记在同一表格行里就重复这一行）；`{{#有决议}} … {{/有决议}}` 条件成立时保留，`{{^有决议}} … {{/有决议}}`
不成立时保留。

## 在 Word 文件里找到的占位符

| 占位符 | 位置 | 可填的内容 |
|---|---|---|
"#;

fn io(path: &Path) -> impl Fn(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Plugin(PluginError::Io { path: path.to_owned(), source })
}

fn write(path: &Path, text: &str) -> Result<(), ReportError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    std::fs::write(path, text).map_err(io(path))
}

/// Checks a new plugin's id and that its folder does not exist yet; returns the folder.
fn new_root(parent: &Path, name: &str) -> Result<PathBuf, ReportError> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid {
        return Err(ReportError::Param {
            key: "name".into(),
            why: format!("插件标识只能由小写字母开头，含小写字母、数字和连字符：{name}"),
        });
    }
    let root = parent.join(name);
    if root.exists() {
        return Err(ReportError::Param { key: "name".into(), why: format!("目录已存在：{}", root.display()) });
    }
    Ok(root)
}

/// Writes what every new crate has: its manifest, the toolchain, the SDK copy, `.gitignore`.
fn write_crate(root: &Path, name: &str, features: &str) -> Result<(), ReportError> {
    write(&root.join("Cargo.toml"), &CRATE_MANIFEST.replace("{name}", name).replace("{features}", features))?;
    write(&root.join("rust-toolchain.toml"), TOOLCHAIN)?;
    write(&root.join(".gitignore"), "/target\n/dist\n/out.json\n/out.docx\n")?;
    let sdk = root.join("sdk/plugin-api");
    write(&sdk.join("Cargo.toml"), SDK_MANIFEST)?;
    for (path, text) in SDK_FILES {
        write(&sdk.join(path), text)?;
    }
    Ok(())
}

fn write_fixture(root: &Path, request: &RenderRequest) -> Result<(), ReportError> {
    let text = serde_json::to_string_pretty(request)
        .map_err(|e| ReportError::Param { key: "fixture".into(), why: e.to_string() })?;
    write(&root.join("fixture.json"), &text)
}

/// Creates `parent/name/`: a working template crate, the SDK copy and `fixture.json`.
pub fn create(parent: &Path, name: &str) -> Result<PathBuf, ReportError> {
    let root = new_root(parent, name)?;
    write_crate(&root, name, "")?;
    write(&root.join("src/lib.rs"), &TEMPLATE.replace("{name}", name))?;
    write(&root.join("README.md"), &README.replace("{name}", name))?;
    write_fixture(&root, &sample_request()?)?;
    Ok(root)
}

/// A placeholder found in the author's Word file, and the standard field it is filled from.
#[derive(Debug, Clone)]
pub struct Found {
    /// The placeholder (each name once per enclosing sections).
    pub placeholder: Placeholder,
    /// The standard field it takes, if there is one.
    pub field: Option<&'static CatalogueEntry>,
}

impl Found {
    /// The placeholder as typed (`{{#会议}}`).
    pub fn tag(&self) -> String {
        let mark = match self.placeholder.kind {
            PlaceholderKind::Field => "",
            PlaceholderKind::Section => "#",
            PlaceholderKind::Inverted => "^",
        };
        format!("{{{{{mark}{}}}}}", self.placeholder.name)
    }

    /// Where it is, in the author's words (`正文，在 {{#会议}} 里`).
    pub fn place(&self) -> String {
        let part = &self.placeholder.part;
        let mut place = if part.contains("header") {
            "页眉".to_owned()
        } else if part.contains("footer") {
            "页脚".to_owned()
        } else if part.contains("note") {
            "脚注".to_owned()
        } else {
            "正文".to_owned()
        };
        if let Some(list) = self.placeholder.within.last() {
            place.push_str(&format!("，在 {{{{#{list}}}}} 里"));
        }
        place
    }

    /// What it can take: the field's description (for a list, the fields inside it), or that no
    /// standard field has that name.
    pub fn takes(&self) -> String {
        match self.field {
            Some(entry) if self.placeholder.kind == PlaceholderKind::Inverted => {
                format!("反向条件（为空或不成立时保留）：{}", entry.help)
            }
            Some(entry) if entry.kind == EntryKind::List => {
                let inside: Vec<String> = CATALOGUE
                    .iter()
                    .filter(|e| e.within == Some(entry.name))
                    .map(|e| match e.kind {
                        EntryKind::Text => format!("{{{{{}}}}}", e.name),
                        _ => format!("{{{{#{}}}}}", e.name),
                    })
                    .collect();
                format!("列表：{}。其中可用 {{{{序号}}}} {}", entry.help, inside.join(" "))
            }
            Some(entry) if entry.kind == EntryKind::Flag => format!("条件：{}", entry.help),
            Some(entry) => entry.help.to_owned(),
            None => "没有这个标准字段：请在 src/lib.rs 的 render 里用 fields.text(…) 补上，或在 Word 里改成表中的名称"
                .to_owned(),
        }
    }
}

/// A crate made from a Word file.
#[derive(Debug, Clone)]
pub struct FromDocx {
    /// The crate's folder.
    pub root: PathBuf,
    /// The template's name (the file's title, or its file name).
    pub title: String,
    /// The placeholders found, in the file's order.
    pub found: Vec<Found>,
}

/// The title a Word file gives itself (`docProps/core.xml`'s `dc:title`), if any and if it is a
/// name: a title still holding a placeholder (`{{支部名称}}{{年度}}年度三会一课登记表`, Word copies the
/// first line into it) would be listed raw, so the file name serves instead.
fn docx_title(bytes: &[u8]) -> Option<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut core = String::new();
    let file = archive.by_name("docProps/core.xml").ok()?;
    std::io::Read::read_to_string(&mut std::io::Read::take(file, 1 << 20), &mut core).ok()?;
    let start = core.find("<dc:title>")? + "<dc:title>".len();
    let end = core[start..].find("</dc:title>")? + start;
    let title = core[start..end].trim();
    (!title.is_empty() && !title.contains('&') && !title.contains("{{")).then(|| title.to_owned())
}

/// Creates `parent/name/` from the author's Word file `docx`: a crate that embeds it
/// (`template.docx`) and fills it with the standard fields of a branch's year, a README listing
/// every placeholder found with what it can take, and `fixture.json` with the records those
/// placeholders need (from demo data). Refuses a file the host would refuse (macros, external
/// links, embedded objects) or whose placeholders cannot be read (a `{{` never closed, a section
/// never ended), naming the problem.
pub fn create_from_docx(parent: &Path, name: &str, docx: &Path) -> Result<FromDocx, ReportError> {
    let root = new_root(parent, name)?;
    let bytes = std::fs::read(docx).map_err(io(docx))?;
    let refused =
        |why: String| ReportError::Param { key: "from-docx".into(), why: format!("{why}（{}）", docx.display()) };
    crate::plugin_host::docx::check("模板", &bytes, &Default::default(), &crate::plugin_host::Limits::default())
        .map_err(|e| refused(e.to_string()))?;
    let mut found: Vec<Found> = Vec::new();
    for placeholder in plugin_api::docx::placeholders(&bytes).map_err(|e| refused(e.to_string()))? {
        let seen = found.iter().any(|f| {
            f.placeholder.name == placeholder.name
                && f.placeholder.kind == placeholder.kind
                && f.placeholder.within == placeholder.within
        });
        if !seen {
            let field = plugin_api::docx::catalogue_entry(&placeholder.name, &placeholder.within);
            found.push(Found { placeholder, field });
        }
    }
    let title = docx_title(&bytes)
        .or_else(|| docx.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
        .unwrap_or_else(|| name.to_owned());
    let mut kinds = vec![record_kind(plugin_api::RecordKind::Organizations)];
    for kind in found.iter().filter_map(|f| f.field).flat_map(|e| e.needs.iter()) {
        let kind = record_kind(*kind);
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    let needs: Vec<RecordKind> = kinds.iter().map(|(k, _)| *k).collect();
    let kinds: Vec<String> = kinds.iter().map(|(_, name)| format!("RecordKind::{name}")).collect();
    write_crate(&root, name, r#", features = ["docx"]"#)?;
    std::fs::copy(docx, root.join("template.docx")).map_err(io(docx))?;
    let source = FROM_DOCX_TEMPLATE
        .replace("{name}", name)
        .replace("{file}", &docx.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default())
        .replace("{title}", &format!("{title:?}"))
        .replace("{needs}", &needs_source(&kinds));
    write(&root.join("src/lib.rs"), &source)?;
    write(&root.join("README.md"), &from_docx_readme(name, &title, &found))?;
    let info = crate::plugin_host::TemplateInfo {
        id: name.to_owned(),
        name: title.clone(),
        version: "0.1.0".into(),
        description: String::new(),
        parameters: Vec::new(),
        needs,
        schemes: Vec::new(),
    };
    write_fixture(&root, &demo_request(&info)?)?;
    Ok(FromDocx { root, title, found })
}

/// The `needs` list as rustfmt lays it out (one line while it fits in 120 columns), so the
/// crate the scaffold writes is already formatted.
fn needs_source(kinds: &[String]) -> String {
    let line = kinds.join(", ");
    if "            needs: vec![".len() + line.chars().count() + "],".len() <= 120 {
        line
    } else {
        let items: String = kinds.iter().map(|k| format!("\n                {k},")).collect();
        format!("{items}\n            ")
    }
}

/// The host's record kind for the SDK's, and its name in a template's source.
fn record_kind(kind: plugin_api::RecordKind) -> (RecordKind, &'static str) {
    use plugin_api::RecordKind as Sdk;
    match kind {
        Sdk::Organizations => (RecordKind::Organizations, "Organizations"),
        Sdk::Members => (RecordKind::Members, "Members"),
        Sdk::Meetings => (RecordKind::Meetings, "Meetings"),
        Sdk::DutyReviews => (RecordKind::DutyReviews, "DutyReviews"),
        Sdk::Appraisals => (RecordKind::Appraisals, "Appraisals"),
        Sdk::StarRatings => (RecordKind::StarRatings, "StarRatings"),
        Sdk::VolunteerActivities => (RecordKind::VolunteerActivities, "VolunteerActivities"),
        Sdk::Compliance => (RecordKind::Compliance, "Compliance"),
        Sdk::Elections => (RecordKind::Elections, "Elections"),
        Sdk::Dues => (RecordKind::Dues, "Dues"),
        Sdk::Volunteers => (RecordKind::Volunteers, "Volunteers"),
        Sdk::Committee => (RecordKind::Committee, "Committee"),
    }
}

fn from_docx_readme(name: &str, title: &str, found: &[Found]) -> String {
    let mut text = FROM_DOCX_README.replace("{name}", name).replace("{title}", title);
    for f in found {
        text.push_str(&format!("| `{}` | {} | {} |\n", f.tag(), f.place(), f.takes()));
    }
    text.push_str("\n## 全部标准字段\n\n| 占位符 | 所在列表 | 内容 |\n|---|---|---|\n");
    for entry in CATALOGUE {
        let tag = match entry.kind {
            EntryKind::Text => format!("{{{{{}}}}}", entry.name),
            _ => format!("{{{{#{0}}}}} … {{{{/{0}}}}}", entry.name),
        };
        let within = entry.within.unwrap_or("—");
        text.push_str(&format!("| `{tag}` | {within} | {} |\n", entry.help));
    }
    text
}

/// A request for `info` over a small in-memory demo set: its first branch, the demo's last year.
fn demo_request(info: &crate::plugin_host::TemplateInfo) -> Result<RenderRequest, ReportError> {
    let temp = std::env::temp_dir();
    let mut store = Store::open_in_memory("插件样例", &temp)?;
    let options = DemoOptions { branches: 1, members_per_branch: 12, years: 1, ..DemoOptions::default() };
    generate(&mut store, &options)?;
    let branch = store
        .organizations()?
        .iter()
        .find(|o| o.record.kind == zhibu_core::domain::OrgKind::Branch)
        .map(|o| o.id.0)
        .unwrap_or_default();
    let mut info = info.clone();
    info.parameters = vec![
        param_spec("branch", crate::plugin_host::ParamKind::Branch),
        param_spec("year", crate::plugin_host::ParamKind::Year),
    ];
    let params = vec![("branch".to_owned(), branch.to_string()), ("year".to_owned(), options.last_year.to_string())];
    let at = chrono::NaiveDate::from_ymd_opt(options.last_year, 12, 28)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .unwrap_or_default();
    super::report::request_for(&store, &zhibu_core::rules::RuleSet::default(), &info, params, at, false)
}

fn param_spec(key: &str, kind: crate::plugin_host::ParamKind) -> crate::plugin_host::ParamSpec {
    crate::plugin_host::ParamSpec {
        key: key.to_owned(),
        label: String::new(),
        kind,
        required: true,
        default_value: None,
        choices: Vec::new(),
        help: String::new(),
    }
}

/// A request for the scaffold's roster template, made from a small in-memory demo set.
fn sample_request() -> Result<RenderRequest, ReportError> {
    let temp = std::env::temp_dir();
    let mut store = Store::open_in_memory("插件样例", &temp)?;
    generate(&mut store, &DemoOptions { branches: 1, members_per_branch: 8, years: 1, ..DemoOptions::default() })?;
    let organizations = store.organizations()?;
    let branch = organizations
        .iter()
        .find(|o| o.record.kind == zhibu_core::domain::OrgKind::Branch)
        .map(|o| o.id.0)
        .unwrap_or_default();
    let mut records = convert::empty_records();
    records.organizations = organizations.iter().map(convert::organization).collect();
    records.members = store.members(None)?.iter().map(|m| convert::member(m, false)).collect();
    Ok(RenderRequest {
        params: vec![crate::plugin_host::Param { key: "branch".into(), value: branch.to_string() }],
        generated_at: "2025-12-28T10:00:00".into(),
        unit_name: store.setting("unit_name")?.unwrap_or_default(),
        records,
        rules: super::report::rule_figures(&zhibu_core::rules::RuleSet::default()),
    })
}

/// A packaged plugin.
#[derive(Debug, Clone)]
pub struct Built {
    /// The manifest written.
    pub manifest: Manifest,
    /// `dist/<id>/` (plugin.toml + plugin.wasm).
    pub folder: PathBuf,
    /// `dist/<id>-<version>.zip`.
    pub zip: PathBuf,
}

/// Compiles the crate in `dir`, loads the component once, and writes `dist/`.
pub fn build(dir: &Path, host: &PluginHost) -> Result<Built, ReportError> {
    let manifest_path = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest_path).map_err(io(&manifest_path))?;
    let cargo: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| ReportError::Param { key: "Cargo.toml".into(), why: e.message().to_owned() })?;
    let name = cargo
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .ok_or_else(|| ReportError::Param {
            key: "Cargo.toml".into(),
            why: format!("没有 [package] name：{}", manifest_path.display()),
        })?
        .to_owned();
    let component = plugin_api::build::build_component(dir, &name, &[], &dir.join("target"))
        .map_err(|why| ReportError::Param { key: "build".into(), why })?;
    let plugin = host.load(&component, &name)?;
    let info = &plugin.info;
    let sha256 = crate::plugin_host::sha256_bytes(&component);
    let manifest = Manifest {
        id: info.id.clone(),
        name: info.name.clone(),
        version: info.version.clone(),
        api_version: plugin.api_version.clone(),
        sha256: Some(sha256),
        permissions: info.needs.iter().map(|k| package::permission_name(*k).to_owned()).collect(),
        wasm: "plugin.wasm".into(),
    };
    let manifest_text =
        toml::to_string(&manifest).map_err(|e| ReportError::Param { key: "plugin.toml".into(), why: e.to_string() })?;
    let dist = dir.join("dist");
    let folder = dist.join(&info.id);
    write(&folder.join("plugin.toml"), &manifest_text)?;
    std::fs::write(folder.join("plugin.wasm"), &component).map_err(io(&folder))?;
    let zip = dist.join(format!("{}-{}.zip", info.id, info.version));
    let file = std::fs::File::create(&zip).map_err(io(&zip))?;
    let mut archive = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let zip_error = |e: zip::result::ZipError| ReportError::Param { key: "zip".into(), why: e.to_string() };
    archive.start_file("plugin.toml", options).map_err(zip_error)?;
    archive.write_all(manifest_text.as_bytes()).map_err(io(&zip))?;
    archive.start_file("plugin.wasm", options).map_err(zip_error)?;
    archive.write_all(&component).map_err(io(&zip))?;
    archive.finish().map_err(zip_error)?;
    // The package must read back exactly as the host will read it at install.
    package::read(&folder)?;
    Ok(Built { manifest, folder, zip })
}
