//! Build script: for a Windows target, embeds the icon, the version resource and the
//! application manifest into `zhibu.exe`. (The reference templates are compiled by
//! `zhibu-report`'s build script.)

use std::path::{Path, PathBuf};

fn main() -> Result<(), String> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        windows_resources(&manifest_dir, &out_dir)?;
    }
    Ok(())
}

/// Writes `zhibu.rc` (icon, version information from Cargo.toml, manifest) into `OUT_DIR` and has
/// embed-resource compile it with the target's windres and link it into the binaries. Generated
/// rather than committed so the version numbers cannot drift from the package version.
fn windows_resources(manifest_dir: &Path, out_dir: &Path) -> Result<(), String> {
    let assets = manifest_dir.join("assets");
    let icon = assets.join("icon").join("zhibu.ico");
    let manifest = assets.join("windows").join("zhibu.exe.manifest");
    for path in [&icon, &manifest] {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let version = std::env::var("CARGO_PKG_VERSION").map_err(|e| e.to_string())?;
    let mut numbers: Vec<u16> = version
        .split(['.', '-', '+'])
        .take(3)
        .map(|part| part.parse().map_err(|_| format!("version part is not a number: {part}")))
        .collect::<Result<_, _>>()?;
    numbers.resize(4, 0);
    let commas = numbers.iter().map(u16::to_string).collect::<Vec<_>>().join(",");
    // windres reads the script as UTF-8 only with this pragma; the strings are Chinese.
    let script = format!(
        r#"#pragma code_page(65001)
1 ICON "{icon}"
1 24 "{manifest}"
1 VERSIONINFO
FILEVERSION {commas}
PRODUCTVERSION {commas}
FILEOS 0x40004
FILETYPE 0x1
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "080404b0"
    BEGIN
      VALUE "CompanyName", "支部工作台"
      VALUE "FileDescription", "支部工作台：会议、评议、志愿服务记录与报表"
      VALUE "FileVersion", "{version}"
      VALUE "InternalName", "zhibu"
      VALUE "LegalCopyright", "支部工作台开发组"
      VALUE "OriginalFilename", "zhibu.exe"
      VALUE "ProductName", "支部工作台"
      VALUE "ProductVersion", "{version}"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x0804, 1200
  END
END
"#,
        icon = rc_path(&icon)?,
        manifest = rc_path(&manifest)?,
    );
    let rc = out_dir.join("zhibu.rc");
    std::fs::write(&rc, script).map_err(|e| format!("cannot write {}: {e}", rc.display()))?;
    embed_resource::compile_for(&rc, ["zhibu"], embed_resource::NONE).manifest_required().map_err(|e| e.to_string())
}

/// A path as a resource-script string: forward slashes, which windres accepts and which need no escaping.
fn rc_path(path: &Path) -> Result<String, String> {
    Ok(path_text(path)?.replace('\\', "/"))
}

fn path_text(path: &Path) -> Result<&str, String> {
    path.to_str().ok_or_else(|| format!("path is not UTF-8: {}", path.display()))
}
