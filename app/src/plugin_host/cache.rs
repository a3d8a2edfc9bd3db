//! The on-disk cache of compiled components.
//!
//! A cache file is named by the wasm's SHA-256 and a hash of the engine's compatibility
//! fingerprint, and holds the SHA-256 of its payload followed by the payload. Only files this
//! host wrote are ever deserialized, and only after their payload hash checks out; a corrupt
//! or foreign entry is deleted and rebuilt from the wasm.

use super::PluginError;
use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::Engine;
use wasmtime::component::Component;

fn entry_path(engine: &Engine, dir: &Path, sha256: &str) -> PathBuf {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    dir.join(format!("{sha256}-{:016x}.cwasm", hasher.finish()))
}

/// The compiled component for `bytes`, from the cache when a valid entry exists; whether it was.
pub(super) fn load_or_compile(
    engine: &Engine,
    dir: Option<&Path>,
    bytes: &[u8],
    sha256: &str,
    name: &str,
) -> Result<(Component, bool), PluginError> {
    let path = dir.map(|dir| entry_path(engine, dir, sha256));
    if let Some(path) = &path
        && let Some(component) = read_entry(engine, path)
    {
        return Ok((component, true));
    }
    let component = Component::new(engine, bytes)
        .map_err(|e| PluginError::Compile { detail: first_line(&format!("{e:#}")), name: name.to_owned() })?;
    if let Some(path) = &path {
        // A cache that cannot be written only costs speed; the plugin still runs.
        let _ = write_entry(&component, path);
    }
    Ok((component, false))
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or(text).chars().take(300).collect()
}

fn read_entry(engine: &Engine, path: &Path) -> Option<Component> {
    let data = std::fs::read(path).ok()?;
    let (hash, payload) = (data.get(..32)?, data.get(32..)?);
    if Sha256::digest(payload).as_slice() != hash {
        let _ = std::fs::remove_file(path);
        return None;
    }
    match deserialize(engine, payload) {
        Some(component) => Some(component),
        None => {
            let _ = std::fs::remove_file(path);
            None
        }
    }
}

/// Deserializes a precompiled component.
#[allow(unsafe_code)] // wasmtime's deserialize trusts its input; see the SAFETY note.
fn deserialize(engine: &Engine, payload: &[u8]) -> Option<Component> {
    // SAFETY: `payload` was written by `write_entry` of this program (it is named by the wasm's
    // hash and this engine's compatibility hash, under the host's own cache folder, and its
    // SHA-256 was just verified), never taken from a plugin package; wasmtime additionally
    // checks the engine configuration embedded in the artifact.
    unsafe { Component::deserialize(engine, payload) }.ok()
}

fn write_entry(component: &Component, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let payload = component.serialize()?;
    let dir = path.parent().ok_or("cache path has no folder")?;
    std::fs::create_dir_all(dir)?;
    let temp = path.with_extension("part");
    let mut data = Sha256::digest(&payload).to_vec();
    data.extend_from_slice(&payload);
    std::fs::write(&temp, data)?;
    std::fs::rename(&temp, path)?;
    Ok(())
}
