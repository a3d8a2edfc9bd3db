//! The records on the command line: `zhibu record add|edit|show|list|delete KIND`, the
//! lifecycle of final records (`zhibu meeting finalize|amend|history`, `zhibu election
//! finalize|check|amend|history`), `zhibu org dissolve`, `zhibu audit` and `zhibu trash`.
//!
//! A record goes in and comes out as the JSON of docs/records-json.md: `show` prints what
//! `add` and `edit` read, so a correction is show → edit the file → edit (or amend).

use anyhow::{Context as _, Result, bail};
use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use zhibu_core::domain::{
    ActivityId, AppraisalId, DuesBase, DuesBaseId, ElectionId, MeetingId, MemberId, OrgId, PaymentId, RatingId,
    ReviewId, SchemeId, SubjectId, TeamId, TermId, VolunteerId, star_string,
};
use zhibu_core::rules::RuleSet;
use zhibu_core::store::{AuditQuery, MeetingFilter, Store};

/// The kinds of records the command line reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// 党组织
    Org,
    /// 届次（支部委员会）
    Term,
    /// 党员
    Member,
    /// 会议记录
    Meeting,
    /// 换届选举
    Election,
    /// 述职评议
    Review,
    /// 民主评议党员
    Appraisal,
    /// 星级评定
    Rating,
    /// 评定对象（支部、小区、业委会、物业服务企业、网格员、志愿者、党员）
    RatingSubject,
    /// 星级评定指标（修改已有评定结果的指标会生成新版本）
    RatingScheme,
    /// 志愿服务活动
    Volunteer,
    /// 党费基数（按默认党费标准检查；用本地标准请用 zhibu dues base --rules）
    DuesBase,
    /// 党费缴纳或免交
    DuesPayment,
    /// 志愿者名册中的非党员志愿者
    VolunteerPerson,
    /// 志愿服务队
    ServiceTeam,
}

