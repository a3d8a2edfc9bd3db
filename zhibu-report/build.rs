//! Build script: compiles every reference template in `plugins/` to a WebAssembly component
//! and generates `reference_plugins.rs` (component bytes + manifest) for the catalog to embed, so
//! a fresh `cargo run` or `cargo test` has them without manual steps.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() -> Result<(), String> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let root = manifest_dir.parent().ok_or("zhibu-report/ has no parent folder")?.to_path_buf();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    for watched in ["plugins", "plugin-api/src", "plugin-api/wit", "plugin-api/Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    // A target directory of its own: the outer cargo holds a lock on its own.
    let target_dir = out_dir.join("wasm-target");
    let mut plugins: Vec<PathBuf> = std::fs::read_dir(root.join("plugins"))
        .map_err(|e| format!("cannot list plugins/: {e}"))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.join("Cargo.toml").is_file() && path.join("plugin.toml").is_file())
        .collect();
    plugins.sort();
    let mut generated = String::from(
        "/// The reference templates compiled from `plugins/`: (id, component bytes, plugin.toml).\npub const REFERENCE_PLUGINS: &[(&str, &[u8], &str)] = &[\n",
    );
    for dir in &plugins {
        let package = dir.file_name().and_then(|n| n.to_str()).ok_or("plugin folder name is not UTF-8")?;
        let component = plugin_api::build::build_component(&root, package, &[], &target_dir)?;
        let wasm_path = out_dir.join(format!("{package}.wasm"));
        std::fs::write(&wasm_path, component).map_err(|e| format!("cannot write {}: {e}", wasm_path.display()))?;
        let manifest = dir.join("plugin.toml");
        let _ = writeln!(
            generated,
            "    ({package:?}, include_bytes!({:?}), include_str!({:?})),",
            path_text(&wasm_path)?,
            path_text(&manifest)?
        );
    }
    generated.push_str("];\n");
    std::fs::write(out_dir.join("reference_plugins.rs"), generated).map_err(|e| e.to_string())?;
    Ok(())
}

fn path_text(path: &Path) -> Result<&str, String> {
    path.to_str().ok_or_else(|| format!("path is not UTF-8: {}", path.display()))
}
