//! What the screens ask for ([`Command`]) and how [`Workspace::apply`] carries it out: store
//! writes and services, background report jobs, plugin installs, backups and imports.

use super::app::Screen;
use super::jobs::{Job, JobOutcome, JobRequest};
use super::workspace::{Paths, Workspace};
use std::path::PathBuf;
use std::sync::Arc;
use zhibu_core::domain::{
    DutyReview, Meeting, MeetingId, Member, MemberAppraisal, MemberId, Organization, StarRating, VolunteerActivity,
};
use zhibu_core::store::StoreError;
use zhibu_report::services::report::Catalog;

/// Something a screen asks for; [`App::logic`] carries it out next frame.
#[derive(Debug)]
pub enum Command {
    /// Go to a screen (asks first when the current form has unsaved changes).
    Navigate(Screen),
    /// Leave the current screen even though its form has unsaved changes.
    DiscardAndNavigate(Screen),
    /// Create (`id` None) or update a member.
    SaveMember(Option<MemberId>, Box<Member>),
    /// Delete a member (undoable until the next delete).
    DeleteMember(MemberId),
    /// Create or update a draft meeting; `finalize` locks it afterwards.
    SaveMeeting(Option<MeetingId>, Box<Meeting>, bool),
    /// Delete a draft meeting (undoable).
    DeleteMeeting(MeetingId),
    /// Read a meeting in full and open it in the editor.
    OpenMeeting(MeetingId),
    /// Ask for a file with the native dialog and attach it to the meeting being edited.
    PickAttachment,
    /// Restore what the last delete removed.
    UndoDelete,
    /// Create an organization.
    SaveOrganization(Box<Organization>),
    /// Record a duty review.
    SaveDutyReview(Box<DutyReview>),
    /// Record a member appraisal.
    SaveAppraisal(Box<MemberAppraisal>),
    /// Record a star rating.
    SaveStarRating(Box<StarRating>),
    /// Record a volunteer activity.
    SaveVolunteer(Box<VolunteerActivity>),
    /// Fill the empty database with the demo set.
    LoadDemo,
    /// Change the year the screens show.
    SetYear(i32),
    /// Set the operator name recorded in the audit log.
    SetOperator(String),
    /// Use the rule override file (TOML) instead of the built-in rules.
    LoadRules(PathBuf),
    /// Set the unit name printed on documents.
    SetUnitName(String),
    /// Start rendering a report in the background.
    StartJob(JobRequest),
    /// Cancel the running job.
    CancelJob,
    /// Install a plugin package (folder or zip) the user consented to.
    InstallPlugin(PathBuf),
    /// Remove an installed plugin.
    RemovePlugin(String),
    /// Watch a developer folder and reload its plugin when the wasm changes.
    WatchDevFolder(Option<PathBuf>),
    /// Back up now to a file chosen with the save dialog.
    BackupNow,
    /// Restore the database from a backup file (the window reopens it).
    Restore(PathBuf),
    /// Import a roster file (`dry_run` only reports).
    ImportMembers(PathBuf, bool),
}

/// What the last delete removed, so it can be put back.
#[derive(Debug, Clone)]
pub enum Undo {
    /// A member.
    Member(Box<Member>),
    /// A draft meeting.
    Meeting(Box<Meeting>),
}

