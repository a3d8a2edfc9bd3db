//! Contract 1.0 (`plugin-api/wit/1.0.0`, frozen): the host bindings generated from it and the
//! adapters between its types and the host's (contract 1.1's, [`super::v1_1`]), so a template built
//! before 1.1 keeps running unchanged. 1.1 only added to 1.0 (a record kind, a record list, an
//! output variant), so every 1.0 value has the same serialized shape as its 1.1 counterpart: the
//! adapters go through that shape and drop what 1.0 does not know (the elections).

use super::PluginError;
use super::v1_1;

wasmtime::component::bindgen!({
    path: "../plugin-api/wit/1.0.0",
    world: "plugin",
    additional_derives: [serde::Serialize, serde::Deserialize, PartialEq],
});

pub use zhibu::plugin::types::{Document, RenderError, RenderRequest, TemplateInfo};

/// A value of one contract version as the same value of another (same field names and shapes;
/// fields the target does not know are dropped).
fn adapt<T: serde::Serialize, U: serde::de::DeserializeOwned>(value: &T) -> Result<U, PluginError> {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .map_err(|e| PluginError::Engine(format!("接口1.0与1.1之间的转换失败：{e}")))
}

/// The host's request as a 1.0 request (1.0 has no elections: a 1.0 template cannot ask for them).
pub fn request(request: &v1_1::RenderRequest) -> Result<RenderRequest, PluginError> {
    adapt(request)
}

/// A 1.0 description as the host's.
pub fn info(info: &TemplateInfo) -> Result<v1_1::TemplateInfo, PluginError> {
    adapt(info)
}

/// A 1.0 render result as the host's (a 1.0 template always returns the document model).
pub fn output(result: &Result<Document, RenderError>) -> Result<Result<v1_1::Output, v1_1::RenderError>, PluginError> {
    Ok(match result {
        Ok(document) => Ok(v1_1::Output::Document(adapt(document)?)),
        Err(error) => Err(adapt(error)?),
    })
}
