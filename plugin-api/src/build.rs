//! Host-side build helpers (feature `build`): compile a template crate for
//! `wasm32-unknown-unknown` with cargo and wrap the core module into a component.
//!
//! Templates target `wasm32-unknown-unknown`, not `wasm32-wasip2`, so the component imports
//! only the contract's `host` interface: no WASI at all (see ARCHITECTURE.md, Plugins).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The Rust target templates are compiled for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Turns a core module built with this SDK (which embeds the contract's type information)
/// into a WebAssembly component.
pub fn componentize(core_module: &[u8]) -> Result<Vec<u8>, String> {
    let mut encoder = wit_component::ComponentEncoder::default();
    encoder.validate(true);
    encoder.module(core_module).map_err(|e| format!("不是用插件 SDK 编译的 WebAssembly 模块（{e:#}）"))?;
    encoder.encode().map_err(|e| format!("无法打包为组件（{e:#}）"))
}

/// Compiles `package` (with `features`) in the cargo project or workspace at `dir` for the
/// wasm target, in release mode, into `target_dir`, and returns the core module's path.
///
/// The outer build's cargo settings (target directory, flags, jobserver) are removed from
/// the environment so a build script can call this safely.
pub fn cargo_build(dir: &Path, package: &str, features: &[&str], target_dir: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(dir)
        .args(["build", "--release", "--target", WASM_TARGET, "--package", package, "--target-dir"])
        .arg(target_dir);
    if !features.is_empty() {
        command.arg("--features").arg(features.join(","));
    }
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        let leaks = (key.starts_with("CARGO_") && key != "CARGO_HOME" && !key.starts_with("CARGO_NET_"))
            || matches!(
                key.as_ref(),
                "RUSTFLAGS"
                    | "RUSTC_WRAPPER"
                    | "RUSTC_WORKSPACE_WRAPPER"
                    | "MAKEFLAGS"
                    | "MFLAGS"
                    | "TARGET"
                    | "HOST"
                    | "OUT_DIR"
                    | "OPT_LEVEL"
                    | "PROFILE"
                    | "DEBUG"
                    | "NUM_JOBS"
            );
        if leaks {
            command.env_remove(key.as_ref());
        }
    }
    let status = command.status().map_err(|e| format!("无法运行 cargo（{e}）"))?;
    if !status.success() {
        return Err(format!("cargo 编译插件失败（{status}）：{package}"));
    }
    let file = format!("{}.wasm", package.replace('-', "_"));
    let path = target_dir.join(WASM_TARGET).join("release").join(file);
    if path.is_file() { Ok(path) } else { Err(format!("编译后找不到插件文件：{}", path.display())) }
}

/// [`cargo_build`] then [`componentize`]: the component's bytes.
pub fn build_component(dir: &Path, package: &str, features: &[&str], target_dir: &Path) -> Result<Vec<u8>, String> {
    let core = cargo_build(dir, package, features, target_dir)?;
    let bytes = std::fs::read(&core).map_err(|e| format!("无法读取 {}（{e}）", core.display()))?;
    componentize(&bytes)
}
