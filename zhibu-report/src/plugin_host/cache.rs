//! The on-disk cache of compiled components.
//!
//! A cache file is named by the wasm's SHA-256 and a hash of the engine's compatibility
//! fingerprint, and holds an HMAC-SHA256 of (name, payload) under a per-installation secret,
//! followed by the payload. The secret lives in a key file outside the cache folder (the user's
//! data directory), so someone who can write the cache folder but not read the key cannot make an
//! entry the host accepts: a file the host did not write is never deserialized, and an entry
//! copied under another plugin's name fails too. A bad entry is deleted and rebuilt from the wasm.

use super::PluginError;
use hmac::{KeyInit, Mac};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::Engine;
use wasmtime::component::Component;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Length of the per-installation secret, in bytes: SHA-256's block size, which HMAC takes as is.
const KEY_LEN: usize = 64;

/// Where compiled components are kept, and the secret their entries are signed with.
#[derive(Clone)]
pub struct ComponentCache {
    dir: PathBuf,
    key: [u8; KEY_LEN],
}

impl std::fmt::Debug for ComponentCache {
    // The secret stays out of logs and error messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComponentCache").field("dir", &self.dir).finish_non_exhaustive()
    }
}

impl ComponentCache {
    /// A cache in `dir` whose entries are signed with the secret in `key_file`; the key file is
    /// made (64 random bytes, readable by the user only) the first time.
    pub fn open(dir: PathBuf, key_file: &Path) -> Result<Self, PluginError> {
        let io = |source| PluginError::Io { path: key_file.to_owned(), source };
        match std::fs::read(key_file) {
            Ok(bytes) if bytes.len() == KEY_LEN => {
                let mut key = [0u8; KEY_LEN];
                key.copy_from_slice(&bytes);
                return Ok(Self { dir, key });
            }
            // A truncated or foreign key file: replaced below, which only invalidates the cache.
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        let mut key = [0u8; KEY_LEN];
        getrandom::fill(&mut key).map_err(|e| io(std::io::Error::other(e.to_string())))?;
        if let Some(parent) = key_file.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let temp = key_file.with_extension("part");
        write_private(&temp, &key).map_err(io)?;
        std::fs::rename(&temp, key_file).map_err(io)?;
        Ok(Self { dir, key })
    }

    /// The cache of an installation: compiled components in `cache_dir`, the secret in
    /// `component-cache.key` in the data folder that holds `plugins_dir` (the user's data
    /// directory: `%APPDATA%` on Windows, while the cache is under `%LOCALAPPDATA%`).
    pub fn for_installation(cache_dir: PathBuf, plugins_dir: &Path) -> Result<Self, PluginError> {
        let data_dir = plugins_dir.parent().unwrap_or(plugins_dir);
        Self::open(cache_dir, &data_dir.join("component-cache.key"))
    }

    /// The cache folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn entry_path(&self, engine: &Engine, sha256: &str) -> PathBuf {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        self.dir.join(format!("{sha256}-{:016x}.cwasm", hasher.finish()))
    }

    /// The MAC of an entry: its file name (so an entry cannot stand in for another plugin's) and
    /// its payload.
    fn mac(&self, name: &str, payload: &[u8]) -> HmacSha256 {
        let mut mac = <HmacSha256 as KeyInit>::new(&self.key.into());
        mac.update(name.as_bytes());
        mac.update(&[0]);
        mac.update(payload);
        mac
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // On Windows the user's profile folders are private to the user already.
    std::fs::write(path, bytes)
}

/// The compiled component for `bytes`, from the cache when a valid entry exists; whether it was.
pub(super) fn load_or_compile(
    engine: &Engine,
    cache: Option<&ComponentCache>,
    bytes: &[u8],
    sha256: &str,
    name: &str,
) -> Result<(Component, bool), PluginError> {
    let path = cache.map(|cache| (cache, cache.entry_path(engine, sha256)));
    if let Some((cache, path)) = &path
        && let Some(component) = read_entry(engine, cache, path)
    {
        return Ok((component, true));
    }
    let component = Component::new(engine, bytes)
        .map_err(|e| PluginError::Compile { detail: first_line(&format!("{e:#}")), name: name.to_owned() })?;
    if let Some((cache, path)) = &path {
        // A cache that cannot be written only costs speed; the plugin still runs.
        let _ = write_entry(cache, &component, path);
    }
    Ok((component, false))
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or(text).chars().take(300).collect()
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn read_entry(engine: &Engine, cache: &ComponentCache, path: &Path) -> Option<Component> {
    let data = std::fs::read(path).ok()?;
    let (tag, payload) = (data.get(..32)?, data.get(32..)?);
    // Constant-time comparison of the tag this host would have written.
    if cache.mac(&file_name(path), payload).verify_slice(tag).is_err() {
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
    // SAFETY: `payload` was written by `write_entry` of this installation: its HMAC under the
    // installation's secret (kept outside the cache folder) and its file name (the wasm's hash
    // and this engine's compatibility hash) was just verified, so it is never a file from a
    // plugin package or from anyone who could only write the cache folder; wasmtime additionally
    // checks the engine configuration embedded in the artifact.
    unsafe { Component::deserialize(engine, payload) }.ok()
}

fn write_entry(cache: &ComponentCache, component: &Component, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let payload = component.serialize()?;
    let dir = path.parent().ok_or("cache path has no folder")?;
    std::fs::create_dir_all(dir)?;
    let temp = path.with_extension("part");
    let mut data = cache.mac(&file_name(path), &payload).finalize().into_bytes().to_vec();
    data.extend_from_slice(&payload);
    std::fs::write(&temp, data)?;
    std::fs::rename(&temp, path)?;
    Ok(())
}