/// `zhibu record …`.
#[derive(Debug, Subcommand)]
pub enum RecordCommand {
    /// 新增一条记录（JSON 文件，格式见 docs/records-json.md；会议和选举存为草稿）
    Add {
        /// 记录类型
        kind: Kind,
        /// 记录文件（JSON）
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
    /// 修改一条记录（已定稿的会议、选举请用 amend 更正）
    Edit {
        /// 记录类型
        kind: Kind,
        /// 记录编号
        #[arg(long)]
        id: i64,
        /// 修改后的记录文件（JSON，可先用 show 导出）
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
    /// 以 JSON 显示一条记录（即 add、edit 读取的格式）
    Show {
        /// 记录类型
        kind: Kind,
        /// 记录编号
        #[arg(long)]
        id: i64,
        /// 显示党员完整的身份证号、手机号和出生日期（默认遮盖；修改党员时需要）
        #[arg(long)]
        show_personal_data: bool,
    },
    /// 列出记录：编号和摘要
    List {
        /// 记录类型
        kind: Kind,
        /// 年度（会议、评议、评定、志愿服务）
        #[arg(long)]
        year: Option<i32>,
        /// 只列该支部的（组织编号）
        #[arg(long, value_name = "ID")]
        branch: Option<i64>,
    },
    /// 删除一条记录（放入回收站，可用 zhibu trash restore 撤销）
    Delete {
        /// 记录类型
        kind: Kind,
        /// 记录编号
        #[arg(long)]
        id: i64,
    },
}

/// `zhibu meeting …`.
#[derive(Debug, Subcommand)]
pub enum MeetingCommand {
    /// 会议记录定稿（此后只能更正）
    Finalize {
        /// 会议编号
        #[arg(long)]
        id: i64,
    },
    /// 更正已定稿的会议记录：保留原记录和更正原因
    Amend {
        /// 会议编号
        #[arg(long)]
        id: i64,
        /// 更正后的记录文件（JSON，可先用 zhibu record show meeting 导出）
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// 更正原因（必填）
        #[arg(long)]
        reason: String,
    },
    /// 显示会议记录的更正历史
    History {
        /// 会议编号
        #[arg(long)]
        id: i64,
    },
}

/// `zhibu election …`.
#[derive(Debug, Subcommand)]
pub enum ElectionCommand {
    /// 按选举工作条例检查选举记录：法定人数、差额、当选、批复
    Check {
        /// 选举编号
        #[arg(long)]
        id: i64,
        /// 本地规则文件（TOML），覆盖默认规则
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
    },
    /// 选举定稿：上一届任期结束，新一届委员会产生
    Finalize {
        /// 选举编号
        #[arg(long)]
        id: i64,
        /// 本地规则文件（TOML），覆盖默认规则
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
    },
    /// 更正已定稿的选举记录（新一届委员会随之更正）
    Amend {
        /// 选举编号
        #[arg(long)]
        id: i64,
        /// 更正后的记录文件（JSON）
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// 更正原因（必填）
        #[arg(long)]
        reason: String,
        /// 本地规则文件（TOML），覆盖默认规则
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
    },
    /// 显示选举记录的更正历史
    History {
        /// 选举编号
        #[arg(long)]
        id: i64,
    },
}

/// `zhibu org …`.
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// 撤销党组织：记录保留并照常统计，此后不再要求开会
    Dissolve {
        /// 组织编号
        #[arg(long)]
        id: i64,
        /// 撤销日期
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: NaiveDate,
    },
}

/// `zhibu trash …`.
#[derive(Debug, Subcommand)]
pub enum TrashCommand {
    /// 列出已删除、可恢复的记录
    List,
    /// 恢复一条已删除的记录（撤销删除）
    Restore {
        /// 回收站编号（见 zhibu trash list）
        #[arg(long)]
        id: i64,
    },
}

/// `zhibu audit` filters.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// 起始日期
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<NaiveDate>,
    /// 截止日期
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<NaiveDate>,
    /// 操作人
    #[arg(long)]
    pub operator: Option<String>,
    /// 记录：类型（meeting）或类型:编号（meeting:12）
    #[arg(long)]
    pub record: Option<String>,
    /// 导出为 CSV 文件（Excel 可直接打开）
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

fn read_json<T: DeserializeOwned>(file: &Path) -> Result<T> {
    let text = std::fs::read_to_string(file).with_context(|| format!("无法读取记录文件：{}", file.display()))?;
    let mut json = serde_json::Deserializer::from_str(&text);
    let value = decode(&mut json, file)?;
    json.end().with_context(|| format!("记录文件格式不对（见 docs/records-json.md）：{}", file.display()))?;
    Ok(value)
}

/// Decodes a record, naming the field that is wrong: serde_json alone says "expected value at
/// line 1 column 46" for a `null` where a category belongs.
fn decode<'de, T: DeserializeOwned>(
    json: impl serde::Deserializer<'de, Error = serde_json::Error>,
    file: &Path,
) -> Result<T> {
    serde_path_to_error::deserialize(json).map_err(|error| {
        let field = error.path().to_string();
        let context = match field.as_str() {
            "." => format!("记录文件格式不对（见 docs/records-json.md）：{}", file.display()),
            _ => format!("记录文件中字段 {field} 的值不对（见 docs/records-json.md）：{}", file.display()),
        };
        anyhow::Error::new(error.into_inner()).context(context)
    })
}

/// A member as `record show` prints it: personal data leaves masked unless asked for (NORMS.md,
/// 个人信息).
pub fn masked_member(member: &zhibu_core::domain::Member) -> Result<serde_json::Value> {
    let mut value = serde_json::to_value(member)?;
    value["id_number"] = member.id_number.masked().into();
    value["phone"] = member.phone.as_ref().map(|p| p.masked()).into();
    value["birth_date"] = "****-**-**".into();
    Ok(value)
}

/// A volunteer who is not a member as `record show` prints it (numbers masked).
fn masked_volunteer(volunteer: &zhibu_core::domain::Volunteer) -> Result<serde_json::Value> {
    let mut value = serde_json::to_value(volunteer)?;
    value["id_number"] = volunteer.id_number.as_ref().map(|n| n.masked()).into();
    value["phone"] = volunteer.phone.as_ref().map(|p| p.masked()).into();
    Ok(value)
}

