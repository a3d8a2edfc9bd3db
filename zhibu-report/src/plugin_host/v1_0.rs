//! Contract 1.0 (`plugin-api/wit/1.0.0`, frozen): the host bindings generated from it and the
//! adapters between its types and the host's (contract 1.3's, [`super::v1_3`]), so a template built
//! before 1.1 keeps running unchanged. 1.1, 1.2 and 1.3 only added to 1.0, so every 1.0 value has the
//! shape of its 1.3 counterpart less what was added: the adapters go through that shape and drop
//! what 1.0 does not know (elections and everything 1.2 and 1.3 added).

use super::PluginError;
use super::v1_3;

wasmtime::component::bindgen!({
    path: "../plugin-api/wit/1.0.0",
    world: "plugin",
    additional_derives: [serde::Serialize, serde::Deserialize, PartialEq],
});

pub use zhibu::plugin::types::{Document, RenderError, RenderRequest, TemplateInfo};

/// The contract version this module adapts, for [`super::adapt`]'s message.
const VERSION: &str = "1.0";

/// The host's request as a 1.0 request (1.0 has no elections: a 1.0 template cannot ask for them).
pub fn request(request: &v1_3::RenderRequest) -> Result<RenderRequest, PluginError> {
    super::adapt(request, VERSION)
}

/// A 1.0 description as the host's.
pub fn info(info: &TemplateInfo) -> Result<v1_3::TemplateInfo, PluginError> {
    super::adapt(info, VERSION)
}

/// A 1.0 render result as the host's (a 1.0 template always returns the document model).
pub fn output(result: &Result<Document, RenderError>) -> Result<Result<v1_3::Output, v1_3::RenderError>, PluginError> {
    Ok(match result {
        Ok(document) => Ok(v1_3::Output::Document(super::adapt(document, VERSION)?)),
        Err(error) => Err(super::adapt(error, VERSION)?),
    })
}
