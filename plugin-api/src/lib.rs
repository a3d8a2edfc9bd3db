//! The SDK for Zhibu report templates: the contract's types (generated from `wit/1.3.0`, the
//! same WIT files the host reads), the [`Template`] trait, the [`export_template!`] macro,
//! and builders so a template reads like the document it makes. A template built with an
//! earlier SDK (contracts 1.0 to 1.2) keeps running: the host speaks all four.
//!
//! A template is a crate of type `cdylib` + `rlib`: built for `wasm32-unknown-unknown` it is
//! turned into a WebAssembly component the host runs in a sandbox; built natively its logic
//! is unit-tested like any Rust code. See README.md beside this file.
#![deny(missing_docs)]

// The generated code names this crate by its own name, also from inside it.
extern crate self as plugin_api;

#[cfg(feature = "build")]
pub mod build;
mod builder;
#[cfg(feature = "docx")]
pub mod docx;
mod params;

pub use builder::{DocumentBuilder, TableBuilder, cell, cell_text, para, stars, text};
pub use params::{RequestExt, chinese_date, param};

/// The contract version this SDK implements (the WIT package version).
pub const API_VERSION: &str = "1.3.0";

/// Generated bindings; template authors use the re-exports at the crate root instead.
#[doc(hidden)]
#[allow(missing_docs, unsafe_code, clippy::all)] // generated ABI glue: documented in the WIT files
pub mod bindings {
    wit_bindgen::generate!({
        path: "wit/1.3.0",
        world: "plugin",
        pub_export_macro: true,
        export_macro_name: "__export_plugin",
        default_bindings_module: "plugin_api::bindings",
        runtime_path: "plugin_api::__rt",
    });
}

#[doc(hidden)]
pub use wit_bindgen::rt as __rt;

pub use bindings::zhibu::plugin::host::LogLevel;
pub use bindings::zhibu::plugin::types::{
    Align, Appraisal, Attendance, Block, BranchCompliance, Candidate, Cell, CommitteeRecords, CommitteeTerm, DocStyle,
    Document, DocxFile, DuesPayment, DutyBallot, DutyMeeting, DutyReview, Election, Finding, Gap, Heading, Indicator,
    Meeting, MeetingTally, Member, MemberDues, NextStar, Observer, Organization, Orientation, Output, Paragraph, Param,
    ParamKind, ParamSpec, Participant, Quorum, Quota, QuotaCheck, RatingScheme, RecordKind, Records, RenderError,
    RenderRequest, ReportSection, ReportedBranch, Resolution, RoleHolder, Row, RuleFigures, Score, Section,
    ServiceTeam, Signature, Speech, StarBand, StarRating, Table, TemplateInfo, TextRun, Volunteer, VolunteerActivity,
    VolunteerHours, Voter,
};

impl Default for Records {
    /// No records of any kind (a test fills in the kinds it is about).
    fn default() -> Self {
        Records {
            organizations: Vec::new(),
            terms: Vec::new(),
            members: Vec::new(),
            meetings: Vec::new(),
            duty_reviews: Vec::new(),
            appraisals: Vec::new(),
            schemes: Vec::new(),
            star_ratings: Vec::new(),
            volunteer_activities: Vec::new(),
            compliance: Vec::new(),
            elections: Vec::new(),
            quota_checks: Vec::new(),
            dues: Vec::new(),
            volunteers: Vec::new(),
            service_teams: Vec::new(),
            committee: None,
        }
    }
}

impl Default for RuleFigures {
    /// The figures of the default rule set as NORMS.md gives them (a host always passes its own:
    /// this is for a template's unit tests).
    fn default() -> Self {
        RuleFigures {
            volunteer_star_hours: vec![100.0, 300.0, 600.0, 1000.0, 1500.0],
            volunteer_star_clause: "《中国注册志愿者管理办法》星级认定".into(),
            dues_flag_months: 6,
            dues_clause: "《中国共产党章程》第九条".into(),
            version: "zhibu-default-2026.1".into(),
        }
    }
}

impl From<Document> for Output {
    fn from(document: Document) -> Self {
        Output::Document(document)
    }
}