impl Workspace {
    /// Carries out one command; returns the status-bar message.
    pub(super) fn apply(
        &mut self,
        ctx: &egui::Context,
        command: Command,
        paths: &Paths,
        offer_demo: &mut bool,
    ) -> Result<Option<String>, String> {
        let message = match command {
            Command::Navigate(_) | Command::DiscardAndNavigate(_) | Command::Restore(_) => None,
            Command::SaveMember(id, member) => {
                let name = member.name.clone();
                let saved = self.store.write(|w| match id {
                    Some(id) => w.update_member(id, &member).map(|()| id),
                    None => w.create_member(&member),
                });
                let id = saved.map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                self.members.saved(id, &self.data);
                Some(format!("已保存党员：{name}"))
            }
            Command::DeleteMember(id) => {
                let member = self.store.write(|w| w.delete_member(id)).map_err(|e| format!("删除失败：{e}"))?;
                let text = format!("已删除党员：{}（Ctrl+Z 撤销）", member.name);
                self.undo = Some(Undo::Member(Box::new(member)));
                self.members.deleted(id);
                self.reload()?;
                Some(text)
            }
            Command::SaveMeeting(id, meeting, finalize) => {
                let title = meeting.title.clone();
                let saved = self.store.write(|w| {
                    let id = match id {
                        Some(id) => w.update_meeting(id, &meeting).map(|()| id)?,
                        None => w.create_meeting(&meeting)?,
                    };
                    if finalize {
                        w.finalize_meeting(id)?;
                    }
                    Ok::<_, StoreError>(id)
                });
                let id = saved.map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                let full = self.store.meeting(id).map_err(|e| format!("读取会议失败：{e}"))?;
                self.meetings.saved(id, full, &self.data);
                Some(if finalize {
                    format!("已定稿：{title}（此后只能修订）")
                } else {
                    format!("已保存会议：{title}")
                })
            }
            Command::DeleteMeeting(id) => {
                let meeting = self.store.write(|w| w.delete_meeting(id)).map_err(|e| format!("删除失败：{e}"))?;
                let text = format!("已删除会议：{}（Ctrl+Z 撤销）", meeting.title);
                self.undo = Some(Undo::Meeting(Box::new(meeting)));
                self.meetings.deleted(id);
                self.reload()?;
                Some(text)
            }
            Command::OpenMeeting(id) => {
                let meeting = self.store.meeting(id).map_err(|e| e.to_string());
                self.meetings.opened(id, meeting, &self.data);
                None
            }
            Command::PickAttachment => {
                let Some(path) = rfd::FileDialog::new().set_title("选择附件").pick_file() else { return Ok(None) };
                let kind = attachment_kind(&path);
                let attachment = self.store.import_attachment(&path, kind).map_err(|e| format!("附件导入失败：{e}"))?;
                let name = attachment.file_name.clone();
                self.meetings.attach(attachment);
                Some(format!("已添加附件：{name}"))
            }
            Command::UndoDelete => {
                let Some(undo) = self.undo.take() else { return Ok(None) };
                let text = match &undo {
                    Undo::Member(member) => {
                        self.store.write(|w| w.create_member(member)).map_err(|e| format!("撤销失败：{e}"))?;
                        format!("已恢复党员：{}", member.name)
                    }
                    Undo::Meeting(meeting) => {
                        self.store.write(|w| w.create_meeting(meeting)).map_err(|e| format!("撤销失败：{e}"))?;
                        format!("已恢复会议：{}", meeting.title)
                    }
                };
                self.reload()?;
                Some(text)
            }
            Command::SaveOrganization(org) => {
                self.store.write(|w| w.create_organization(&org)).map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                *offer_demo = false;
                Some(format!("已添加组织：{}", org.name))
            }
            Command::SaveDutyReview(review) => {
                self.store.write(|w| w.create_duty_review(&review)).map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                self.reviews.saved();
                Some("已保存述职评议".into())
            }
            Command::SaveAppraisal(appraisal) => {
                self.store.write(|w| w.create_appraisal(&appraisal)).map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                Some("已保存民主评议".into())
            }
            Command::SaveStarRating(rating) => {
                self.store.write(|w| w.create_star_rating(&rating)).map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                Some(format!("已保存星级评定：{}", rating.subject_name))
            }
            Command::SaveVolunteer(activity) => {
                self.store.write(|w| w.create_volunteer_activity(&activity)).map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                self.volunteer.saved();
                Some(format!("已保存志愿服务：{}", activity.title))
            }
            Command::LoadDemo => {
                let options = zhibu_core::services::demo::DemoOptions { last_year: self.year, ..Default::default() };
                let summary = zhibu_core::services::demo::generate(&mut self.store, &options)
                    .map_err(|e| format!("演示数据生成失败：{e}"))?;
                if let Some(catalog) = &self.catalog {
                    let _ = zhibu_report::services::report::sync_schemes(&mut self.store, catalog);
                }
                self.reload()?;
                *offer_demo = false;
                Some(format!(
                    "已载入演示数据：{} 个党组织、{} 名党员、{} 次会议",
                    summary.organizations, summary.members, summary.meetings
                ))
            }
            Command::SetYear(year) => {
                self.year = year;
                self.reload()?;
                None
            }
            Command::SetOperator(name) => {
                let name = name.trim().to_owned();
                if name.is_empty() {
                    return Err("操作员姓名不能为空".into());
                }
                self.store.set_operator(&name);
                self.store.write(|w| w.set_setting("operator", &name)).map_err(|e| format!("保存失败：{e}"))?;
                Some(format!("操作员：{name}"))
            }
            Command::LoadRules(file) => match zhibu_core::rules::RuleSet::load(&file) {
                Ok(rules) => {
                    self.rules = rules;
                    self.settings.rules_file = Some(file);
                    self.settings.rules_error = None;
                    self.reload()?;
                    Some(format!("已使用规则：{}", self.rules.version))
                }
                Err(error) => {
                    self.settings.rules_error = Some(error.to_string());
                    None
                }
            },
            Command::SetUnitName(name) => {
                self.store.write(|w| w.set_setting("unit_name", name.trim())).map_err(|e| format!("保存失败：{e}"))?;
                self.reload()?;
                Some(format!("单位名称：{}", name.trim()))
            }
            Command::StartJob(request) => {
                if self.job.is_some() {
                    return Err("已有报表在生成，请等待完成或取消".into());
                }
                let catalog = self.catalog()?;
                self.job = Some(Job::start(
                    ctx.clone(),
                    request,
                    paths.db.clone(),
                    self.store.operator().to_owned(),
                    self.rules.clone(),
                    catalog,
                ));
                None
            }
            Command::CancelJob => {
                if let Some(job) = &self.job {
                    job.cancel();
                }
                Some("正在取消……".into())
            }
            Command::InstallPlugin(path) => {
                if self.job.is_some() {
                    return Err("报表生成期间不能安装插件".into());
                }
                let mut catalog = self.catalog.take().and_then(|c| Arc::try_unwrap(c).ok());
                let result = match catalog.as_mut() {
                    Some(catalog) => zhibu_report::services::report::install(catalog, &path, &paths.plugins_dir)
                        .map_err(|e| format!("安装失败：{e}")),
                    None => Err("报表模板未能加载，无法安装".to_owned()),
                };
                if let Some(mut catalog) = catalog {
                    let _ = zhibu_report::services::report::sync_schemes(&mut self.store, &catalog);
                    catalog.broken.retain(|(id, _)| !id.is_empty());
                    self.catalog = Some(Arc::new(catalog));
                }
                let manifest = result?;
                self.reload()?;
                Some(format!("已安装插件：{} {}", manifest.name, manifest.version))
            }
            Command::RemovePlugin(id) => {
                zhibu_report::plugin_host::package::remove(&paths.plugins_dir, &id)
                    .map_err(|e| format!("删除失败：{e}"))?;
                self.reload_catalog(paths)?;
                Some(format!("已删除插件：{id}"))
            }
            Command::WatchDevFolder(folder) => {
                let watching = folder.is_some();
                self.plugins.watch(folder);
                self.reload_catalog(paths)?;
                watching.then(|| "已加载开发目录中的插件，wasm 变化时自动重新加载".to_owned())
            }
            Command::BackupNow => {
                let name = format!("zhibu-{}.db", chrono::Local::now().format("%Y%m%d-%H%M%S"));
                let Some(path) = rfd::FileDialog::new().set_title("备份到").set_file_name(name).save_file() else {
                    return Ok(None);
                };
                self.store.backup_to(&path).map_err(|e| format!("备份失败：{e}"))?;
                self.store
                    .write(|w| w.record_export("backup", None, &path.display().to_string()))
                    .map_err(|e| format!("备份已写出，但审计记录失败：{e}"))?;
                Some(format!("已备份到：{}", path.display()))
            }
            Command::ImportMembers(file, dry_run) => {
                if !dry_run {
                    let today = chrono::Local::now().date_naive();
                    zhibu_core::services::backup::automatic(&self.store, &paths.backup_dir, today, 7)
                        .map_err(|e| format!("导入前的自动备份失败，未导入：{e}"))?;
                }
                let result = zhibu_core::services::import::members(
                    &mut self.store,
                    &file,
                    zhibu_core::import::table::Encoding::Auto,
                    &self.members.import_mapping(),
                    None,
                    dry_run,
                )
                .map_err(|e| format!("导入失败：{e}"))?;
                let report = zhibu_core::services::import::report_text(&result);
                let problems = result.plan.problems.len();
                self.members.import_report = Some((file, report));
                if !dry_run {
                    self.reload()?;
                }
                Some(match (dry_run, problems) {
                    (true, 0) => "检查完毕：没有问题，可以导入".to_owned(),
                    (true, n) => format!("检查完毕：{n}处问题，见报告"),
                    (false, 0) => "导入完成".to_owned(),
                    (false, n) => format!("发现{n}处问题，未导入任何记录；请按报告修改后重新导入"),
                })
            }
        };
        Ok(message)
    }

