//! Contract 1.1 (`plugin-api/wit/1.1.0`, frozen): the host bindings generated from it and the
//! adapters between its types and the host's (contract 1.3's, [`super::v1_3`]), so a template built
//! for 1.1 keeps running unchanged. 1.2 and 1.3 only added to 1.1 (record kinds, record lists, fields of
//! records; the fields of what a template returns are options), so every 1.1 value has the shape
//! of its 1.3 counterpart less the new fields: the adapters go through that shape and drop what
//! 1.1 does not know (dues, the volunteer register, the host's verdicts and figures, the committee's records).

use super::PluginError;
use super::v1_3;

wasmtime::component::bindgen!({
    path: "../plugin-api/wit/1.1.0",
    world: "plugin",
    additional_derives: [serde::Serialize, serde::Deserialize, PartialEq],
});

pub use zhibu::plugin::types::{Output, RenderError, RenderRequest, TemplateInfo};

/// The contract version this module adapts, for [`super::adapt`]'s message.
const VERSION: &str = "1.1";

/// The host's request as a 1.1 request (a 1.1 template cannot ask for what 1.2 and 1.3 added).
pub fn request(request: &v1_3::RenderRequest) -> Result<RenderRequest, PluginError> {
    super::adapt(request, VERSION)
}

/// A 1.1 description as the host's.
pub fn info(info: &TemplateInfo) -> Result<v1_3::TemplateInfo, PluginError> {
    super::adapt(info, VERSION)
}

/// A 1.1 render result as the host's (the output is the same in both).
pub fn output(result: &Result<Output, RenderError>) -> Result<Result<v1_3::Output, v1_3::RenderError>, PluginError> {
    Ok(match result {
        Ok(output) => Ok(super::adapt(output, VERSION)?),
        Err(error) => Err(super::adapt(error, VERSION)?),
    })
}
