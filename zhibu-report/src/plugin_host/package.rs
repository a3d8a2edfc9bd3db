//! Plugin packages: a folder or zip holding `plugin.toml` and the component's `.wasm`.
//!
//! The manifest names the template (id, name, version), the contract version, the wasm's
//! SHA-256 and the permissions (record kinds it may read). The hash is checked on install and
//! on every load; a wasm path that leaves the package is refused. The reference templates are
//! embedded in the binary and need no hash (they are part of it).

use super::{PluginError, RecordKind};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/reference_plugins.rs"));

/// Largest wasm a package may hold.
const MAX_WASM_BYTES: u64 = 64 << 20;
/// Largest manifest.
const MAX_MANIFEST_BYTES: u64 = 64 << 10;

/// `plugin.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The template's id (must equal what `describe` returns).
    pub id: String,
    /// Its Chinese name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// The contract version it was built against.
    pub api_version: String,
    /// SHA-256 of the wasm, lower-case hex (absent only for the embedded reference templates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The record kinds the package may read (`members`, `meetings`, …): shown for consent.
    pub permissions: Vec<String>,
    /// The wasm's file name inside the package.
    #[serde(default = "default_wasm")]
    pub wasm: String,
}

fn default_wasm() -> String {
    "plugin.wasm".to_owned()
}

/// Where a package came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Embedded in the app.
    Reference,
    /// Installed in the plugins folder.
    Installed(PathBuf),
    /// Read from a folder or zip the user pointed at.
    External(PathBuf),
}

/// A package in memory: its manifest and component bytes.
#[derive(Debug, Clone)]
pub struct Package {
    /// The manifest.
    pub manifest: Manifest,
    /// The component.
    pub wasm: Vec<u8>,
    /// Where it came from.
    pub source: Source,
}

/// Every record kind with the name manifests give it.
const PERMISSIONS: &[(RecordKind, &str)] = &[
    (RecordKind::Organizations, "organizations"),
    (RecordKind::Members, "members"),
    (RecordKind::Meetings, "meetings"),
    (RecordKind::DutyReviews, "duty-reviews"),
    (RecordKind::Appraisals, "appraisals"),
    (RecordKind::StarRatings, "star-ratings"),
    (RecordKind::VolunteerActivities, "volunteer-activities"),
    (RecordKind::Compliance, "compliance"),
    (RecordKind::Elections, "elections"),
    (RecordKind::Dues, "dues"),
    (RecordKind::Volunteers, "volunteers"),
    (RecordKind::Committee, "committee"),
];

/// The record kind named `name` in a manifest.
pub fn record_kind(name: &str) -> Option<RecordKind> {
    PERMISSIONS.iter().find(|(_, n)| *n == name).map(|(kind, _)| *kind)
}

/// The name a manifest gives a record kind.
pub fn permission_name(kind: RecordKind) -> &'static str {
    PERMISSIONS.iter().find(|(k, _)| *k == kind).map_or("", |(_, name)| name)
}

/// The Chinese description of a permission, for the consent prompt.
pub fn permission_label(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Organizations => "党组织及换届信息",
        RecordKind::Members => "党员名册（身份证号、手机号已隐去中间位）",
        RecordKind::Meetings => "会议记录",
        RecordKind::DutyReviews => "述职评议",
        RecordKind::Appraisals => "民主评议党员结果",
        RecordKind::StarRatings => "星级评定",
        RecordKind::VolunteerActivities => "志愿服务记录",
        RecordKind::Compliance => "组织生活核查结果",
        RecordKind::Elections => "换届选举（候选人得票）",
        RecordKind::Dues => "党费（基数、缴纳、欠缴）",
        RecordKind::Volunteers => "志愿者名册（非党员志愿者，手机号脱敏）",
        RecordKind::Committee => {
            "【跨支部】上级党委汇总的所有支部记录：各支部报送审核情况、核查发现的问题、述职评议考核各书记票数和等次（仅在上级党委的汇总库中提供）"
        }
    }
}

