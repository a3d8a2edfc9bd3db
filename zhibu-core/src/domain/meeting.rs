//! Meetings of every type in the glossary: attendance, observers, agenda, speeches,
//! resolutions with votes, attachments and the draft → final status.

use super::{MemberId, OrgId, ValidationError, check_text, require_text};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The type of a recorded meeting or activity (code names from GLOSSARY.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// 支部党员大会.
    GeneralMeeting,
    /// 支委会.
    CommitteeMeeting,
    /// 党小组会.
    GroupMeeting,
    /// 党课.
    PartyLecture,
    /// 主题党日.
    ThemeDay,
    /// 组织生活会.
    OrgLifeMeeting,
    /// 谈心谈话.
    HeartToHeartTalk,
    /// 民主评议党员.
    MemberAppraisal,
    /// 换届选举.
    TermChange,
    /// 民主生活会 (leadership teams).
    DemocraticLifeMeeting,
    /// 议事会 / 联席会议.
    DeliberationMeeting,
    /// 四议两公开.
    FourDeliberationsTwoDisclosures,
}

impl MeetingKind {
    /// Every kind, in the order forms and reports list them.
    pub const ALL: [MeetingKind; 12] = [
        Self::GeneralMeeting,
        Self::CommitteeMeeting,
        Self::GroupMeeting,
        Self::PartyLecture,
        Self::ThemeDay,
        Self::OrgLifeMeeting,
        Self::HeartToHeartTalk,
        Self::MemberAppraisal,
        Self::TermChange,
        Self::DemocraticLifeMeeting,
        Self::DeliberationMeeting,
        Self::FourDeliberationsTwoDisclosures,
    ];

    /// The Chinese name used on screens and documents.
    pub fn label(self) -> &'static str {
        match self {
            Self::GeneralMeeting => "支部党员大会",
            Self::CommitteeMeeting => "支委会",
            Self::GroupMeeting => "党小组会",
            Self::PartyLecture => "党课",
            Self::ThemeDay => "主题党日",
            Self::OrgLifeMeeting => "组织生活会",
            Self::HeartToHeartTalk => "谈心谈话",
            Self::MemberAppraisal => "民主评议党员",
            Self::TermChange => "换届选举",
            Self::DemocraticLifeMeeting => "民主生活会",
            Self::DeliberationMeeting => "议事会",
            Self::FourDeliberationsTwoDisclosures => "四议两公开",
        }
    }

    /// The snake_case code name (the same string serde and the database use).
    pub fn code(self) -> &'static str {
        match self {
            Self::GeneralMeeting => "general_meeting",
            Self::CommitteeMeeting => "committee_meeting",
            Self::GroupMeeting => "group_meeting",
            Self::PartyLecture => "party_lecture",
            Self::ThemeDay => "theme_day",
            Self::OrgLifeMeeting => "org_life_meeting",
            Self::HeartToHeartTalk => "heart_to_heart_talk",
            Self::MemberAppraisal => "member_appraisal",
            Self::TermChange => "term_change",
            Self::DemocraticLifeMeeting => "democratic_life_meeting",
            Self::DeliberationMeeting => "deliberation_meeting",
            Self::FourDeliberationsTwoDisclosures => "four_deliberations_two_disclosures",
        }
    }

    /// The kind whose [`code`](Self::code) is `code`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Whether a member was there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "presence", rename_all = "snake_case")]
pub enum Presence {
    /// 出席.
    Present,
    /// 请假, with the reason given.
    OnLeave {
        /// 请假原因.
        reason: String,
    },
    /// 缺席, with the reason if known.
    Absent {
        /// 缺席原因.
        reason: String,
    },
}

impl Presence {
    /// The Chinese label.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Present => "出席",
            Self::OnLeave { .. } => "请假",
            Self::Absent { .. } => "缺席",
        }
    }
}

/// One member expected at the meeting (应到) and whether they came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    /// The member.
    pub member: MemberId,
    /// Whether they came.
    #[serde(flatten)]
    pub presence: Presence,
}

/// A non-member attendee (列席).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observer {
    /// 姓名.
    pub name: String,
    /// 单位或身份 (`街道党工委组织委员`).
    pub affiliation: String,
}

/// One item of the agenda (议题).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    /// The item's title.
    pub title: String,
}

/// One speech (发言) in the minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speech {
    /// The agenda item (0-based) it belongs to, if any.
    pub agenda_index: Option<u32>,
    /// The speaker's name.
    pub speaker: String,
    /// What was said, summarised by the recorder.
    pub content: String,
}

/// The vote on a resolution (表决情况).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Votes {
    /// 赞成.
    pub yes: u32,
    /// 反对.
    pub no: u32,
    /// 弃权.
    pub abstain: u32,
}

impl Votes {
    /// All votes cast.
    pub fn total(self) -> u32 {
        self.yes + self.no + self.abstain
    }
}

/// A resolution (决议) with its vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// What was resolved.
    pub text: String,
    /// How it was voted.
    pub votes: Votes,
}

/// What an attachment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// 签到表.
    SignInSheet,
    /// 照片.
    Photo,
    /// 会议材料 (and any other file).
    Other,
}

