//! Host bindings generated from `plugin-api/wit/1.0.0`, the same files the SDK reads: the
//! contract's types (also the document model the export layer renders), the `host` import
//! and the `template` export.

wasmtime::component::bindgen!({
    path: "../plugin-api/wit/1.0.0",
    world: "plugin",
    additional_derives: [serde::Serialize, serde::Deserialize, PartialEq],
});

pub use zhibu::plugin::host::LogLevel;
pub use zhibu::plugin::types::*;
