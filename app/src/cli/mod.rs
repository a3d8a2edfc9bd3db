//! The command line (`zhibu <subcommand>`): parses arguments with clap, calls the services
//! and prints their results. Errors become one Chinese line on stderr and exit code 1.

mod committee;
mod dues;
mod plugin;
mod records;
mod sync;

pub use records::masked_member;

use anyhow::{Context as _, Result};
use chrono::{Datelike as _, NaiveDate};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::time::Instant;
use zhibu_core::domain::{MeetingKind, OrgId};
use zhibu_core::rules::{Frequency, RuleSet};
use zhibu_core::services::compliance::{self, ComplianceReport};
use zhibu_core::services::demo::{self, DemoOptions};
use zhibu_core::store::Store;
use zhibu_report::services::export;

/// 支部工作台：党支部会议、评议和志愿服务台账，规则核查与报表。
#[derive(Debug, Parser)]
#[command(name = "zhibu", version)]
pub struct Cli {
    /// 数据库文件（默认：用户数据目录下的 zhibu.db；也可用环境变量 ZHIBU_DB）
    #[arg(long, global = true, env = "ZHIBU_DB", value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// 记入审计日志的操作人姓名（也可用环境变量 ZHIBU_OPERATOR）
    #[arg(long, global = true, env = "ZHIBU_OPERATOR", value_name = "NAME")]
    pub operator: Option<String>,
    /// 已安装插件的目录（默认：用户数据目录下的 plugins；也可用环境变量 ZHIBU_PLUGINS_DIR）
    #[arg(long, global = true, env = "ZHIBU_PLUGINS_DIR", value_name = "DIR")]
    pub plugins_dir: Option<PathBuf>,
    /// 插件编译缓存目录（默认：用户缓存目录；也可用环境变量 ZHIBU_CACHE_DIR）
    #[arg(long, global = true, env = "ZHIBU_CACHE_DIR", value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// 自动备份目录（默认：用户数据目录下的 backups；也可用环境变量 ZHIBU_BACKUP_DIR）
    #[arg(long, global = true, env = "ZHIBU_BACKUP_DIR", value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
    /// 打开窗口，把各页面截图保存到此目录后关闭（供脚本检查界面）
    #[arg(long, value_name = "DIR")]
    pub screenshots: Option<PathBuf>,
    /// 用 OpenGL（glow）绘制窗口，而不是 wgpu（远程桌面等环境）
    #[arg(long)]
    pub glow: bool,
    /// 以上级党组织身份打开窗口：查看各支部报送到该数据库的记录（postgresql://… 或 host=… user=…）
    #[arg(long, value_name = "URL")]
    pub committee: Option<String>,
    /// 要执行的命令（不带命令时打开窗口）
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 生成演示数据（写入新的空数据库）
    Demo {
        /// 党支部数量
        #[arg(long, default_value_t = DemoOptions::default().branches)]
        branches: u32,
        /// 每个支部的党员人数
        #[arg(long, default_value_t = DemoOptions::default().members_per_branch)]
        members_per_branch: u32,
        /// 年数（截至 --last-year）
        #[arg(long, default_value_t = DemoOptions::default().years)]
        years: u32,
        /// 最后一个年度（默认今年，记录截至今天）
        #[arg(long)]
        last_year: Option<i32>,
        /// 记录截至日期（默认：最后一个年度是今年时为今天，否则为年末）
        #[arg(long, value_name = "YYYY-MM-DD")]
        until: Option<NaiveDate>,
        /// 随机种子：相同参数和种子生成相同数据
        #[arg(long, default_value_t = DemoOptions::default().seed)]
        seed: u64,
    },
    /// 按规则核查各支部某年度的组织生活情况
    Compliance {
        /// 年度
        #[arg(long)]
        year: i32,
        /// 只核查该支部（组织编号）
        #[arg(long, value_name = "ID")]
        branch: Option<i64>,
        /// 以 JSON 输出（格式见 docs/compliance-json.md）
        #[arg(long)]
        json: bool,
        /// 统计截至日期（默认今天；过去年度按年末计）
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<NaiveDate>,
        /// 本地规则文件（TOML），覆盖默认规则
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
    },
    /// 用报表模板生成文档
    Report {
        /// 模板标识（见 zhibu plugin list）
        #[arg(long, value_name = "ID")]
        template: String,
        /// 模板参数，可重复：--param year=2025 --param branch=3
        #[arg(long = "param", value_name = "KEY=VALUE")]
        params: Vec<String>,
        /// 输出文件
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// 输出文档模型 JSON 而不是 Word 文件
        #[arg(long)]
        json: bool,
        /// 文档生成时间（默认现在；固定它可得到完全相同的输出）
        #[arg(long, value_name = "YYYY-MM-DDTHH:MM:SS")]
        generated_at: Option<chrono::NaiveDateTime>,
        /// 本地规则文件（TOML），覆盖默认规则
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// 另外用已安装的 LibreOffice 转换出 PDF
        #[arg(long)]
        pdf: bool,
        /// 确认文档中可以出现完整的身份证号和手机号（模板参数 personal_data=显示 时需要）
        #[arg(long)]
        show_personal_data: bool,
        /// 批量：为该支部该年度的每次会议各生成一个文件（--out 为目录；模板须有 meeting 参数）
        #[arg(long)]
        each_meeting: bool,
        /// 批量：为每个党支部各生成一个文件（--out 为目录；模板须有党支部参数），多核并行
        #[arg(long, conflicts_with = "each_meeting")]
        each_branch: bool,
        /// 批量：为该年度参加过志愿服务的每名党员各生成一个文件（--out 为目录；模板须有党员参数，证明序号依次递增），多核并行
        #[arg(long, conflicts_with_all = ["each_meeting", "each_branch"])]
        each_volunteer: bool,
    },
    /// 导入数据
    Import {
        /// 导入什么
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// 备份数据库（先做完整性检查，写入完成后再检查一次）；写到数据文件夹以外时须设口令加密
    Backup {
        /// 备份文件
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// 加密口令所在的文件（第一行；也可用环境变量 ZHIBU_BACKUP_PASSPHRASE）。忘记的口令无法找回
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// 从备份恢复数据库（先检查备份；被替换的文件保留为 .replaced-时间）
    Restore {
        /// 备份文件
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// 加密备份的口令所在的文件（第一行；也可用环境变量 ZHIBU_BACKUP_PASSPHRASE）
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// 新增、修改、查看、列出、删除记录（JSON，格式见 docs/records-json.md）
    Record {
        /// 记录命令
        #[command(subcommand)]
        command: records::RecordCommand,
    },
    /// 会议记录定稿、更正和更正历史
    Meeting {
        /// 会议命令
        #[command(subcommand)]
        command: records::MeetingCommand,
    },
    /// 换届选举的检查、定稿、更正和更正历史
    Election {
        /// 选举命令
        #[command(subcommand)]
        command: records::ElectionCommand,
    },
    /// 党组织的撤销
    Org {
        /// 组织命令
        #[command(subcommand)]
        command: records::OrgCommand,
    },
    /// 党费：确认基数、记录缴纳或免交、查看支部收缴情况（银行或工资代扣明细用 zhibu import dues）
    Dues {
        /// 党费命令
        #[command(subcommand)]
        command: dues::DuesCommand,
    },
    /// 查看审计日志（谁在何时改了什么），可导出 CSV
    Audit(records::AuditArgs),
    /// 回收站：已删除的记录，可撤销删除
    Trash {
        /// 回收站命令
        #[command(subcommand)]
        command: records::TrashCommand,
    },
    /// 管理和开发报表插件
    Plugin {
        /// 插件命令
        #[command(subcommand)]
        command: plugin::PluginCommand,
    },
    /// 向上级报送：本机和各支部的标识
    Sync {
        /// 报送命令
        #[command(subcommand)]
        command: sync::SyncCommand,
    },
    /// 上级党委：委员会的 PostgreSQL 数据库（建表、登记支部）
    Committee {
        /// 委员会命令
        #[command(subcommand)]
        command: committee::CommitteeCommand,
    },
}

fn project_dirs() -> Result<directories::ProjectDirs> {
    directories::ProjectDirs::from("cn", "Zhibu", "zhibu").context("无法确定用户数据目录，请用 --db 等参数指定路径")
}

/// What `zhibu import` imports.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// 导入党员名册（.xlsx、.xls 或 .csv）：按身份证号匹配，已有的更新，没有的新增；全部无误才写入
    Members {
        /// 名册文件
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// 只检查并逐行报告，不写入
        #[arg(long)]
        dry_run: bool,
        /// CSV 编码：auto（自动识别）、utf-8 或 gbk
        #[arg(long, default_value = "auto", value_parser = ["auto", "utf-8", "gbk"])]
        encoding: String,
        /// 表中没有“所在支部”列时，全部导入到这个支部（编号）
        #[arg(long, value_name = "ID")]
        branch: Option<i64>,
        /// 不认识的表头对应到哪个字段，可重复：--map 证件号码=身份证号
        #[arg(long = "map", value_name = "列名=字段")]
        mapping: Vec<String>,
    },
    /// 导入志愿服务时长记录（姓名、身份证号或志愿者编号、活动名称、服务时间、时长），按活动合并
    Volunteer {
        /// 时长记录文件（.xlsx、.xls 或 .csv）
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// 组织这些活动的支部（编号）
        #[arg(long, value_name = "ID")]
        branch: i64,
        /// 只检查并逐行报告，不写入
        #[arg(long)]
        dry_run: bool,
        /// CSV 编码：auto、utf-8 或 gbk
        #[arg(long, default_value = "auto", value_parser = ["auto", "utf-8", "gbk"])]
        encoding: String,
        /// 不认识的表头对应到哪一列，可重复：--map 参与项目=活动名称
        #[arg(long = "map", value_name = "列名=字段")]
        mapping: Vec<String>,
    },
    /// 导入党费收缴明细（银行转账或工资代扣：姓名、金额、缴费日期、缴费月份），有一行不对则全部不导入
    Dues {
        /// 明细文件（.xlsx、.xls 或 .csv）
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// 党员所在支部（编号）
        #[arg(long, value_name = "ID")]
        branch: i64,
        /// 这份明细的缴纳方式
        #[arg(long, value_enum, default_value = "transfer")]
        method: dues::Method,
        /// 只检查并逐行报告，不写入
        #[arg(long)]
        dry_run: bool,
        /// CSV 编码：auto、utf-8 或 gbk
        #[arg(long, default_value = "auto", value_parser = ["auto", "utf-8", "gbk"])]
        encoding: String,
        /// 不认识的表头对应到哪一列，可重复：--map 实缴=金额
        #[arg(long = "map", value_name = "列名=字段")]
        mapping: Vec<String>,
    },
    /// 导入“三会一课”登记表为会议记录草稿（出席情况按名册和请假、缺席人员生成）；已导入的行跳过
    Meetings {
        /// 登记表文件
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// 会议所属支部（编号）
        #[arg(long, value_name = "ID")]
        branch: i64,
        /// 只检查并逐行报告，不写入
        #[arg(long)]
        dry_run: bool,
        /// CSV 编码：auto、utf-8 或 gbk
        #[arg(long, default_value = "auto", value_parser = ["auto", "utf-8", "gbk"])]
        encoding: String,
        /// 不认识的表头对应到哪一列，可重复：--map 活动形式=会议类型
        #[arg(long = "map", value_name = "列名=字段")]
        mapping: Vec<String>,
    },
}

fn encoding_arg(encoding: &str) -> zhibu_core::import::table::Encoding {
    match encoding {
        "utf-8" => zhibu_core::import::table::Encoding::Utf8,
        "gbk" => zhibu_core::import::table::Encoding::Gbk,
        _ => zhibu_core::import::table::Encoding::Auto,
    }
}

/// The default database: `zhibu.db` in the user's data directory.
pub fn default_db_path() -> Result<PathBuf> {
    Ok(project_dirs()?.data_dir().join("zhibu.db"))
}

/// The default folder of installed plugins: `plugins` in the user's data directory.
pub fn default_plugins_dir() -> Result<PathBuf> {
    Ok(project_dirs()?.data_dir().join("plugins"))
}

/// The default folder of compiled plugins: `components` in the user's cache directory.
pub fn default_cache_dir() -> Result<PathBuf> {
    Ok(project_dirs()?.cache_dir().join("components"))
}

/// The folder of automatic daily backups: `backups` in the user's data directory.
pub fn default_backup_dir() -> Result<PathBuf> {
    Ok(project_dirs()?.data_dir().join("backups"))
}

/// An import with problems fails, its dry run too, so a script can tell a sheet that would be refused.
fn refuse_problems(dry_run: bool, problems: usize) -> Result<()> {
    match (dry_run, problems) {
        (_, 0) => Ok(()),
        (true, n) => anyhow::bail!("试运行发现{n}处问题：导入时会全部拒绝；请按上面的行号修改后再导入"),
        (false, n) => anyhow::bail!("发现{n}处问题，未导入任何记录；请按上面的行号修改后重新导入"),
    }
}

/// The database for an import: the instance lock held, the file checked, and (unless it is a dry
/// run) today's automatic backup made first.
fn import_store(
    db: &std::path::Path,
    operator: &str,
    backup_dir: &std::path::Path,
    dry_run: bool,
) -> Result<(zhibu_core::store::InstanceLock, Store)> {
    let lock = zhibu_core::store::InstanceLock::acquire(db)?;
    let store = open_checked(db, operator, backup_dir)?;
    if !dry_run {
        automatic_backup(&store, backup_dir)?;
    }
    Ok((lock, store))
}

/// The passphrase of an encrypted backup: the first line of `file`, else `ZHIBU_BACKUP_PASSPHRASE`
/// (never a command-line argument, which other users see in the process list).
fn backup_passphrase(file: Option<&std::path::Path>) -> Result<Option<String>> {
    if let Some(file) = file {
        let text = std::fs::read_to_string(file).with_context(|| format!("无法读取口令文件：{}", file.display()))?;
        return Ok(Some(text.lines().next().unwrap_or_default().to_owned()));
    }
    Ok(std::env::var("ZHIBU_BACKUP_PASSPHRASE").ok().filter(|p| !p.is_empty()))
}

/// `zhibu import meetings|volunteer|dues`: the sheet checked (and unless a dry run, imported
/// whole) into `branch` by the service the window's import panels call; its report printed.
#[allow(clippy::too_many_arguments)]
fn import_sheet(
    db: &std::path::Path,
    operator: &str,
    backup_dir: &std::path::Path,
    sheet: zhibu_core::services::import::Sheet,
    file: &std::path::Path,
    encoding: &str,
    branch: i64,
    mapping: &[String],
    dry_run: bool,
) -> Result<()> {
    let (_lock, mut store) = import_store(db, operator, backup_dir, dry_run)?;
    let mapping = parse_params(mapping)?;
    let done = zhibu_core::services::import::sheet(
        &mut store,
        sheet,
        file,
        encoding_arg(encoding),
        OrgId(branch),
        &mapping,
        dry_run,
    )?;
    print!("{}", done.report);
    refuse_problems(dry_run, done.problems)
}

/// Today's automatic backup (once a day, newest 7 kept) before a command changes many records.
fn automatic_backup(store: &Store, dir: &std::path::Path) -> Result<()> {
    if let Some(written) = zhibu_core::services::backup::automatic(store, dir, chrono::Local::now().date_naive(), 7)? {
        eprintln!("已自动备份：{}", written.display());
    }
    Ok(())
}

/// Opens an existing database; when it is damaged, names the newest good automatic backup.
fn open_checked(db: &std::path::Path, operator: &str, backup_dir: &std::path::Path) -> Result<Store> {
    match Store::open_existing(db, operator) {
        Ok(store) => Ok(store),
        Err(error @ zhibu_core::store::StoreError::Damaged { .. }) => {
            let hint = zhibu_core::services::backup::newest_good(backup_dir, db);
            match hint {
                Some(backup) => Err(anyhow::anyhow!(
                    "{error}\n最近的完好备份：{}（zhibu restore --db {} --from {}）",
                    backup.display(),
                    db.display(),
                    backup.display()
                )),
                None => Err(error.into()),
            }
        }
        Err(other) => Err(other.into()),
    }
}

/// Splits `KEY=VALUE` parameters.
pub(crate) fn parse_params(params: &[String]) -> Result<Vec<(String, String)>> {
    params
        .iter()
        .map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
                .with_context(|| format!("参数应写成 KEY=VALUE：{p}"))
        })
        .collect()
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let started = Instant::now();
    let db = match cli.db {
        Some(db) => db,
        None => default_db_path()?,
    };
    // The window asks for the operator once and keeps it; only an explicit name overrides that.
    let explicit_operator = cli.operator.clone();
    let operator = cli
        .operator
        .or_else(|| std::env::var("USERNAME").ok())
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "命令行".to_owned());
    let plugins_dir = match cli.plugins_dir {
        Some(dir) => dir,
        None => default_plugins_dir()?,
    };
    let cache_dir = match cli.cache_dir {
        Some(dir) => dir,
        None => default_cache_dir()?,
    };
    let backup_dir = match cli.backup_dir {
        Some(dir) => dir,
        None => default_backup_dir()?,
    };
    if let (Some(url), None) = (&cli.committee, &cli.command) {
        let launch = crate::ui::LaunchOptions { screenshots: cli.screenshots, glow: cli.glow, started: Some(started) };
        return crate::ui::run_committee(url.clone(), plugins_dir, cache_dir, launch);
    }
    let Some(command) = cli.command else {
        let paths = crate::ui::Paths { db, plugins_dir, cache_dir, backup_dir };
        let launch = crate::ui::LaunchOptions { screenshots: cli.screenshots, glow: cli.glow, started: Some(started) };
        return crate::ui::run(paths, explicit_operator, launch);
    };
    match command {
        Command::Demo { branches, members_per_branch, years, last_year, until, seed } => {
            let today = chrono::Local::now().date_naive();
            let last_year = last_year.or(until.map(|d| d.year())).unwrap_or(today.year());
            let until = until.or((last_year == today.year()).then_some(today));
            if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).with_context(|| format!("无法创建数据目录：{}", dir.display()))?;
            }
            let started = Instant::now();
            let _lock = zhibu_core::store::InstanceLock::acquire(&db)?;
            let mut store = Store::open(&db, &operator)?;
            let options = DemoOptions { branches, members_per_branch, years, last_year, seed, until };
            // The templates' sheets first: the demo rates its branches on the star-rating template's own sheet.
            zhibu_report::services::report::sync_schemes(&mut store, &plugin::catalog(&plugins_dir, &cache_dir)?)?;
            let summary = demo::generate(&mut store, &options)?;
            println!(
                "已生成演示数据：{} 个党组织，{} 名党员，{} 次会议（{} 条出席记录），{} 份述职评议，{} 条民主评议，{} 条星级评定，{} 次志愿服务，{} 笔党费；{}—{}年；用时 {:.1} 秒\n数据库：{}",
                summary.organizations,
                summary.members,
                summary.meetings,
                summary.attendance,
                summary.duty_reviews,
                summary.appraisals,
                summary.star_ratings,
                summary.volunteer_activities,
                summary.dues_payments,
                last_year - years as i32 + 1,
                last_year,
                started.elapsed().as_secs_f64(),
                db.display()
            );
        }
        Command::Compliance { year, branch, json, as_of, rules } => {
            let store = open_checked(&db, &operator, &backup_dir)?;
            let rules = match rules {
                Some(path) => RuleSet::load(&path)?,
                None => RuleSet::default(),
            };
            let as_of = as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
            let report = compliance::run(&store, &rules, year, as_of, branch.map(OrgId))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", compliance_text(&report));
            }
        }
        Command::Report {
            template,
            params,
            out,
            json,
            generated_at,
            rules,
            pdf,
            show_personal_data,
            each_meeting,
            each_branch,
            each_volunteer,
        } => {
            // The audit rows are writes: one writer at a time on a database.
            let _lock = zhibu_core::store::InstanceLock::acquire(&db)?;
            let mut store = open_checked(&db, &operator, &backup_dir)?;
            let rules = match rules {
                Some(path) => RuleSet::load(&path)?,
                None => RuleSet::default(),
            };
            let catalog = plugin::catalog(&plugins_dir, &cache_dir)?;
            let destination = if each_meeting {
                export::Destination::EachMeeting(out.clone())
            } else if each_branch {
                export::Destination::EachBranch(out.clone())
            } else if each_volunteer {
                export::Destination::EachVolunteer(out.clone())
            } else {
                export::Destination::File { path: out.clone(), json }
            };
            let request = export::ExportRequest {
                template,
                params: parse_params(&params)?,
                consent: if show_personal_data {
                    zhibu_report::services::report::Consent::PersonalDataConfirmed
                } else {
                    zhibu_report::services::report::Consent::None
                },
                generated_at: generated_at.unwrap_or_else(|| chrono::Local::now().naive_local()),
                destination,
                pdf,
            };
            let exported = export::run(&mut store, &rules, &catalog, &request, &export::Progress::new())?;
            plugin::print_log(&exported.log);
            match exported.files.as_slice() {
                [one] if !each_meeting && !each_branch && !each_volunteer => println!(
                    "已生成：{}（{}，用时 {:.0} 毫秒）",
                    one.display(),
                    exported.titles.first().map(String::as_str).unwrap_or_default(),
                    exported.render_time.as_secs_f64() * 1000.0
                ),
                [] if !exported.skipped.is_empty() => {}
                files => println!("已生成 {} 个文件到 {}", files.len(), out.display()),
            }
            // What the template declined is listed with its reason; a batch that made nothing
            // fails, so a script does not take an empty folder for a finished job.
            for (name, why) in &exported.skipped {
                eprintln!("未生成 {name}：{why}");
            }
            if exported.files.is_empty() && !exported.skipped.is_empty() {
                anyhow::bail!(
                    "模板没有生成任何文件（{} 项均未生成，原因见上）：{}",
                    exported.skipped.len(),
                    request.template
                );
            }
            for made in &exported.pdfs {
                println!("已转换：{}", made.display());
            }
        }
        Command::Import { what: ImportCommand::Members { file, dry_run, encoding, branch, mapping } } => {
            let encoding = encoding_arg(&encoding);
            let mapping = parse_params(&mapping)?;
            let (_lock, mut store) = import_store(&db, &operator, &backup_dir, dry_run)?;
            let result = zhibu_core::services::import::members(
                &mut store,
                &file,
                encoding,
                &mapping,
                branch.map(OrgId),
                dry_run,
            )?;
            print!("{}", zhibu_core::services::import::report_text(&result));
            refuse_problems(dry_run, result.plan.problems.len())?;
        }
        Command::Import { what: ImportCommand::Meetings { file, branch, dry_run, encoding, mapping } } => {
            let sheet = zhibu_core::services::import::Sheet::Register;
            import_sheet(&db, &operator, &backup_dir, sheet, &file, &encoding, branch, &mapping, dry_run)?;
        }
        Command::Import { what: ImportCommand::Volunteer { file, branch, dry_run, encoding, mapping } } => {
            let sheet = zhibu_core::services::import::Sheet::Volunteer;
            import_sheet(&db, &operator, &backup_dir, sheet, &file, &encoding, branch, &mapping, dry_run)?;
        }
        Command::Import { what: ImportCommand::Dues { file, branch, method, dry_run, encoding, mapping } } => {
            let sheet = zhibu_core::services::import::Sheet::Dues(method.into());
            import_sheet(&db, &operator, &backup_dir, sheet, &file, &encoding, branch, &mapping, dry_run)?;
        }
        Command::Backup { out, passphrase_file } => {
            let passphrase = backup_passphrase(passphrase_file.as_deref())?;
            // The backup's audit row is a write: one writer at a time on a database.
            let _lock = zhibu_core::store::InstanceLock::acquire(&db)?;
            let store = open_checked(&db, &operator, &backup_dir)?;
            let started = Instant::now();
            let summary = zhibu_core::services::backup::backup(&store, &out, passphrase.as_deref())?;
            let mut store = store;
            store.write(|w| w.record_export("backup", None, &out.display().to_string()))?;
            println!(
                "{}，用时 {:.2} 秒",
                zhibu_core::services::backup::backup_text(&out, &summary),
                started.elapsed().as_secs_f64()
            );
        }
        Command::Restore { from, passphrase_file } => {
            let passphrase = backup_passphrase(passphrase_file.as_deref())?;
            let summary = zhibu_core::services::backup::restore(&db, &from, passphrase.as_deref())?;
            println!("{}：{}", zhibu_core::services::backup::restore_text(&from, &summary), db.display());
        }
        Command::Record { command } => {
            // Adding the first record of a new installation creates its database; nothing else does.
            if matches!(command, records::RecordCommand::Add { .. }) && !db.exists() {
                if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).with_context(|| format!("无法创建数据目录：{}", dir.display()))?;
                }
                let _lock = zhibu_core::store::InstanceLock::acquire(&db)?;
                records::record(&mut Store::open(&db, &operator)?, command)?;
            } else {
                let _lock = zhibu_core::store::InstanceLock::acquire(&db)?;
                records::record(&mut open_checked(&db, &operator, &backup_dir)?, command)?;
            }
        }
        Command::Meeting { command } => {
            let _lock = zhibu_core::store::InstanceLock::acquire(&db)?;
            records::meeting(&mut open_checked(&db, &operator, &backup_dir)?, command)?;
        }
        Command::Election { command } => {
            let _lock = zhibu_core::store::InstanceLock::acquire(&db)?;
            records::election(&mut open_checked(&db, &operator, &backup_dir)?, command)?;
        }
        Command::Org { command } => {
            let _lock = zhibu_core::store::InstanceLock::acquire(&db)?;
            records::org(&mut open_checked(&db, &operator, &backup_dir)?, command)?;
        }
        Command::Committee { command } => committee::run(command, &plugins_dir, &cache_dir)?,
        Command::Sync { command } => {
            // Like every writing command: the keys, the reported counter and the feedback are written.
            let _lock = zhibu_core::store::InstanceLock::acquire(&db)?;
            sync::run(&mut open_checked(&db, &operator, &backup_dir)?, command)?;
        }
        Command::Dues { command } => {
            let _lock = zhibu_core::store::InstanceLock::acquire(&db)?;
            let mut store = open_checked(&db, &operator, &backup_dir)?;
            dues::dues(&mut store, command, chrono::Local::now().date_naive())?;
        }
        Command::Audit(args) => records::audit(&open_checked(&db, &operator, &backup_dir)?, args)?,
        Command::Trash { command } => {
            let _lock = zhibu_core::store::InstanceLock::acquire(&db)?;
            records::trash(&mut open_checked(&db, &operator, &backup_dir)?, command)?;
        }
        Command::Plugin { command } => {
            // Only `plugin fixture` reads the database: it is opened (and checked) when needed.
            let open = || open_checked(&db, &operator, &backup_dir);
            plugin::run(command, &plugins_dir, &cache_dir, &open)?
        }
    }
    Ok(())
}

