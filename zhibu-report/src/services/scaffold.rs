//! Plugin authoring: `zhibu plugin new` writes a working template crate (with a copy of the SDK
//! and a sample request made from demo data), and `zhibu plugin build` compiles it to a
//! component and packages it with a manifest whose hash and permissions come from the build.

use super::ReportError;
use crate::plugin_host::package::{self, Manifest};
use crate::plugin_host::{PluginError, PluginHost, RenderRequest, convert};
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

[dependencies]
wit-bindgen = { version = "0.61", default-features = false, features = ["macros", "realloc"] }
wit-component = { version = "0.258", default-features = false, optional = true }
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
plugin-api = { path = "sdk/plugin-api" }

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

fn io(path: &Path) -> impl Fn(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Plugin(PluginError::Io { path: path.to_owned(), source })
}

fn write(path: &Path, text: &str) -> Result<(), ReportError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    std::fs::write(path, text).map_err(io(path))
}

/// Creates `parent/name/`: a working template crate, the SDK copy and `fixture.json`.
pub fn create(parent: &Path, name: &str) -> Result<PathBuf, ReportError> {
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
    write(&root.join("Cargo.toml"), &CRATE_MANIFEST.replace("{name}", name))?;
    write(&root.join("rust-toolchain.toml"), TOOLCHAIN)?;
    write(&root.join("src/lib.rs"), &TEMPLATE.replace("{name}", name))?;
    write(&root.join("README.md"), &README.replace("{name}", name))?;
    write(&root.join(".gitignore"), "/target\n/dist\n/out.json\n")?;
    let sdk = root.join("sdk/plugin-api");
    write(&sdk.join("Cargo.toml"), SDK_MANIFEST)?;
    for (path, text) in SDK_FILES {
        write(&sdk.join(path), text)?;
    }
    let fixture = sample_request()?;
    let text = serde_json::to_string_pretty(&fixture)
        .map_err(|e| ReportError::Param { key: "fixture".into(), why: e.to_string() })?;
    write(&root.join("fixture.json"), &text)?;
    Ok(root)
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
