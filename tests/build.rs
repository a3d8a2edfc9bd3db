//! Build script of the tests: compiles the hostile test template (three builds: its render
//! modes, a `describe` that never returns, an instantiation that never ends) and the templates
//! built against the frozen contracts 1.0, 1.1 and 1.2, and the Word-file template the scaffold
//! makes from `tests/word-template/template.docx`, to components and tells the tests where they are. None of them is ever embedded in the app.

use std::path::PathBuf;

fn main() -> Result<(), String> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let root = manifest_dir.parent().ok_or("tests/ has no parent folder")?.to_path_buf();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    for watched in [
        "tests/hostile",
        "tests/legacy-1-0",
        "tests/legacy-1-1",
        "tests/legacy-1-2",
        "tests/word-template",
        "plugin-api/src",
        "plugin-api/wit",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    let target_dir = out_dir.join("wasm-target");
    for (variant, package, features) in [
        ("HOSTILE", "hostile", &[][..]),
        ("HOSTILE_DESCRIBE_LOOP", "hostile", &["describe-loop"][..]),
        ("HOSTILE_INIT_LOOP", "hostile", &["init-loop"][..]),
        ("LEGACY_1_0", "legacy-1-0", &[][..]),
        ("LEGACY_1_1", "legacy-1-1", &[][..]),
        ("LEGACY_1_2", "legacy-1-2", &[][..]),
        ("WORD_TEMPLATE", "word-template", &[][..]),
    ] {
        let component = plugin_api::build::build_component(&root, package, features, &target_dir)?;
        let path = out_dir.join(format!("{}.wasm", variant.to_lowercase()));
        std::fs::write(&path, component).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("cargo:rustc-env={variant}_WASM={}", path.display());
    }
    Ok(())
}