impl AttachmentKind {
    /// Every kind, in the order the editor offers them.
    pub const ALL: [AttachmentKind; 3] = [Self::SignInSheet, Self::Photo, Self::Other];

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::SignInSheet => "签到表",
            Self::Photo => "照片",
            Self::Other => "会议材料",
        }
    }
}

/// A file attached to a meeting, kept in the data directory under its content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The file's original name, shown to the user.
    pub file_name: String,
    /// Lower-case hex SHA-256 of the content: the file's name in the data directory.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// What it is.
    pub kind: AttachmentKind,
}

/// Draft records can be edited; final ones are archived (存档备查) and only amended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    /// 草稿.
    Draft,
    /// 定稿 (locked).
    Final,
}

/// A meeting record (会议记录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    /// The meeting's type.
    pub kind: MeetingKind,
    /// The branch holding it.
    pub branch: OrgId,
    /// The party group, for group meetings.
    pub group: Option<OrgId>,
    /// 会议名称 / 主题.
    pub title: String,
    /// 开始时间.
    pub starts_at: NaiveDateTime,
    /// 结束时间.
    pub ends_at: NaiveDateTime,
    /// 会议地点.
    pub place: String,
    /// 主持人.
    pub host: String,
    /// 记录人.
    pub recorder: String,
    /// Everyone expected (应到), with whether they came.
    pub attendance: Vec<Attendance>,
    /// 列席人员.
    pub observers: Vec<Observer>,
    /// 议题.
    pub agenda: Vec<AgendaItem>,
    /// 发言.
    pub speeches: Vec<Speech>,
    /// 决议.
    pub resolutions: Vec<Resolution>,
    /// 附件.
    pub attachments: Vec<Attachment>,
    /// Draft or final.
    pub status: MeetingStatus,
}

impl Meeting {
    /// The day the meeting took place.
    pub fn date(&self) -> NaiveDate {
        self.starts_at.date()
    }

    /// 实到: members marked present.
    pub fn present_count(&self) -> u32 {
        self.attendance.iter().filter(|a| a.presence == Presence::Present).count() as u32
    }

    /// Checks the record as a whole; the first problem found is returned.
    pub fn validate(&self) -> Result<(), ValidationError> {
        require_text("会议名称", &self.title, 100)?;
        if self.ends_at <= self.starts_at {
            return Err(ValidationError::new(
                "会议结束时间",
                format!("应晚于开始时间 {}", self.starts_at.format("%Y-%m-%d %H:%M")),
                self.ends_at.format("%Y-%m-%d %H:%M"),
            ));
        }
        if self.ends_at - self.starts_at > chrono::Duration::hours(24) {
            return Err(ValidationError::new(
                "会议结束时间",
                "距开始时间超过24小时",
                self.ends_at.format("%Y-%m-%d %H:%M"),
            ));
        }
        require_text("会议地点", &self.place, 100)?;
        require_text("主持人", &self.host, 20)?;
        require_text("记录人", &self.recorder, 20)?;
        if self.kind == MeetingKind::GroupMeeting && self.group.is_none() {
            return Err(ValidationError::new("党小组", "不能为空（党小组会须指明党小组）", &self.title));
        }
        let mut seen = HashSet::new();
        for entry in &self.attendance {
            if !seen.insert(entry.member) {
                return Err(ValidationError::new("参会人员", "重复", entry.member));
            }
            match &entry.presence {
                Presence::Present => {}
                Presence::OnLeave { reason } => check_text("请假原因", reason, 100)?,
                Presence::Absent { reason } => check_text("缺席原因", reason, 100)?,
            }
        }
        for observer in &self.observers {
            require_text("列席人员姓名", &observer.name, 20)?;
            check_text("列席人员单位", &observer.affiliation, 60)?;
        }
        for item in &self.agenda {
            require_text("议题", &item.title, 200)?;
        }
        for speech in &self.speeches {
            require_text("发言人", &speech.speaker, 20)?;
            require_text("发言内容", &speech.content, 5000)?;
            if let Some(index) = speech.agenda_index
                && index as usize >= self.agenda.len()
            {
                return Err(ValidationError::new(
                    "发言所属议题",
                    format!("不存在（共{}项议题）", self.agenda.len()),
                    index + 1,
                ));
            }
        }
        let present = self.present_count();
        for resolution in &self.resolutions {
            require_text("决议内容", &resolution.text, 1000)?;
            let cast = resolution.votes.total();
            if cast > present {
                return Err(ValidationError::new(
                    "表决票数",
                    format!("合计超过实到人数{present}人"),
                    format!(
                        "赞成{}、反对{}、弃权{}，共{cast}票",
                        resolution.votes.yes, resolution.votes.no, resolution.votes.abstain
                    ),
                ));
            }
        }
        for attachment in &self.attachments {
            require_text("附件名称", &attachment.file_name, 200)?;
            let hash_ok = attachment.sha256.len() == 64
                && attachment.sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
            if !hash_ok {
                return Err(ValidationError::new("附件校验值", "格式不正确", &attachment.sha256));
            }
        }
        Ok(())
    }
}