/// Reads a record file that may be what `record show` printed, edited: a field still exactly as
/// `shown` (a masked ID number, phone or birth date) means "unchanged" and takes its `stored`
/// value, so show, edit, save works without revealing the numbers. A masked value changed by
/// hand is refused by name.
fn read_json_shown<T: DeserializeOwned>(
    file: &Path,
    shown: &serde_json::Value,
    stored: &serde_json::Value,
) -> Result<T> {
    let mut value: serde_json::Value = read_json(file)?;
    for (key, shown_value) in shown.as_object().into_iter().flatten() {
        let Some(given) = value.get_mut(key.as_str()) else { continue };
        if stored.get(key.as_str()) == Some(shown_value) {
            continue;
        }
        if given == shown_value {
            *given = stored.get(key.as_str()).cloned().unwrap_or(serde_json::Value::Null);
        } else if given.as_str().is_some_and(|text| text.contains('*')) {
            bail!("记录文件中的值仍含遮挡的“*”（保留显示时的原样表示不修改，或填写完整的新值）：{key}");
        }
    }
    decode(value, file)
}

/// An appraisal with the grade the rules suggest for its ballots and the member's year (today's
/// records, the default rules): deciding otherwise is refused unless the file gives a `reason`.
fn suggested(
    store: &Store,
    mut appraisal: zhibu_core::domain::MemberAppraisal,
) -> Result<zhibu_core::domain::MemberAppraisal> {
    let today = chrono::Local::now().date_naive();
    let suggestion = zhibu_core::services::profile::suggestion_for(store, &RuleSet::default(), &appraisal, today)?;
    appraisal.suggested = Some(suggestion.grade);
    if appraisal.grade != suggestion.grade && appraisal.reason.trim().is_empty() {
        anyhow::bail!(
            "评定理由须写明：按民主测评票数和本年度记录建议评定为“{}”（{}），评定为“{}”须在记录文件的 reason 中写明理由",
            suggestion.grade.label(),
            suggestion.reasons.join("；"),
            appraisal.grade.label()
        );
    }
    Ok(appraisal)
}

fn print_json<T: Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn rules(path: Option<&Path>) -> Result<RuleSet> {
    Ok(match path {
        Some(path) => RuleSet::load(path)?,
        None => RuleSet::default(),
    })
}