/// A report template. Implement [`Template::info`] and [`Template::render`]; the default
/// [`Template::check`] validates parameters against the info before `render` runs.
pub trait Template {
    /// What the template is, which parameters it takes and which records it needs.
    fn info() -> TemplateInfo;

    /// Makes the document: a model (`Ok(document.into())`) or a filled Word file
    /// ([`Output::Docx`]). Runs only after [`Template::check`] accepted the request.
    fn render(request: &RenderRequest) -> Result<Output, RenderError>;

    /// Checks the request's parameters against [`Template::info`]: required ones present, years,
    /// numbers, dates and ids well-formed, choices among the allowed values. Override to add
    /// checks of your own (call [`check_params`] first to keep these).
    fn check(request: &RenderRequest) -> Result<(), RenderError> {
        check_params(&Self::info().parameters, request)
    }
}

/// The default parameter checks of [`Template::check`].
pub fn check_params(specs: &[ParamSpec], request: &RenderRequest) -> Result<(), RenderError> {
    for spec in specs {
        let value = request.param(&spec.key).map(str::trim).filter(|v| !v.is_empty());
        let Some(value) = value else {
            if spec.required {
                return Err(RenderError::InvalidParameter((spec.key.clone(), format!("请填写“{}”", spec.label))));
            }
            continue;
        };
        let bad =
            |why: &str| Err(RenderError::InvalidParameter((spec.key.clone(), format!("{}{why}：{value}", spec.label))));
        match spec.kind {
            ParamKind::Year if !value.parse::<i32>().is_ok_and(|y| (2000..=2100).contains(&y)) => {
                return bad("应为2000至2100之间的年份");
            }
            ParamKind::Number if value.parse::<f64>().map_or(true, |n| !n.is_finite()) => return bad("应为数字"),
            ParamKind::Branch | ParamKind::Member if value.parse::<i64>().is_err() => return bad("应为编号"),
            ParamKind::Date if !params::is_date(value) => return bad("应为日期（YYYY-MM-DD）"),
            ParamKind::Choice if !spec.choices.iter().any(|c| c == value) => return bad("不在可选范围内"),
            _ => {}
        }
    }
    Ok(())
}

/// Writes a line to the host's plugin log (to stderr when the template runs natively in tests).
pub fn log(level: LogLevel, message: &str) {
    #[cfg(target_arch = "wasm32")]
    bindings::zhibu::plugin::host::log(level, message);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("[{level:?}] {message}");
}

/// Sends panic messages to the host's log, so the user sees why a template failed.
/// Called by [`export_template!`]'s glue before every call into the template.
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|panic| log(LogLevel::Error, &format!("插件内部错误（panic）：{panic}"))));
    });
}

/// Exports a [`Template`] implementation as the plugin's `template` interface.
///
/// ```ignore
/// struct MyReport;
/// impl plugin_api::Template for MyReport { /* info, render */ }
/// plugin_api::export_template!(MyReport);
/// ```
#[macro_export]
macro_rules! export_template {
    ($template:ty) => {
        // Only the wasm build exports: the native build (unit tests) would hand the linker
        // symbol names with `:` in them, which native linkers reject.
        #[cfg(target_arch = "wasm32")]
        #[doc(hidden)]
        pub struct __ZhibuTemplateExport;

        #[cfg(target_arch = "wasm32")]
        impl $crate::bindings::exports::zhibu::plugin::template::Guest for __ZhibuTemplateExport {
            fn describe() -> $crate::TemplateInfo {
                $crate::install_panic_hook();
                <$template as $crate::Template>::info()
            }

            fn render(request: $crate::RenderRequest) -> Result<$crate::Output, $crate::RenderError> {
                $crate::install_panic_hook();
                let output = <$template as $crate::Template>::check(&request)
                    .and_then(|()| <$template as $crate::Template>::render(&request));
                // The host discards the instance after every call (a fresh one per call), so
                // freeing the request's thousands of strings one by one would only spend the
                // call's fuel and time: its memory goes with the instance.
                ::core::mem::forget(request);
                output
            }
        }

        #[cfg(target_arch = "wasm32")]
        $crate::bindings::__export_plugin!(__ZhibuTemplateExport with_types_in $crate::bindings);
    };
}
