//! The organization tree (committee → general branch → branch → group) and committee terms with roles.

use super::{MemberId, OrgId, ValidationError, require_text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The level of an organization in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 党委 / 党工委.
    Committee,
    /// 党总支.
    GeneralBranch,
    /// 党支部.
    Branch,
    /// 党小组.
    Group,
}

impl OrgKind {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Committee => "党（工）委",
            Self::GeneralBranch => "党总支",
            Self::Branch => "党支部",
            Self::Group => "党小组",
        }
    }

    /// Whether an organization of this kind may sit directly under one of `parent`'s kind.
    pub fn may_sit_under(self, parent: OrgKind) -> bool {
        match self {
            Self::Committee => parent == Self::Committee,
            Self::GeneralBranch => parent == Self::Committee,
            Self::Branch => matches!(parent, Self::Committee | Self::GeneralBranch),
            Self::Group => parent == Self::Branch,
        }
    }
}

/// Where an organization is set up; decides the term length (村/社区 five years, others three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BranchCategory {
    /// 社区.
    Community,
    /// 村.
    Village,
    /// 企业 (including 非公企业).
    Enterprise,
    /// 机关事业单位.
    Institution,
    /// 其他 (社会组织, 小区, …).
    Other,
}

impl BranchCategory {
    /// Every category, in the order forms list them.
    pub const ALL: [BranchCategory; 5] =
        [Self::Community, Self::Village, Self::Enterprise, Self::Institution, Self::Other];

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Community => "社区",
            Self::Village => "村",
            Self::Enterprise => "企业",
            Self::Institution => "机关事业单位",
            Self::Other => "其他",
        }
    }
}

/// An organization (党组织): any unit of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// The organization above this one; `None` only for the root committee.
    pub parent: Option<OrgId>,
    /// The level in the tree.
    pub kind: OrgKind,
    /// Where it is set up.
    pub category: BranchCategory,
    /// 全称 (`金山社区党支部`).
    pub name: String,
    /// 撤销日期: a dissolved organisation stays in the tree with its records; nothing new is
    /// recorded for it and the rules stop requiring meetings after this day.
    #[serde(default)]
    pub dissolved_on: Option<NaiveDate>,
}

impl Organization {
    /// Checks the record on its own (the parent's kind is checked by the store, which knows the parent).
    pub fn validate(&self) -> Result<(), ValidationError> {
        require_text("组织名称", &self.name, 60)?;
        if self.parent.is_none() && self.kind != OrgKind::Committee {
            return Err(ValidationError::new("上级组织", "不能为空（只有党委可以是最上级）", &self.name));
        }
        Ok(())
    }
}

/// A role on a branch committee (支委会).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitteeRole {
    /// 书记.
    Secretary,
    /// 副书记.
    DeputySecretary,
    /// 组织委员.
    OrganizationOfficer,
    /// 宣传委员.
    PublicityOfficer,
    /// 纪检委员.
    DisciplineOfficer,
    /// 委员 (other committee members).
    Member,
}

impl CommitteeRole {
    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Secretary => "书记",
            Self::DeputySecretary => "副书记",
            Self::OrganizationOfficer => "组织委员",
            Self::PublicityOfficer => "宣传委员",
            Self::DisciplineOfficer => "纪检委员",
            Self::Member => "委员",
        }
    }
}

/// One member holding one role in a term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleAssignment {
    /// The member holding the role.
    pub member: MemberId,
    /// The role.
    pub role: CommitteeRole,
}

/// A committee term (届) of an organization, from its election to its planned end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeTerm {
    /// The organization the committee leads.
    pub org: OrgId,
    /// 第N届.
    pub number: u32,
    /// 选举（任职）日期; `None` when the date was never recorded (the rules warn about it).
    pub elected_on: Option<NaiveDate>,
    /// The planned end of the term, when it differs from election date + the rule's term length.
    pub ends_on: Option<NaiveDate>,
    /// The day the term actually ended: the next election's day, or a date entered for a
    /// branch's past terms. `None` while it is in force.
    #[serde(default)]
    pub closed_on: Option<NaiveDate>,
    /// Who holds which role. A branch under 7 full members has a secretary only.
    pub roles: Vec<RoleAssignment>,
}

impl CommitteeTerm {
    /// Most members a branch committee may have.
    pub const MAX_ROLES: usize = 7;

    /// Checks roles and dates.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.number == 0 {
            return Err(ValidationError::new("届次", "应从1开始", self.number));
        }
        if let (Some(start), Some(end)) = (self.elected_on, self.ends_on)
            && end <= start
        {
            return Err(ValidationError::new("届满日期", "应晚于选举日期", end));
        }
        if let Some(closed) = self.closed_on {
            match self.elected_on {
                Some(start) if closed <= start => {
                    return Err(ValidationError::new("任期结束日期", "应晚于选举日期", closed));
                }
                None => return Err(ValidationError::new("选举日期", "录入了任期结束日期时不能为空", closed)),
                Some(_) => {}
            }
        }
        if self.roles.len() > Self::MAX_ROLES {
            return Err(ValidationError::new("支委会成员", "不能超过7人", self.roles.len()));
        }
        let secretaries = self.roles.iter().filter(|r| r.role == CommitteeRole::Secretary).count();
        if secretaries > 1 {
            return Err(ValidationError::new("书记", "只能有一名", secretaries));
        }
        let mut seen = HashSet::new();
        for role in &self.roles {
            if !seen.insert(role.member) {
                return Err(ValidationError::new("支委会成员", "重复（同一党员只能担任一个职务）", role.member));
            }
        }
        Ok(())
    }

    /// Whether the term is in force on `day`: elected on or before it (or undated) and not closed.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.elected_on.is_none_or(|d| d <= day) && self.closed_on.is_none_or(|d| d > day)
    }

    /// The secretary, if the term has one.
    pub fn secretary(&self) -> Option<MemberId> {
        self.roles.iter().find(|r| r.role == CommitteeRole::Secretary).map(|r| r.member)
    }
}
