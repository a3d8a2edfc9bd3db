//! Volunteer activities (志愿服务) with participants and their service hours: the branch's members,
//! and the volunteers of its register who are not its members (residents, members of other units
//! who registered here through 双报到), each with their own hours; service teams group them.

use super::{IdNumber, MemberId, OrgId, Phone, TeamId, ValidationError, VolunteerId, check_text, require_text};
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The kind of service, after the activities the seeds report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VolunteerCategory {
    /// 禁毒宣传.
    AntiDrug,
    /// 环境整治 (小区清洁, 垃圾分类).
    CleanUp,
    /// 治安巡逻.
    Patrol,
    /// 关爱老人 / 走访慰问.
    ElderlyCare,
    /// 政策宣讲 / 文明实践.
    Publicity,
    /// 其他.
    Other,
}

impl VolunteerCategory {
    /// Every category, in the order forms list them.
    pub const ALL: [VolunteerCategory; 6] =
        [Self::AntiDrug, Self::CleanUp, Self::Patrol, Self::ElderlyCare, Self::Publicity, Self::Other];

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::AntiDrug => "禁毒宣传",
            Self::CleanUp => "环境整治",
            Self::Patrol => "治安巡逻",
            Self::ElderlyCare => "关爱老人",
            Self::Publicity => "政策宣讲",
            Self::Other => "其他",
        }
    }
}

/// A member's part in an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Participant {
    /// The member.
    pub member: MemberId,
    /// 服务时长, in hours.
    pub hours: f64,
}

/// Who a registered volunteer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VolunteerKind {
    /// 居民 (not a party member).
    Resident,
    /// A party member of another unit who registered with this community (双报到).
    DualRegistered,
    /// 其他 (students, workers of the area, …).
    Other,
}

impl VolunteerKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [VolunteerKind; 3] = [Self::Resident, Self::DualRegistered, Self::Other];

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Resident => "居民",
            Self::DualRegistered => "双报到党员",
            Self::Other => "其他",
        }
    }
}

/// A volunteer of a branch's register who is not one of its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volunteer {
    /// The branch whose register it is.
    pub branch: OrgId,
    /// 姓名.
    pub name: String,
    /// Who they are.
    pub kind: VolunteerKind,
    /// 身份证号, when given (certificates print it masked).
    pub id_number: Option<IdNumber>,
    /// 联系电话.
    pub phone: Option<Phone>,
    /// 工作单位, or the 双报到 member's own party organisation.
    pub unit: String,
    /// The service team, if any.
    pub team: Option<TeamId>,
    /// 注册日期.
    pub registered_on: Option<NaiveDate>,
    /// 备注.
    pub note: String,
}

impl Volunteer {
    /// Checks the texts (the ID number and phone are valid by construction).
    pub fn validate(&self) -> Result<(), ValidationError> {
        require_text("志愿者姓名", &self.name, 30)?;
        check_text("工作单位", &self.unit, 60)?;
        check_text("备注", &self.note, 200)
    }
}

/// A volunteer service team (志愿服务队) of a branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceTeam {
    /// The branch.
    pub branch: OrgId,
    /// 队名.
    pub name: String,
    /// 队长.
    pub leader: String,
    /// 备注.
    pub note: String,
}

impl ServiceTeam {
    /// Checks the texts.
    pub fn validate(&self) -> Result<(), ValidationError> {
        require_text("服务队名称", &self.name, 40)?;
        check_text("队长", &self.leader, 30)?;
        check_text("备注", &self.note, 200)
    }
}

/// A registered volunteer's part in an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolunteerHours {
    /// The volunteer.
    pub volunteer: VolunteerId,
    /// 服务时长, in hours.
    pub hours: f64,
}

/// A volunteer activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolunteerActivity {
    /// 活动名称.
    pub title: String,
    /// 类别.
    pub category: VolunteerCategory,
    /// 日期.
    pub date: NaiveDate,
    /// 开始时间.
    pub starts: NaiveTime,
    /// 结束时间.
    pub ends: NaiveTime,
    /// 地点.
    pub place: String,
    /// 组织单位 (as printed on certificates).
    pub organiser: String,
    /// The organising branch, when it is one in the database.
    pub organiser_org: Option<OrgId>,
    /// 服务内容.
    pub description: String,
    /// The members who took part and for how long.
    pub participants: Vec<Participant>,
    /// The registered volunteers who are not members, each with their hours.
    #[serde(default)]
    pub volunteers: Vec<VolunteerHours>,
}

impl VolunteerActivity {
    /// The activity's span in hours.
    pub fn span_hours(&self) -> f64 {
        (self.ends - self.starts).num_minutes() as f64 / 60.0
    }

    /// Checks times, texts and that nobody served longer than the activity lasted.
    pub fn validate(&self) -> Result<(), ValidationError> {
        require_text("活动名称", &self.title, 100)?;
        if self.ends <= self.starts {
            return Err(ValidationError::new(
                "活动结束时间",
                format!("应晚于开始时间 {}", self.starts.format("%H:%M")),
                self.ends.format("%H:%M"),
            ));
        }
        require_text("活动地点", &self.place, 100)?;
        require_text("组织单位", &self.organiser, 60)?;
        check_text("服务内容", &self.description, 2000)?;
        let span = self.span_hours();
        let hours_ok = |hours: f64| hours.is_finite() && hours > 0.0 && hours <= span;
        let mut seen = HashSet::new();
        for participant in &self.participants {
            if !seen.insert(participant.member) {
                return Err(ValidationError::new("参加人员", "重复", participant.member));
            }
            if !hours_ok(participant.hours) {
                return Err(ValidationError::new(
                    "服务时长",
                    format!("应大于0且不超过活动时长{span}小时"),
                    participant.hours,
                ));
            }
        }
        let mut seen = HashSet::new();
        for volunteer in &self.volunteers {
            if !seen.insert(volunteer.volunteer) {
                return Err(ValidationError::new("参加的志愿者", "重复", volunteer.volunteer));
            }
            if !hours_ok(volunteer.hours) {
                return Err(ValidationError::new(
                    "志愿者服务时长",
                    format!("应大于0且不超过活动时长{span}小时"),
                    volunteer.hours,
                ));
            }
        }
        Ok(())
    }
}