/// Runs `zhibu record …`.
pub fn record(store: &mut Store, command: RecordCommand) -> Result<()> {
    match command {
        RecordCommand::Add { kind, file } => {
            let id = match kind {
                Kind::Org => store.write(|w| Ok::<_, anyhow::Error>(w.create_organization(&read_json(&file)?)?.0))?,
                Kind::Term => store.write(|w| Ok::<_, anyhow::Error>(w.create_term(&read_json(&file)?)?.0))?,
                Kind::Member => store.write(|w| Ok::<_, anyhow::Error>(w.create_member(&read_json(&file)?)?.0))?,
                Kind::Meeting => store.write(|w| Ok::<_, anyhow::Error>(w.create_meeting(&read_json(&file)?)?.0))?,
                Kind::Election => store.write(|w| Ok::<_, anyhow::Error>(w.create_election(&read_json(&file)?)?.0))?,
                Kind::Review => store.write(|w| Ok::<_, anyhow::Error>(w.create_duty_review(&read_json(&file)?)?.0))?,
                Kind::Appraisal => {
                    let appraisal = suggested(store, read_json(&file)?)?;
                    store.write(|w| w.create_appraisal(&appraisal))?.0
                }
                Kind::Rating => store.write(|w| Ok::<_, anyhow::Error>(w.create_star_rating(&read_json(&file)?)?.0))?,
                Kind::RatingSubject => {
                    store.write(|w| Ok::<_, anyhow::Error>(w.create_subject(&read_json(&file)?)?.0))?
                }
                Kind::RatingScheme => {
                    store.write(|w| Ok::<_, anyhow::Error>(w.create_rating_scheme(&read_json(&file)?)?.0))?
                }
                Kind::Volunteer => {
                    store.write(|w| Ok::<_, anyhow::Error>(w.create_volunteer_activity(&read_json(&file)?)?.0))?
                }
                Kind::DuesBase => {
                    let rates = RuleSet::default().dues.rates;
                    store.write(|w| Ok::<_, anyhow::Error>(w.save_dues_base(&read_json(&file)?, &rates)?.0))?
                }
                Kind::DuesPayment => {
                    store.write(|w| Ok::<_, anyhow::Error>(w.create_dues_payment(&read_json(&file)?)?.0))?
                }
                Kind::VolunteerPerson => {
                    store.write(|w| Ok::<_, anyhow::Error>(w.create_volunteer(&read_json(&file)?)?.0))?
                }
                Kind::ServiceTeam => store.write(|w| Ok::<_, anyhow::Error>(w.create_team(&read_json(&file)?)?.0))?,
            };
            println!("已新增，编号 {id}");
        }
        RecordCommand::Edit { kind, id, file } => {
            match kind {
                Kind::Org => {
                    store.write(|w| Ok::<_, anyhow::Error>(w.update_organization(OrgId(id), &read_json(&file)?)?))?
                }
                Kind::Term => {
                    store.write(|w| Ok::<_, anyhow::Error>(w.update_term(TermId(id), &read_json(&file)?)?))?
                }
                Kind::Member => {
                    let stored = store.member(MemberId(id))?;
                    let member = read_json_shown(&file, &masked_member(&stored)?, &serde_json::to_value(&stored)?)?;
                    store.write(|w| Ok::<_, anyhow::Error>(w.update_member(MemberId(id), &member)?))?
                }
                Kind::Meeting => {
                    store.write(|w| Ok::<_, anyhow::Error>(w.update_meeting(MeetingId(id), &read_json(&file)?)?))?
                }
                Kind::Election => {
                    store.write(|w| Ok::<_, anyhow::Error>(w.update_election(ElectionId(id), &read_json(&file)?)?))?
                }
                Kind::Review => {
                    store.write(|w| Ok::<_, anyhow::Error>(w.update_duty_review(ReviewId(id), &read_json(&file)?)?))?
                }
                Kind::Appraisal => {
                    let appraisal = suggested(store, read_json(&file)?)?;
                    store.write(|w| w.update_appraisal(AppraisalId(id), &appraisal))?
                }
                Kind::Rating => {
                    store.write(|w| Ok::<_, anyhow::Error>(w.update_star_rating(RatingId(id), &read_json(&file)?)?))?
                }
                Kind::RatingSubject => {
                    store.write(|w| Ok::<_, anyhow::Error>(w.update_subject(SubjectId(id), &read_json(&file)?)?))?
                }
                Kind::RatingScheme => {
                    let now = store
                        .write(|w| Ok::<_, anyhow::Error>(w.revise_rating_scheme(SchemeId(id), &read_json(&file)?)?))?;
                    if now.0 != id {
                        let version = store.rating_scheme(now)?.version;
                        println!("原指标已有评定结果，修改存为第{version}版，编号 {now}（原结果仍按原版本）");
                    }
                }
                Kind::Volunteer => store.write(|w| {
                    Ok::<_, anyhow::Error>(w.update_volunteer_activity(ActivityId(id), &read_json(&file)?)?)
                })?,
                Kind::DuesBase => {
                    // A base is one per member and year: the file must keep both.
                    let before = store.dues_base(DuesBaseId(id))?;
                    let base: DuesBase = read_json(&file)?;
                    if (base.member, base.year) != (before.member, before.year) {
                        anyhow::bail!("党费基数不能改换党员或年度（请删除后新增）：编号 {id}");
                    }
                    let rates = RuleSet::default().dues.rates;
                    store.write(|w| w.save_dues_base(&base, &rates))?;
                }
                Kind::DuesPayment => store
                    .write(|w| Ok::<_, anyhow::Error>(w.update_dues_payment(PaymentId(id), &read_json(&file)?)?))?,
                Kind::VolunteerPerson => {
                    let stored = store.volunteer(VolunteerId(id))?;
                    let volunteer =
                        read_json_shown(&file, &masked_volunteer(&stored)?, &serde_json::to_value(&stored)?)?;
                    store.write(|w| Ok::<_, anyhow::Error>(w.update_volunteer(VolunteerId(id), &volunteer)?))?
                }
                Kind::ServiceTeam => {
                    store.write(|w| Ok::<_, anyhow::Error>(w.update_team(TeamId(id), &read_json(&file)?)?))?
                }
            }
            println!("已修改，编号 {id}");
        }
        RecordCommand::Show { kind, id, show_personal_data } => match kind {
            Kind::Org => print_json(&store.organization(OrgId(id))?)?,
            Kind::Term => print_json(&store.term(TermId(id))?)?,
            Kind::Member => {
                let member = store.member(MemberId(id))?;
                match show_personal_data {
                    true => print_json(&member)?,
                    false => print_json(&masked_member(&member)?)?,
                }
            }
            Kind::Meeting => print_json(&store.meeting(MeetingId(id))?)?,
            Kind::Election => print_json(&store.election(ElectionId(id))?)?,
            Kind::Review => print_json(&store.duty_review(ReviewId(id))?)?,
            Kind::Appraisal => print_json(&store.appraisal(AppraisalId(id))?)?,
            Kind::Rating => print_json(&store.star_rating(RatingId(id))?)?,
            Kind::RatingSubject => print_json(&store.subject(SubjectId(id))?)?,
            Kind::RatingScheme => print_json(&store.rating_scheme(SchemeId(id))?)?,
            Kind::Volunteer => print_json(&store.volunteer_activity(ActivityId(id))?)?,
            Kind::DuesBase => print_json(&store.dues_base(DuesBaseId(id))?)?,
            Kind::DuesPayment => print_json(&store.dues_payment(PaymentId(id))?)?,
            Kind::VolunteerPerson => {
                let volunteer = store.volunteer(VolunteerId(id))?;
                match show_personal_data {
                    true => print_json(&volunteer)?,
                    false => print_json(&masked_volunteer(&volunteer)?)?,
                }
            }
            Kind::ServiceTeam => print_json(&store.service_team(TeamId(id))?)?,
        },
        RecordCommand::List { kind, year, branch } => list(store, kind, year, branch.map(OrgId))?,
        RecordCommand::Delete { kind, id } => {
            let what = match kind {
                Kind::Org => store.write(|w| w.delete_organization(OrgId(id)))?.name,
                Kind::Term => format!("第{}届", store.write(|w| w.delete_term(TermId(id)))?.number),
                Kind::Member => store.write(|w| w.delete_member(MemberId(id)))?.name,
                Kind::Meeting => store.write(|w| w.delete_meeting(MeetingId(id)))?.title,
                Kind::Election => {
                    format!("第{}届换届选举", store.write(|w| w.delete_election(ElectionId(id)))?.term_number)
                }
                Kind::Review => format!("{}年度述职评议", store.write(|w| w.delete_duty_review(ReviewId(id)))?.year),
                Kind::Appraisal => {
                    format!("{}年度民主评议", store.write(|w| w.delete_appraisal(AppraisalId(id)))?.year)
                }
                Kind::Rating => {
                    let rating = store.write(|w| w.delete_star_rating(RatingId(id)))?;
                    format!("{}年度{}的星级评定", rating.year, store.subject(rating.subject)?.name)
                }
                Kind::RatingSubject => store.write(|w| w.delete_subject(SubjectId(id)))?.name,
                Kind::RatingScheme => {
                    anyhow::bail!(
                        "评定指标不能删除（历年评定结果按它计算）；不再使用的指标可调整名称注明停用：编号 {id}"
                    )
                }
                Kind::Volunteer => store.write(|w| w.delete_volunteer_activity(ActivityId(id)))?.title,
                Kind::DuesBase => format!("{}年党费基数", store.write(|w| w.delete_dues_base(DuesBaseId(id)))?.year),
                Kind::DuesPayment => {
                    let p = store.write(|w| w.delete_dues_payment(PaymentId(id)))?;
                    format!("{}至{}的党费", p.from.label(), p.to.label())
                }
                Kind::VolunteerPerson => {
                    format!("志愿者{}", store.write(|w| w.delete_volunteer(VolunteerId(id)))?.name)
                }
                Kind::ServiceTeam => store.write(|w| w.delete_team(TeamId(id)))?.name,
            };
            println!("已删除：{what}（可用 zhibu trash list 查看、zhibu trash restore 恢复）");
        }
    }
    Ok(())
}

