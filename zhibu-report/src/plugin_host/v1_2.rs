//! Contract 1.2 (`plugin-api/wit/1.2.0`, frozen): the host bindings generated from it and the
//! adapters between its types and the host's (contract 1.3's, [`super::v1_3`]), so a template built
//! for 1.2 keeps running unchanged. 1.3 only added to 1.2 (the `committee` record kind and the
//! committee's records), so every 1.2 value has the shape of its 1.3 counterpart less those: the
//! adapters go through that shape and drop what 1.2 does not know (a 1.2 template cannot ask for
//! the committee's records).

use super::PluginError;
use super::v1_3;

wasmtime::component::bindgen!({
    path: "../plugin-api/wit/1.2.0",
    world: "plugin",
    additional_derives: [serde::Serialize, serde::Deserialize, PartialEq],
});

pub use zhibu::plugin::types::{Output, RenderError, RenderRequest, TemplateInfo};

/// The contract version this module adapts, for [`super::adapt`]'s message.
const VERSION: &str = "1.2";

/// The host's request as a 1.2 request (a 1.2 template cannot ask for what 1.3 added).
pub fn request(request: &v1_3::RenderRequest) -> Result<RenderRequest, PluginError> {
    super::adapt(request, VERSION)
}

/// A 1.2 description as the host's.
pub fn info(info: &TemplateInfo) -> Result<v1_3::TemplateInfo, PluginError> {
    super::adapt(info, VERSION)
}

/// A 1.2 render result as the host's (the output is the same in both).
pub fn output(result: &Result<Output, RenderError>) -> Result<Result<v1_3::Output, v1_3::RenderError>, PluginError> {
    Ok(match result {
        Ok(output) => Ok(super::adapt(output, VERSION)?),
        Err(error) => Err(super::adapt(error, VERSION)?),
    })
}
