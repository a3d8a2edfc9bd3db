//! Reading a request: parameters by key and typed, with errors the host shows as they are.

use crate::{Organization, ParamKind, ParamSpec, RenderError, RenderRequest};

/// A parameter for [`TemplateInfo::parameters`](crate::TemplateInfo): `key`, the form's `label`,
/// its `kind`, whether it is `required`, its `default` and a line of `help`.
pub fn param(key: &str, label: &str, kind: ParamKind, required: bool, default: Option<&str>, help: &str) -> ParamSpec {
    ParamSpec {
        key: key.to_owned(),
        label: label.to_owned(),
        kind,
        required,
        default_value: default.map(str::to_owned),
        choices: Vec::new(),
        help: help.to_owned(),
    }
}

/// A date as documents print it, in Arabic numerals: `2025-12-08` (or a timestamp) → `2025年12月8日`.
pub fn chinese_date(date: &str) -> String {
    let mut parts = date.get(..10).unwrap_or(date).split('-').map(|p| p.trim_start_matches('0'));
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) if !y.is_empty() && !m.is_empty() && !d.is_empty() => format!("{y}年{m}月{d}日"),
        _ => date.to_owned(),
    }
}

/// Convenience accessors on [`RenderRequest`].
pub trait RequestExt {
    /// A parameter's value, if given.
    fn param(&self, key: &str) -> Option<&str>;
    /// A parameter as text, or an error naming it.
    fn text(&self, key: &str) -> Result<&str, RenderError>;
    /// A parameter as a whole number (years, ids), or an error naming it.
    fn int(&self, key: &str) -> Result<i64, RenderError>;
    /// A parameter as a decimal number, or an error naming it.
    fn number(&self, key: &str) -> Result<f64, RenderError>;
    /// The `YYYY-MM-DD` date part of the host's generation timestamp.
    fn generated_on(&self) -> &str;
    /// The organisation a `branch`-kind parameter names, from the request's organisations, or an
    /// error naming the parameter.
    fn organization(&self, key: &str) -> Result<&Organization, RenderError>;
}

impl RequestExt for RenderRequest {
    fn organization(&self, key: &str) -> Result<&Organization, RenderError> {
        let id = self.int(key)?;
        self.records
            .organizations
            .iter()
            .find(|o| o.id == id)
            .ok_or_else(|| RenderError::InvalidParameter((key.to_owned(), format!("党组织不存在：{id}"))))
    }

    fn param(&self, key: &str) -> Option<&str> {
        self.params.iter().find(|p| p.key == key).map(|p| p.value.as_str())
    }

    fn text(&self, key: &str) -> Result<&str, RenderError> {
        self.param(key)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| RenderError::InvalidParameter((key.to_owned(), format!("缺少参数：{key}"))))
    }

    fn int(&self, key: &str) -> Result<i64, RenderError> {
        let value = self.text(key)?;
        value.parse().map_err(|_| RenderError::InvalidParameter((key.to_owned(), format!("应为整数：{value}"))))
    }

    fn number(&self, key: &str) -> Result<f64, RenderError> {
        let value = self.text(key)?;
        value
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .ok_or_else(|| RenderError::InvalidParameter((key.to_owned(), format!("应为数字：{value}"))))
    }

    fn generated_on(&self) -> &str {
        self.generated_at.get(..10).unwrap_or(&self.generated_at)
    }
}

/// Whether `value` looks like a real `YYYY-MM-DD` date.
pub(crate) fn is_date(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return false };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else { return false };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d) && (1900..=2200).contains(&y)
}