fn list(store: &Store, kind: Kind, year: Option<i32>, branch: Option<OrgId>) -> Result<()> {
    let need_year = || year.context("请用 --year 指定年度");
    let span = |year: i32| {
        (
            NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
            NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
        )
    };
    let names: std::collections::HashMap<MemberId, String> =
        store.members(None)?.into_iter().map(|m| (m.id, m.record.name)).collect();
    let name = |m: MemberId| names.get(&m).cloned().unwrap_or_else(|| m.to_string());
    match kind {
        Kind::Org => {
            for o in store.organizations()? {
                let gone = o.record.dissolved_on.map(|d| format!("（{d}撤销）")).unwrap_or_default();
                let parent = o.record.parent.map(|p| format!("  上级 {p}")).unwrap_or_default();
                println!("{}\t{}{gone}\t{}{parent}", o.id, o.record.name, o.record.kind.label());
            }
        }
        Kind::Term => {
            for t in store.all_terms()?.into_iter().filter(|t| branch.is_none_or(|b| t.record.org == b)) {
                let r = &t.record;
                let dates = match (r.elected_on, r.closed_on) {
                    (Some(a), Some(b)) => format!("{a}至{b}"),
                    (Some(a), None) => format!("{a}起"),
                    (None, _) => "未记录选举日期".to_owned(),
                };
                let roles: Vec<String> =
                    r.roles.iter().map(|x| format!("{}{}", x.role.label(), name(x.member))).collect();
                println!("{}\t组织{}\t第{}届\t{dates}\t{}", t.id, r.org, r.number, roles.join("、"));
            }
        }
        Kind::Member => {
            for m in store.members(branch)? {
                println!("{}\t{}\t{}\t{}", m.id, m.record.name, m.record.id_number.masked(), m.record.status.label());
            }
        }
        Kind::Meeting => {
            let (from, to) = span(need_year()?);
            let filter = MeetingFilter { branch, summary: true, ..MeetingFilter::between(from, to) };
            for m in store.meetings(&filter)? {
                let status =
                    if m.record.status == zhibu_core::domain::MeetingStatus::Final { "定稿" } else { "草稿" };
                println!("{}\t{}\t{}\t{}\t{status}", m.id, m.record.date(), m.record.kind.label(), m.record.title);
            }
        }
        Kind::Election => {
            for e in store.elections(branch)? {
                let status =
                    if e.record.status == zhibu_core::domain::MeetingStatus::Final { "定稿" } else { "草稿" };
                println!(
                    "{}\t组织{}\t第{}届\t{}\t{status}",
                    e.id, e.record.org, e.record.term_number, e.record.held_on
                );
            }
        }
        Kind::Review => {
            for r in
                store.duty_reviews(need_year()?)?.into_iter().filter(|r| branch.is_none_or(|b| r.record.branch == b))
            {
                let (pointed, _) = zhibu_core::rules::review_grade(&r.record.ballots, &RuleSet::default().duty_review);
                let grade = match r.record.overall_grade {
                    Some(g) if g != pointed => format!("{}（⚠ 测评票数指向“{}”，请核实）", g.label(), pointed.label()),
                    Some(g) => g.label().to_owned(),
                    None => format!("未评定（测评票数指向“{}”）", pointed.label()),
                };
                println!("{}\t{}\t{}年度\t{grade}", r.id, name(r.record.subject), r.record.year);
            }
        }
        Kind::Appraisal => {
            for a in store.appraisals(need_year()?)? {
                println!("{}\t{}\t{}年度\t{}", a.id, name(a.record.member), a.record.year, a.record.grade.label());
            }
        }
        Kind::Rating => {
            // Per sheet: rank, stars, the move since last year, what the next star needs, quotas.
            let year = need_year()?;
            for scheme in store.current_rating_schemes()? {
                let board = zhibu_core::services::rating::board(store, &scheme.record.key, year, branch)?;
                if board.rows.is_empty() {
                    continue;
                }
                println!("{}（第{}版）", scheme.record.name, scheme.record.version);
                for r in &board.rows {
                    let next = r
                        .next
                        .as_ref()
                        .map_or(String::new(), |n| format!("\t距{}星差{:.1}分", n.stars, n.points_needed));
                    println!(
                        "{}\t第{}名{}\t{}\t{:.1}分\t{}\t{}{}{}",
                        r.rating,
                        r.rank,
                        if r.tied { "（并列）" } else { "" },
                        r.name,
                        r.total,
                        star_string(r.stars),
                        r.movement.label(),
                        next,
                        if r.beyond_quota { "\t超出名额" } else { "" }
                    );
                }
                for q in board.quotas.iter().filter(|q| q.exceeded()) {
                    println!("名额：{}星{}个，超过{}%的名额{}个", q.stars, q.count, q.max_percent, q.allowed);
                }
            }
        }
        Kind::RatingSubject => {
            for s in store.subjects()?.into_iter().filter(|s| branch.is_none_or(|b| s.record.branch == b)) {
                println!("{}\t{}\t{}\t{}", s.id, s.record.kind.label(), s.record.name, s.record.note);
            }
        }
        Kind::RatingScheme => {
            for s in store.rating_schemes()? {
                println!(
                    "{}\t{}\t第{}版\t{}\t{}\t{}项指标",
                    s.id,
                    s.record.key,
                    s.record.version,
                    s.record.name,
                    s.record.subject_kind.label(),
                    s.record.indicators.len() + s.record.bonus.len()
                );
            }
        }
        Kind::Volunteer => {
            let (from, to) = span(need_year()?);
            for a in store.volunteer_activities(from, to)? {
                println!("{}\t{}\t{}\t{}人", a.id, a.record.date, a.record.title, a.record.participants.len());
            }
        }
        Kind::DuesBase => {
            let year = need_year()?;
            for b in store.dues_bases(branch)?.into_iter().filter(|b| b.record.year == year) {
                let r = &b.record;
                let monthly = zhibu_core::domain::yuan(r.monthly);
                println!("{}\t{}\t{}年\t{}\t每月{monthly}元", b.id, name(r.member), r.year, r.category.label());
            }
        }
        Kind::VolunteerPerson => {
            for v in store.volunteers(branch)? {
                let r = &v.record;
                let id = r.id_number.as_ref().map_or_else(String::new, |n| n.masked());
                println!("{}\t{}\t{}\t{id}\t{}", v.id, r.name, r.kind.label(), r.unit);
            }
        }
        Kind::ServiceTeam => {
            for t in store.service_teams(branch)? {
                println!("{}\t{}\t队长：{}\t组织{}", t.id, t.record.name, t.record.leader, t.record.branch);
            }
        }
        Kind::DuesPayment => {
            let year = need_year()?;
            for p in store
                .dues_payments(branch)?
                .into_iter()
                .filter(|p| p.record.from.year <= year && p.record.to.year >= year)
            {
                let r = &p.record;
                println!(
                    "{}\t{}\t{}至{}\t{}\t{}元\t{}",
                    p.id,
                    name(r.member),
                    r.from,
                    r.to,
                    r.method.label(),
                    zhibu_core::domain::yuan(r.amount),
                    r.paid_on
                );
            }
        }
    }
    Ok(())
}

