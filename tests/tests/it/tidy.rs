//! Tidy checks: the layering of ARCHITECTURE.md, a `//!` doc at the top of every Rust file,
//! and the workspace conventions (shared versions and lints, folder name = package name).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && name != "target" && !name.starts_with('.') {
            rust_files(&path, out);
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// The `use`/path mentions in a file, with comments dropped.
fn code_of(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_rust_file_opens_with_a_module_doc() {
    let mut files = Vec::new();
    for dir in ["app", "tests", "plugin-api", "plugins"] {
        rust_files(&root().join(dir), &mut files);
    }
    assert!(files.len() > 20);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.starts_with("//!"),
            "{} must open with a `//!` comment saying what it is responsible for",
            file.display()
        );
    }
}

#[test]
fn layers_only_point_down() {
    // (module, what it must never mention)
    let rules: &[(&str, &[&str])] = &[
        (
            "domain",
            &[
                "crate::store",
                "crate::rules",
                "crate::services",
                "crate::cli",
                "rusqlite",
                "egui",
                "eframe",
                "std::fs",
                "wasmtime",
            ],
        ),
        (
            "store",
            &["crate::rules", "crate::services", "crate::cli", "crate::plugin_host", "egui", "eframe", "wasmtime"],
        ),
        ("rules", &["crate::store", "crate::services", "crate::cli", "rusqlite", "egui", "eframe", "wasmtime"]),
        (
            "plugin_host",
            &["crate::store", "crate::rules", "crate::services", "crate::cli", "rusqlite", "egui", "eframe"],
        ),
        ("services", &["crate::cli", "egui", "eframe"]),
        // The window emits commands; it never writes SQL or goes through the command line.
        ("ui", &["rusqlite", "crate::cli", "INSERT INTO", "UPDATE ", "DELETE FROM", "execute("]),
    ];
    for (module, forbidden) in rules {
        let mut files = Vec::new();
        rust_files(&root().join("app/src").join(module), &mut files);
        assert!(!files.is_empty(), "module {module} exists");
        for file in files {
            let code = code_of(&file);
            for word in *forbidden {
                assert!(!code.contains(word), "{} ({module}) must not use {word}", file.display());
            }
        }
    }
    // Only the UI draws: nothing else in app/src names egui.
    let mut files = Vec::new();
    rust_files(&root().join("app/src"), &mut files);
    for file in files.iter().filter(|f| !f.components().any(|c| c.as_os_str() == "ui")) {
        assert!(!code_of(file).contains("egui::"), "{} draws but is not in ui/", file.display());
    }
}

#[test]
fn members_share_versions_and_lints_and_are_named_after_their_folder() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let members: toml_lite::Members = toml_lite::members(&manifest);
    assert!(members.contains(&"app".to_owned()) && members.contains(&"tests".to_owned()));
    for member in members {
        let dirs: Vec<PathBuf> = if let Some(prefix) = member.strip_suffix("/*") {
            std::fs::read_dir(root().join(prefix)).map(|d| d.map(|e| e.unwrap().path()).collect()).unwrap_or_default()
        } else {
            vec![root().join(&member)]
        };
        for dir in dirs {
            let text = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
            let folder = dir.file_name().unwrap().to_string_lossy().into_owned();
            assert!(text.contains(&format!("name = \"{folder}\"")), "{folder}: package name = folder name");
            assert!(text.contains("[lints]\nworkspace = true"), "{folder}: [lints] workspace = true");
            let mut section = String::new();
            for line in text.lines() {
                if line.starts_with('[') {
                    section = line.to_owned();
                } else if section.contains("dependencies") && line.contains('=') {
                    assert!(
                        line.contains("workspace = true"),
                        "{folder}: `{line}` must take its version from [workspace.dependencies]"
                    );
                }
            }
        }
    }
}

/// Just enough TOML reading for the members list, without another dependency.
mod toml_lite {
    pub type Members = Vec<String>;
    pub fn members(manifest: &str) -> Members {
        let start = manifest.find("members = [").expect("workspace members");
        let rest = &manifest[start + "members = [".len()..];
        let end = rest.find(']').expect("closing bracket");
        rest[..end].split(',').map(|s| s.trim().trim_matches('"').to_owned()).filter(|s| !s.is_empty()).collect()
    }
}
