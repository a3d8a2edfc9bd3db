//! Tidy checks. The layering of ARCHITECTURE.md is the crate graph, read from `cargo metadata`:
//! the core crate's tree holds no plugin engine, window or Word writer, and workspace crates only
//! point down. The rules that remain inside a crate (the store never reaches the rules, the window
//! never names SQL…) are checked on parsed `use` trees and paths (syn), not on text. Also: a `//!`
//! doc at the top of every Rust file, and the workspace conventions (shared versions and lints,
//! folder name = package name).

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use syn::visit::Visit;

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

/// `cargo metadata` of the workspace, read once.
fn metadata() -> &'static Value {
    static METADATA: OnceLock<Value> = OnceLock::new();
    METADATA.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = std::process::Command::new(cargo)
            .args(["metadata", "--format-version", "1", "--locked", "--manifest-path"])
            .arg(root().join("Cargo.toml"))
            .output()
            .unwrap();
        assert!(output.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).unwrap()
    })
}

/// Package id → name, for every package in the resolved graph.
fn names() -> BTreeMap<String, String> {
    metadata()["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap().to_owned(), p["name"].as_str().unwrap().to_owned()))
        .collect()
}

/// The id of the workspace package `name`.
fn id_of(name: &str) -> String {
    names().into_iter().find(|(_, n)| n == name).map(|(id, _)| id).unwrap_or_else(|| panic!("no package {name}"))
}

/// The direct dependencies of `id` with their kinds (`normal`, `build`, `dev`), all platforms.
fn edges(id: &str) -> Vec<(String, BTreeSet<String>)> {
    let node = metadata()["resolve"]["nodes"].as_array().unwrap().iter().find(|n| n["id"] == id).unwrap();
    node["deps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let kinds = d["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k["kind"].as_str().unwrap_or("normal").to_owned())
                .collect();
            (d["pkg"].as_str().unwrap().to_owned(), kinds)
        })
        .collect()
}

/// Every package `name` pulls in, as `cargo tree -p NAME` shows it: its own normal, build and
/// dev dependencies, then the normal and build dependencies of those, on every platform.
fn tree(name: &str) -> BTreeSet<String> {
    let names = names();
    let start = id_of(name);
    let mut seen = BTreeSet::new();
    let mut stack: Vec<(String, bool)> = vec![(start, true)];
    while let Some((id, is_root)) = stack.pop() {
        for (dep, kinds) in edges(&id) {
            let followed = kinds.iter().any(|k| k != "dev") || is_root;
            if followed && seen.insert(dep.clone()) {
                stack.push((dep, false));
            }
        }
    }
    seen.iter().map(|id| names[id].clone()).collect()
}

#[test]
fn the_core_crate_builds_no_plugin_engine_window_or_word_writer() {
    let tree = tree("zhibu-core");
    assert!(tree.contains("rusqlite"), "the tree was read: {tree:?}");
    let forbidden =
        ["wasmtime", "cranelift", "egui", "eframe", "wgpu", "winit", "docx-rs", "zhibu-report", "plugin-api"];
    for name in &tree {
        for bad in forbidden {
            assert!(!name.starts_with(bad), "zhibu-core pulls in {name}: it must build without {bad}");
        }
    }
    let report = self::tree("zhibu-report");
    assert!(report.contains("wasmtime") && report.contains("docx-rs"));
    for name in &report {
        for bad in ["egui", "eframe", "wgpu", "winit", "clap", "rfd"] {
            assert!(!name.starts_with(bad), "zhibu-report pulls in {name}: it must build without {bad}");
        }
    }
    // The branch's own crates never link a PostgreSQL client: only the committee's crate does.
    for krate in ["zhibu-core", "zhibu-report"] {
        assert!(!self::tree(krate).iter().any(|n| n.starts_with("postgres") || n.starts_with("tokio")), "{krate}");
    }
    let sync = self::tree("zhibu-sync");
    for name in &sync {
        for bad in ["egui", "eframe", "wasmtime", "docx-rs", "clap", "anyhow"] {
            assert!(!name.starts_with(bad), "zhibu-sync pulls in {name}: it must build without {bad}");
        }
    }
    let committee = self::tree("zhibu-committee");
    assert!(committee.iter().any(|n| n.starts_with("postgres")));
    for name in &committee {
        for bad in ["egui", "eframe", "wasmtime", "docx-rs", "rusqlite"] {
            assert!(!name.starts_with(bad), "zhibu-committee pulls in {name}: it must build without {bad}");
        }
    }
}