/// The human-readable compliance summary.
pub fn compliance_text(report: &ComplianceReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}年度组织生活核查（统计截至{}，规则版本 {}）",
        report.year,
        report.as_of.format("%Y年%-m月%-d日"),
        report.rule_set
    );
    for branch in &report.branches {
        let _ = writeln!(out);
        let rate = branch.attendance_rate.map_or_else(|| "无出席记录".to_owned(), |r| format!("出席率{r}%"));
        let _ = writeln!(
            out,
            "【{}】编号{}，{}，正式党员{}名、预备党员{}名，{}，志愿服务{}次共{}小时",
            branch.name,
            branch.branch,
            branch.category.label(),
            branch.full_members,
            branch.probationary_members,
            rate,
            branch.volunteer_activities,
            branch.volunteer_hours
        );
        for tally in &branch.meetings {
            let status =
                if tally.missing.is_empty() { "✓".to_owned() } else { format!("缺 {}", tally.missing.join("、")) };
            let _ = writeln!(
                out,
                "  {}（{}）：应开{}次，已开{}次  {}",
                tally.label,
                frequency_label(tally.frequency, tally.kind),
                tally.required,
                tally.held,
                status
            );
        }
        if branch.findings.is_empty() {
            let _ = writeln!(out, "  未发现问题");
        }
        for finding in &branch.findings {
            let _ = writeln!(out, "  [{}] {}（{}）", finding.severity.label(), finding.message, finding.clause);
        }
    }
    out
}

fn frequency_label(frequency: Frequency, kind: MeetingKind) -> String {
    if kind == MeetingKind::GroupMeeting {
        format!("每个党小组{}", frequency.label())
    } else {
        frequency.label().to_owned()
    }
}
