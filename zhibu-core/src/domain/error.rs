//! The one error type of the domain layer: a rejected value, named for the user.

use std::fmt;

/// A value that breaks a rule of the domain.
///
/// Displays as `<字段><问题>：<值>`, for example `身份证号校验位不正确：110105194912310021`,
/// so the user sees which field is wrong and, last, the value they typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The field's Chinese name, as the user sees it on a form (`身份证号`, `会议结束时间`).
    pub field: &'static str,
    /// What is wrong, in Chinese, phrased to follow the field name (`校验位不正确`).
    pub problem: String,
    /// The offending value as the user entered it (already masked where it is personal data).
    pub value: String,
}

impl ValidationError {
    /// Builds an error for `field` with the `problem` found in `value`.
    pub fn new(field: &'static str, problem: impl Into<String>, value: impl fmt::Display) -> Self {
        Self { field, problem: problem.into(), value: value.to_string() }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}：{}", self.field, self.problem, self.value)
    }
}

impl std::error::Error for ValidationError {}