#[test]
fn workspace_crates_only_point_down() {
    // (crate, the workspace crates it may depend on, normal or build)
    let allowed: &[(&str, &[&str])] = &[
        ("zhibu-core", &[]),
        ("plugin-api", &[]),
        ("zhibu-report", &["zhibu-core", "plugin-api"]),
        // The committee's database client knows nothing of the app, its reports or its rules yet.
        ("zhibu-committee", &[]),
        // A branch's reporting up joins its records to the committee's formats, nothing else.
        ("zhibu-sync", &["zhibu-core", "zhibu-committee"]),
        ("app", &["zhibu-core", "zhibu-report", "zhibu-committee", "zhibu-sync"]),
    ];
    let names = names();
    let members: Vec<String> = metadata()["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| names[id.as_str().unwrap()].clone())
        .collect();
    for (krate, may) in allowed {
        for (dep, kinds) in edges(&id_of(krate)) {
            let dep = &names[&dep];
            if members.contains(dep) && kinds.iter().any(|k| k != "dev") {
                assert!(may.contains(&dep.as_str()), "{krate} must not depend on {dep}");
            }
        }
    }
    // anyhow belongs to the edges (main, the command line, the window): no library takes it.
    for member in &members {
        if member == "app" || member == "tests" {
            continue;
        }
        for (dep, _) in edges(&id_of(member)) {
            assert_ne!(names[&dep], "anyhow", "{member} depends on anyhow: use a thiserror type");
        }
    }
}

/// The paths a file names: its `use` trees flattened, and every path in its code that starts at a
/// crate root (`crate::`, `super::`, `self::` resolved against the file's module, or an external
/// crate), plus its string literals (for SQL).
#[derive(Default)]
struct Names {
    module: Vec<String>,
    paths: BTreeSet<String>,
    strings: Vec<String>,
}

impl Names {
    fn absolute(&self, segments: &[String]) -> String {
        let mut out: Vec<String> = Vec::new();
        let mut rest = segments;
        match segments.first().map(String::as_str) {
            Some("crate") => {
                out.push(self.module[0].clone());
                rest = &segments[1..];
            }
            Some("self") => {
                out.extend(self.module.iter().cloned());
                rest = &segments[1..];
            }
            Some("super") => {
                out.extend(self.module.iter().cloned());
                while rest.first().map(String::as_str) == Some("super") {
                    out.pop();
                    rest = &rest[1..];
                }
            }
            _ => {}
        }
        out.extend(rest.iter().cloned());
        out.join("::")
    }

    fn flatten(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.flatten(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                prefix.push(n.ident.to_string());
                self.paths.insert(self.absolute(prefix));
                prefix.pop();
            }
            syn::UseTree::Rename(r) => {
                prefix.push(r.ident.to_string());
                self.paths.insert(self.absolute(prefix));
                prefix.pop();
            }
            syn::UseTree::Glob(_) => {
                self.paths.insert(self.absolute(prefix));
            }
            syn::UseTree::Group(g) => {
                for item in &g.items {
                    self.flatten(prefix, item);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Names {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.flatten(&mut Vec::new(), &item.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if segments.len() > 1 {
            self.paths.insert(self.absolute(&segments));
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        self.strings.push(lit.value());
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // `format!("…", a)`, `vec![…]`, `assert!(…)`: arguments that parse as expressions are
        // visited like code, so their paths and strings count too.
        let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        if let Ok(args) = mac.parse_body_with(parser) {
            for arg in &args {
                self.visit_expr(arg);
            }
        }
        syn::visit::visit_macro(self, mac);
    }
}

/// Every Rust file of `src` (a crate's source folder, lib name `lib`) with what it names.
fn parsed(crate_dir: &str, lib: &str) -> Vec<(PathBuf, Names)> {
    let src = root().join(crate_dir).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(!files.is_empty(), "{crate_dir}/src has Rust files");
    files
        .into_iter()
        .map(|file| {
            let relative = file.strip_prefix(&src).unwrap().with_extension("");
            let mut module = vec![lib.to_owned()];
            for part in relative.iter().map(|p| p.to_string_lossy().into_owned()) {
                if !matches!(part.as_str(), "lib" | "main" | "mod") {
                    module.push(part);
                }
            }
            let syntax = syn::parse_file(&std::fs::read_to_string(&file).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let mut names = Names { module, ..Names::default() };
            names.visit_file(&syntax);
            (file, names)
        })
        .collect()
}

/// Checks that no file of `module` (a path like `zhibu_core::store`) names anything under the
/// `forbidden` prefixes.
fn check(files: &[(PathBuf, Names)], module: &str, forbidden: &[&str]) {
    let mut matched = 0;
    for (file, names) in files {
        let here = names.module.join("::");
        if here != module && !here.starts_with(&format!("{module}::")) {
            continue;
        }
        matched += 1;
        for path in &names.paths {
            for bad in forbidden {
                let hit = path == bad || path.starts_with(&format!("{bad}::"));
                assert!(!hit, "{} ({module}) must not use {bad} (it names {path})", file.display());
            }
        }
    }
    assert!(matched > 0, "module {module} exists");
}

#[test]
fn layers_inside_the_core_only_point_down() {
    let files = parsed("zhibu-core", "zhibu_core");
    let c = |m: &str| format!("zhibu_core::{m}");
    let (store, rules, services, import) = (c("store"), c("rules"), c("services"), c("import"));
    check(&files, "zhibu_core::domain", &[&store, &rules, &services, &import, "rusqlite", "std::fs"]);
    check(&files, "zhibu_core::store", &[&rules, &services, &import]);
    // (The rules read an override file when asked; evaluating them touches no database and no clock.)
    check(&files, "zhibu_core::rules", &[&store, &services, &import, "rusqlite"]);
    check(&files, "zhibu_core::import", &[&store, &rules, &services, "rusqlite"]);
}

#[test]
fn layers_inside_the_report_crate_only_point_down() {
    let files = parsed("zhibu-report", "zhibu_report");
    let r = |m: &str| format!("zhibu_report::{m}");
    let (host, export, services, document) = (r("plugin_host"), r("export"), r("services"), r("document"));
    let (store, rules) = ("zhibu_core::store", "zhibu_core::rules");
    // The model and the Word writer exist without the engine; the engine gets records, never a
    // connection.
    check(&files, "zhibu_report::document", &[&host, &export, &services, "wasmtime", "docx_rs", store, "rusqlite"]);
    check(&files, "zhibu_report::export", &[&host, &services, "wasmtime", store, rules]);
    check(&files, "zhibu_report::plugin_host", &[&export, &services, store, rules, "rusqlite", "docx_rs"]);
    // A contract version's generated types are named inside the plugin host only; the export, the
    // model and the services see the app's own document.
    for (file, names) in &files {
        let here = names.module.join("::");
        if !here.starts_with(&host) {
            let v1 = names.paths.iter().find(|p| p.starts_with(&format!("{host}::v1_0")));
            assert!(v1.is_none(), "{} names the contract's generated types: {v1:?}", file.display());
        }
    }
    assert!(files.iter().any(|(_, n)| n.module.join("::") == document), "the document model exists");
}

#[test]
fn the_window_draws_and_emits_commands_and_nothing_else_draws() {
    let files = parsed("app", "zhibu");
    // The window never writes SQL or goes through the command line; the command line never draws.
    // Nor does it speak to the committee's server but through `zhibu-committee` and the roll-up.
    check(&files, "zhibu::ui", &["rusqlite", "zhibu::cli", "wasmtime", "postgres"]);
    check(&files, "zhibu::cli", &["egui", "eframe", "egui_extras", "egui_plot", "rusqlite"]);
    for (file, names) in &files {
        let here = names.module.join("::");
        if here.starts_with("zhibu::ui") {
            for text in &names.strings {
                let upper = text.to_uppercase();
                let sql = ["INSERT INTO", "DELETE FROM", "CREATE TABLE", "PRAGMA "].iter().any(|k| upper.contains(k))
                    || (upper.contains("SELECT ") && upper.contains(" FROM "))
                    || (upper.contains("UPDATE ") && upper.contains(" SET "));
                assert!(!sql, "{} (the window) names SQL: {text}", file.display());
            }
        } else {
            for path in &names.paths {
                assert!(
                    !["egui", "eframe", "egui_extras", "egui_plot"].iter().any(|e| path.starts_with(&format!("{e}::"))),
                    "{} draws ({path}) but is not in ui/",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn every_rust_file_opens_with_a_module_doc() {
    let mut files = Vec::new();
    for dir in ["app", "zhibu-core", "zhibu-report", "zhibu-committee", "zhibu-sync", "tests", "plugin-api", "plugins"]
    {
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
fn members_share_versions_and_lints_and_are_named_after_their_folder() {
    let names = names();
    let packages = metadata()["packages"].as_array().unwrap();
    let members = metadata()["workspace_members"].as_array().unwrap();
    assert!(members.len() >= 8, "{members:?}");
    for id in members {
        let package = packages.iter().find(|p| p["id"] == *id).unwrap();
        let manifest = PathBuf::from(package["manifest_path"].as_str().unwrap());
        let dir = manifest.parent().unwrap();
        let folder = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(names[id.as_str().unwrap()], folder, "package name = folder name");
        let text = std::fs::read_to_string(&manifest).unwrap();
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
