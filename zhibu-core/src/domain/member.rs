//! Party members: identity (with the GB 11643 ID-number check), contact, status and dual registration.

use super::{OrgId, ValidationError, check_text, require_text};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Weights of the first 17 digits in the GB 11643-1999 check-character sum.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each value of the weighted sum modulo 11.
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// An 18-character resident ID number (居民身份证号码) whose check character,
/// region prefix and birth date are valid. Personal data: show it through [`IdNumber::masked`].
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

impl IdNumber {
    /// Validates `raw` (surrounding spaces ignored, a lowercase `x` accepted).
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        const FIELD: &str = "身份证号";
        let value = raw.trim().to_uppercase();
        let chars: Vec<char> = value.chars().collect();
        if chars.len() != 18 {
            return Err(ValidationError::new(FIELD, format!("应为18位（现为{}位）", chars.len()), mask_text(&value)));
        }
        let mut sum = 0;
        for (i, c) in chars.iter().take(17).enumerate() {
            let digit =
                c.to_digit(10).ok_or_else(|| ValidationError::new(FIELD, "前17位只能是数字", mask_text(&value)))?;
            sum += digit * ID_WEIGHTS[i];
        }
        let expected = ID_CHECK[(sum % 11) as usize];
        if chars[17] != expected {
            return Err(ValidationError::new(FIELD, "校验位不正确", mask_text(&value)));
        }
        if !('1'..='9').contains(&chars[0]) {
            return Err(ValidationError::new(FIELD, "地区码不正确", mask_text(&value)));
        }
        let id = Self(value);
        if id.birth_date().is_none() {
            return Err(ValidationError::new(FIELD, "中的出生日期不存在", id.masked()));
        }
        Ok(id)
    }

    /// The birth date in characters 7–14, if it is a real date.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        let digits = self.0.get(6..14)?;
        let year = digits.get(0..4)?.parse().ok()?;
        let month = digits.get(4..6)?.parse().ok()?;
        let day = digits.get(6..8)?.parse().ok()?;
        NaiveDate::from_ymd_opt(year, month, day).filter(|d| d.year() >= 1900)
    }

    /// The gender the 17th digit encodes (odd: male, even: female).
    pub fn gender(&self) -> Gender {
        let odd = self.0.as_bytes().get(16).is_some_and(|b| (b - b'0') % 2 == 1);
        if odd { Gender::Male } else { Gender::Female }
    }

    /// The full number; only for the store and for exports the user explicitly asked for.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as shown on screen and in exports by default: region and check kept, the rest hidden
    /// (`330784********002X`).
    pub fn masked(&self) -> String {
        mask_text(&self.0)
    }
}

/// Masks the middle of an identifier-like text, keeping the first six and last four characters.
fn mask_text(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

impl TryFrom<String> for IdNumber {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<IdNumber> for String {
    fn from(value: IdNumber) -> Self {
        value.0
    }
}

/// Debug output is masked too, so an ID number never reaches a log by accident.
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

/// A telephone number: a mainland mobile (normalised to its 11 digits) or a landline with its
/// area code (normalised to `0579-8123456`). Personal data: show it through [`Phone::masked`].
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Validates `raw` after removing spaces, dashes, brackets and a `+86`/`86` prefix; full-width
    /// digits count as digits.
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let mut digits: String = raw
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                other => other,
            })
            .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}' | '(' | ')' | '（' | '）' | '—' | '－'))
            .collect();
        if let Some(rest) = digits.strip_prefix("+86") {
            digits = rest.to_owned();
        } else if digits.len() == 13 && digits.starts_with("86") {
            digits = digits[2..].to_owned();
        }
        let bytes = digits.as_bytes();
        let all_digits = !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit);
        let mobile = all_digits && bytes.len() == 11 && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1]);
        if mobile {
            return Ok(Self(digits));
        }
        // A landline: 0 + area code (010 and 02x have three digits, the rest four) + 7 or 8 digits.
        if all_digits && bytes[0] == b'0' && bytes.len() >= 10 && bytes.len() <= 12 {
            let area = if bytes.get(1).is_some_and(|b| matches!(b, b'1' | b'2')) { 3 } else { 4 };
            let local = bytes.len() - area;
            if (7..=8).contains(&local) && bytes[area] != b'0' {
                return Ok(Self(format!("{}-{}", &digits[..area], &digits[area..])));
            }
        }
        Err(ValidationError::new(
            "联系电话",
            "格式不正确（应为11位手机号或带区号的固定电话，如0579-8123456）",
            raw.trim(),
        ))
    }

    /// Whether it is a landline (`0579-8123456`) rather than a mobile.
    pub fn is_landline(&self) -> bool {
        self.0.starts_with('0')
    }

    /// The normalised number; only for the store and for exports the user explicitly asked for.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as shown by default: `138****5678`, `0579-****456`.
    pub fn masked(&self) -> String {
        match self.0.split_once('-') {
            Some((area, local)) => format!("{area}-****{}", &local[local.len().saturating_sub(3)..]),
            None => format!("{}****{}", &self.0[..3], &self.0[7..]),
        }
    }
}

impl TryFrom<String> for Phone {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Phone> for String {
    fn from(value: Phone) -> Self {
        value.0
    }
}

/// Debug output is masked, so a phone number never reaches a log by accident.
impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

/// 性别.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    /// 男
    Male,
    /// 女
    Female,
}

impl Gender {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Male => "男",
            Self::Female => "女",
        }
    }
}

/// 党员状态: full member (正式党员, may vote) or probationary (预备党员, may not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    /// 正式党员
    Full,
    /// 预备党员
    Probationary,
}

impl MemberStatus {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Full => "正式党员",
            Self::Probationary => "预备党员",
        }
    }
}

