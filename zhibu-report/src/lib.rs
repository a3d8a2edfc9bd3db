//! 支部工作台 (Zhibu) reports: report templates run in a WebAssembly sandbox
//! ([`plugin_host`]), the app's own [`document`] model they are converted into, the Word
//! [`export`] of that model, and the report [`services`] (catalog, requests, the one export path,
//! plugin scaffolding).
//!
//! Built on `zhibu-core` for the records; nothing here draws or parses command lines.
//! See ARCHITECTURE.md for the map and the invariants.

pub mod document;
pub mod export;
pub mod plugin_host;
pub mod services;