    /// Reloads the templates from disk (after a remove, or when a watched plugin changed).
    pub fn reload_catalog(&mut self, paths: &Paths) -> Result<(), String> {
        let mut catalog =
            Catalog::open(&paths.cache_dir, &paths.plugins_dir).map_err(|e| format!("报表模板未能加载：{e}"))?;
        let dev = self.plugins.dev_folder().map(|folder| {
            let package = zhibu_report::plugin_host::package::read(folder)
                .map_err(|e| format!("开发目录中的插件无法读取：{e}"))?;
            let package = zhibu_report::plugin_host::package::Package {
                source: zhibu_report::plugin_host::package::Source::External(folder.to_owned()),
                ..package
            };
            // The developer's build replaces an installed copy of the same template while it is watched.
            catalog.templates.retain(|t| t.plugin.info.id != package.manifest.id);
            catalog.add(package).map(|_| ()).map_err(|e| format!("开发目录中的插件无法加载：{e}"))
        });
        self.catalog = Some(Arc::new(catalog));
        dev.transpose().map(|_| ())
    }

    pub(super) fn poll_job(&mut self) -> Option<Result<String, String>> {
        let outcome = self.job.as_ref()?.poll()?;
        self.job = None;
        Some(match outcome {
            JobOutcome::Preview(document, log) => {
                self.reports.preview = Some(*document);
                self.reports.log = log;
                Ok("预览已生成".into())
            }
            JobOutcome::Written(paths, log) => {
                self.reports.log = log;
                self.reports.written.clone_from(&paths);
                Ok(match paths.as_slice() {
                    [one] => format!("已导出：{}", one.display()),
                    many => format!("已导出 {} 个文件", many.len()),
                })
            }
            JobOutcome::Cancelled => Ok("已取消".into()),
            JobOutcome::Failed(error) => Err(error),
        })
    }
}

/// Photos by their extension; everything else is filed as other material (the user can tell a
/// sign-in sheet apart in the editor).
fn attachment_kind(path: &std::path::Path) -> zhibu_core::domain::AttachmentKind {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if matches!(extension.as_str(), "jpg" | "jpeg" | "png" | "heic" | "bmp" | "gif" | "webp") {
        zhibu_core::domain::AttachmentKind::Photo
    } else {
        zhibu_core::domain::AttachmentKind::Other
    }
}
