//! Volunteer activities (志愿服务) with participants and their service hours.

use super::{MemberId, OrgId, ValidationError, check_text, require_text};
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
    /// Who took part and for how long.
    pub participants: Vec<Participant>,
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
        let mut seen = HashSet::new();
        for participant in &self.participants {
            if !seen.insert(participant.member) {
                return Err(ValidationError::new("参加人员", "重复", participant.member));
            }
            if !(participant.hours.is_finite() && participant.hours > 0.0 && participant.hours <= span) {
                return Err(ValidationError::new(
                    "服务时长",
                    format!("应大于0且不超过活动时长{span}小时"),
                    participant.hours,
                ));
            }
        }
        Ok(())
    }
}