/// 双报到: an in-service member's registration with their residential community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DualRegistration {
    /// The community the member registered with (报到社区).
    pub community: String,
    /// The service posts the member claimed (认领岗位).
    pub posts: Vec<String>,
    /// The date of registration (报到日期).
    pub registered_on: NaiveDate,
}

/// The roster's descriptive fields reports print (学历, 工作单位及职务, 籍贯, 备注); each may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDetails {
    /// 学历 (`大学本科`).
    #[serde(default)]
    pub education: String,
    /// 工作单位及职务.
    #[serde(default)]
    pub work: String,
    /// 籍贯.
    #[serde(default)]
    pub native_place: String,
    /// 备注.
    #[serde(default)]
    pub remarks: String,
}

/// A party member (党员).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// 姓名.
    pub name: String,
    /// 性别; must agree with the ID number.
    pub gender: Gender,
    /// 出生日期; must agree with the ID number.
    pub birth_date: NaiveDate,
    /// 民族 (`汉族`, `回族`, …).
    pub ethnicity: String,
    /// 身份证号.
    pub id_number: IdNumber,
    /// 联系电话 (mobile), if known.
    pub phone: Option<Phone>,
    /// 党员状态.
    pub status: MemberStatus,
    /// 入党时间 (admitted as probationary member).
    pub joined_on: NaiveDate,
    /// 转正时间 (confirmed as full member); absent for probationary members.
    pub confirmed_on: Option<NaiveDate>,
    /// The branch the member belongs to (所在支部).
    pub branch: OrgId,
    /// The party group inside the branch (所在党小组), if any.
    pub group: Option<OrgId>,
    /// 在职党员: employed elsewhere, expected to register with their community.
    pub in_service: bool,
    /// 双报到 registration, for in-service members.
    pub dual_registration: Option<DualRegistration>,
    /// 学历, 工作单位及职务, 籍贯, 备注.
    #[serde(default)]
    pub details: MemberDetails,
}

impl Member {
    /// Checks the record as a whole; the first problem found is returned.
    pub fn validate(&self) -> Result<(), ValidationError> {
        require_text("姓名", &self.name, 20)?;
        require_text("民族", &self.ethnicity, 10)?;
        check_text("学历", &self.details.education, 30)?;
        check_text("工作单位及职务", &self.details.work, 100)?;
        check_text("籍贯", &self.details.native_place, 50)?;
        check_text("备注", &self.details.remarks, 500)?;
        if self.id_number.gender() != self.gender {
            return Err(ValidationError::new(
                "性别",
                format!("与身份证号不符（身份证号为{}性）", self.id_number.gender().label()),
                self.gender.label(),
            ));
        }
        if self.id_number.birth_date() != Some(self.birth_date) {
            return Err(ValidationError::new("出生日期", "与身份证号不符", self.birth_date));
        }
        let adult = self
            .birth_date
            .with_year(self.birth_date.year() + 18)
            .or_else(|| NaiveDate::from_ymd_opt(self.birth_date.year() + 18, 3, 1));
        if adult.is_some_and(|adult| self.joined_on < adult) {
            return Err(ValidationError::new("入党时间", "早于年满18周岁", self.joined_on));
        }
        match (self.status, self.confirmed_on) {
            (MemberStatus::Probationary, Some(date)) => {
                return Err(ValidationError::new("转正时间", "不应填写（预备党员尚未转正）", date));
            }
            (_, Some(date)) if date <= self.joined_on => {
                return Err(ValidationError::new("转正时间", "应晚于入党时间", date));
            }
            _ => {}
        }
        if let Some(dual) = &self.dual_registration {
            if !self.in_service {
                return Err(ValidationError::new("双报到", "只适用于在职党员", &dual.community));
            }
            require_text("报到社区", &dual.community, 50)?;
            for post in &dual.posts {
                check_text("认领岗位", post, 50)?;
            }
        }
        Ok(())
    }

    /// Whether the member held voting rights (was a full member) on `date`.
    pub fn is_full_on(&self, date: NaiveDate) -> bool {
        self.status == MemberStatus::Full && self.confirmed_on.is_none_or(|confirmed| confirmed <= date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_number_check_digit() {
        // The GB 11643 example number.
        let id = IdNumber::parse("11010519491231002X").map(|id| id.masked());
        assert_eq!(id, Ok("110105********002X".to_owned()));
        let err = IdNumber::parse("110105194912310021").map(|_| ()).unwrap_err();
        assert_eq!(err.to_string(), "身份证号校验位不正确：110105********0021");
        assert!(IdNumber::parse("11010519491231002x").is_ok(), "lowercase x is accepted");
        assert!(IdNumber::parse("1101051949123100").is_err());
    }

    #[test]
    fn id_number_birth_date_and_gender() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31));
        assert_eq!(id.gender(), Gender::Female);
    }

    #[test]
    fn phone_normalised() {
        assert_eq!(Phone::parse("+86 138-0013-8000").map(|p| p.as_str().to_owned()), Ok("13800138000".into()));
        assert_eq!(Phone::parse("13800138000").unwrap().masked(), "138****8000");
        assert!(Phone::parse("12800138000").is_err());
        let landline = Phone::parse("（0579）8123 456").unwrap();
        assert_eq!((landline.as_str(), landline.masked().as_str()), ("0579-8123456", "0579-****456"));
        assert_eq!(Phone::parse("010-62345678").unwrap().as_str(), "010-62345678");
        assert_eq!(Phone::parse("１３８ ００１３ ８０００").unwrap().as_str(), "13800138000", "full-width digits");
        assert!(Phone::parse("0579-123").is_err(), "too short");
        assert!(Phone::parse("8123456").is_err(), "a landline needs its area code");
    }
}