/// Runs `zhibu meeting …`.
pub fn meeting(store: &mut Store, command: MeetingCommand) -> Result<()> {
    match command {
        MeetingCommand::Finalize { id } => {
            store.write(|w| w.finalize_meeting(MeetingId(id)))?;
            println!("已定稿：会议{id}（此后只能更正）");
        }
        MeetingCommand::Amend { id, file, reason } => {
            let record = read_json(&file)?;
            let revision = store.write(|w| w.amend_meeting(MeetingId(id), &record, &reason))?;
            println!("已更正：会议{id}，第{revision}次更正（原记录已保留）");
        }
        MeetingCommand::History { id } => {
            let amendments = store.amendments(MeetingId(id))?;
            if amendments.is_empty() {
                println!("会议{id}没有更正记录");
            }
            for a in amendments {
                println!("第{}次更正  {}  {}  原因：{}", a.revision, a.amended_at, a.operator, a.reason);
                println!("    更正前：{}", serde_json::to_string(&a.previous)?);
            }
        }
    }
    Ok(())
}

/// Runs `zhibu election …`.
pub fn election(store: &mut Store, command: ElectionCommand) -> Result<()> {
    match command {
        ElectionCommand::Check { id, rules: path } => {
            let rules = rules(path.as_deref())?;
            let election = store.election(ElectionId(id))?;
            let names: std::collections::HashMap<MemberId, String> =
                store.members(None)?.into_iter().map(|m| (m.id, m.record.name)).collect();
            let name = |m: MemberId| names.get(&m).cloned().unwrap_or_else(|| m.to_string());
            println!(
                "应到{}人，实到{}人；候选人{}名，应选{}名",
                election.should_attend(),
                election.present(),
                election.candidates.len(),
                election.seats
            );
            let elected: Vec<String> = election.outcome().elected.into_iter().map(name).collect();
            println!("当选：{}", if elected.is_empty() { "（无）".to_owned() } else { elected.join("、") });
            let checks = election.checks(rules.election_rules(), &name);
            if checks.is_empty() {
                println!("符合选举工作条例，可以定稿");
            }
            for check in checks {
                println!("{}{}", if check.blocking { "不能定稿：" } else { "提示：" }, check.message);
            }
        }
        ElectionCommand::Finalize { id, rules: path } => {
            let rules = rules(path.as_deref())?;
            let term = store.write(|w| w.finalize_election(ElectionId(id), rules.election_rules()))?;
            let term = store.term(term)?;
            println!(
                "已定稿：第{}届委员会自{}起任期开始，上一届任期结束",
                term.number,
                term.elected_on.map(|d| d.to_string()).unwrap_or_default()
            );
        }
        ElectionCommand::Amend { id, file, reason, rules: path } => {
            let rules = rules(path.as_deref())?;
            let record = read_json(&file)?;
            let revision =
                store.write(|w| w.amend_election(ElectionId(id), &record, &reason, rules.election_rules()))?;
            println!("已更正：选举{id}，第{revision}次更正（原记录已保留，新一届委员会已随之更正）");
        }
        ElectionCommand::History { id } => {
            let amendments = store.election_amendments(ElectionId(id))?;
            if amendments.is_empty() {
                println!("选举{id}没有更正记录");
            }
            for a in amendments {
                println!("第{}次更正  {}  {}  原因：{}", a.revision, a.amended_at, a.operator, a.reason);
                println!("    更正前：{}", a.previous);
            }
        }
    }
    Ok(())
}