impl Manifest {
    /// Parses and checks a manifest; `path` is for messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, PluginError> {
        let bad = |detail: String| PluginError::Manifest { detail, path: path.to_owned() };
        let manifest: Manifest = toml::from_str(text).map_err(|e| bad(e.message().to_owned()))?;
        let wasm = Path::new(&manifest.wasm);
        let simple = wasm.components().count() == 1
            && matches!(wasm.components().next(), Some(std::path::Component::Normal(_)))
            && !manifest.wasm.contains(['/', '\\', ':']);
        if !simple {
            return Err(bad(format!("wasm 文件路径越出插件目录：{}", manifest.wasm)));
        }
        if let Some(unknown) = manifest.permissions.iter().find(|p| record_kind(p).is_none()) {
            return Err(bad(format!("未知的权限：{unknown}")));
        }
        if let Some(sha) = &manifest.sha256
            && !(sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(bad(format!("sha256 不是64位十六进制：{sha}")));
        }
        Ok(manifest)
    }

    /// The granted record kinds.
    pub fn granted(&self) -> Vec<RecordKind> {
        self.permissions.iter().filter_map(|p| record_kind(p)).collect()
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the wasm against the manifest's hash.
fn verify(manifest: &Manifest, wasm: &[u8], path: &Path) -> Result<(), PluginError> {
    let expected = manifest
        .sha256
        .clone()
        .ok_or_else(|| PluginError::Manifest { detail: "缺少 sha256".to_owned(), path: path.to_owned() })?;
    let actual = sha256_hex(wasm);
    if !expected.eq_ignore_ascii_case(&actual) {
        return Err(PluginError::HashMismatch { expected, actual, path: path.to_owned() });
    }
    Ok(())
}

/// The reference templates embedded in the app.
pub fn reference() -> Result<Vec<Package>, PluginError> {
    REFERENCE_PLUGINS
        .iter()
        .map(|(id, wasm, manifest)| {
            let path = PathBuf::from(format!("plugins/{id}/plugin.toml"));
            let mut manifest = Manifest::parse(manifest, &path)?;
            manifest.sha256 = Some(sha256_hex(wasm));
            Ok(Package { manifest, wasm: wasm.to_vec(), source: Source::Reference })
        })
        .collect()
}

/// Reads a package from a folder or a `.zip`, checking the manifest and the hash.
pub fn read(path: &Path) -> Result<Package, PluginError> {
    if path.is_dir() { read_dir(path) } else { read_zip(path) }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> PluginError + '_ {
    move |source| PluginError::Io { path: path.to_owned(), source }
}

fn read_dir(dir: &Path) -> Result<Package, PluginError> {
    let manifest_path = dir.join("plugin.toml");
    let text = std::fs::read_to_string(&manifest_path).map_err(io(&manifest_path))?;
    let manifest = Manifest::parse(&text, &manifest_path)?;
    let wasm_path = dir.join(&manifest.wasm);
    // A symbolic link could still lead outside: compare the resolved paths.
    let root = dir.canonicalize().map_err(io(dir))?;
    let resolved = wasm_path.canonicalize().map_err(io(&wasm_path))?;
    if !resolved.starts_with(&root) {
        return Err(PluginError::Manifest {
            detail: "wasm 文件路径越出插件目录".to_owned(), path: manifest_path
        });
    }
    let size = std::fs::metadata(&resolved).map_err(io(&resolved))?.len();
    if size > MAX_WASM_BYTES {
        return Err(PluginError::Manifest {
            detail: format!("wasm 文件超过{} MB", MAX_WASM_BYTES >> 20),
            path: wasm_path,
        });
    }
    let wasm = std::fs::read(&resolved).map_err(io(&resolved))?;
    verify(&manifest, &wasm, &wasm_path)?;
    Ok(Package { manifest, wasm, source: Source::External(dir.to_owned()) })
}

fn read_zip(path: &Path) -> Result<Package, PluginError> {
    let bad = |detail: String| PluginError::Manifest { detail, path: path.to_owned() };
    let file = std::fs::File::open(path).map_err(io(path))?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| bad(format!("不是有效的 zip 文件：{e}")))?;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| bad(e.to_string()))?;
        if entry.enclosed_name().is_none() {
            let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
            return Err(bad(format!("压缩包中的路径越出插件目录：{name}")));
        }
    }
    let mut read_entry = |name: &str, limit: u64| -> Result<Vec<u8>, PluginError> {
        let entry = archive.by_name(name).map_err(|_| bad(format!("压缩包中没有 {name}")))?;
        if entry.size() > limit {
            return Err(bad(format!("{name} 过大")));
        }
        let mut bytes = Vec::new();
        entry.take(limit + 1).read_to_end(&mut bytes).map_err(io(path))?;
        if bytes.len() as u64 > limit {
            return Err(bad(format!("{name} 过大")));
        }
        Ok(bytes)
    };
    let text = String::from_utf8(read_entry("plugin.toml", MAX_MANIFEST_BYTES)?)
        .map_err(|_| bad("plugin.toml 不是 UTF-8 文本".to_owned()))?;
    let manifest = Manifest::parse(&text, path)?;
    let wasm = read_entry(&manifest.wasm, MAX_WASM_BYTES)?;
    verify(&manifest, &wasm, path)?;
    Ok(Package { manifest, wasm, source: Source::External(path.to_owned()) })
}

/// Copies `package` into `plugins_dir/<id>/`; refuses an id already taken by `taken`.
pub fn install(package: &Package, plugins_dir: &Path, taken: &[String]) -> Result<PathBuf, PluginError> {
    let id = &package.manifest.id;
    if taken.iter().any(|t| t == id) {
        return Err(PluginError::IdClash(id.clone()));
    }
    let dir = plugins_dir.join(id);
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let mut manifest = package.manifest.clone();
    manifest.wasm = default_wasm();
    let text =
        toml::to_string(&manifest).map_err(|e| PluginError::Manifest { detail: e.to_string(), path: dir.clone() })?;
    let wasm_path = dir.join(&manifest.wasm);
    std::fs::write(&wasm_path, &package.wasm).map_err(io(&wasm_path))?;
    let manifest_path = dir.join("plugin.toml");
    std::fs::write(&manifest_path, text).map_err(io(&manifest_path))?;
    Ok(dir)
}

/// Every package in `plugins_dir`, each read and verified (a broken one is reported, not skipped).
pub fn installed(plugins_dir: &Path) -> Vec<Result<Package, PluginError>> {
    let Ok(entries) = std::fs::read_dir(plugins_dir) else { return Vec::new() };
    let mut dirs: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            read_dir(&dir).map(|mut package| {
                package.source = Source::Installed(dir.clone());
                package
            })
        })
        .collect()
}

/// Removes an installed package.
pub fn remove(plugins_dir: &Path, id: &str) -> Result<(), PluginError> {
    let dir = plugins_dir.join(id);
    if id.contains(['/', '\\', '.']) || !dir.join("plugin.toml").is_file() {
        return Err(PluginError::UnknownTemplate(id.to_owned()));
    }
    std::fs::remove_dir_all(&dir).map_err(io(&dir))
}