/// Runs `zhibu org …`.
pub fn org(store: &mut Store, command: OrgCommand) -> Result<()> {
    match command {
        OrgCommand::Dissolve { id, on } => {
            let mut org = store.organization(OrgId(id))?;
            if org.dissolved_on.is_some() {
                bail!("该组织已撤销：{}", org.name);
            }
            org.dissolved_on = Some(on);
            store.write(|w| w.update_organization(OrgId(id), &org))?;
            println!("已撤销：{}（{on}），其记录保留并照常统计", org.name);
        }
    }
    Ok(())
}

/// Runs `zhibu audit`.
pub fn audit(store: &Store, args: AuditArgs) -> Result<()> {
    let query = AuditQuery { from: args.from, to: args.to, operator: args.operator, record: args.record, limit: None };
    let entries = store.audit_entries(&query)?;
    match args.csv {
        Some(path) => {
            zhibu_core::services::audit::export_csv(&entries, &path)?;
            println!("已导出审计日志 {} 条：{}", entries.len(), path.display());
        }
        None => {
            print!("{}", zhibu_core::services::audit::text(&entries));
            println!("共 {} 条", entries.len());
        }
    }
    Ok(())
}

/// Runs `zhibu trash …`.
pub fn trash(store: &mut Store, command: TrashCommand) -> Result<()> {
    match command {
        TrashCommand::List => {
            let items = store.trash()?;
            if items.is_empty() {
                println!("回收站是空的");
            }
            for item in items {
                println!(
                    "{}\t{}\t{}\t{}删除\t{}",
                    item.id,
                    zhibu_core::store::record_kind_label(&item.record_kind),
                    item.summary,
                    item.deleted_at,
                    item.operator
                );
            }
        }
        TrashCommand::Restore { id } => {
            let (kind, new_id, summary) = store.write(|w| w.restore_deleted(id))?;
            println!("已恢复{}：{summary}，新编号 {new_id}", zhibu_core::store::record_kind_label(&kind));
        }
    }
    Ok(())
}
