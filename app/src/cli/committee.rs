//! `zhibu committee …`: the committee's PostgreSQL database. `init` creates or upgrades its schema;
//! `add-branch` registers a branch and writes its login to a file only the committee's user can
//! read (a password never appears in output or logs); `set-key` registers the public key a
//! branch's package files are signed with; `import` loads package files. Every command names the
//! database with `--db-url` or `ZHIBU_COMMITTEE_URL`.

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use std::path::PathBuf;

/// `zhibu committee …`.
#[derive(Debug, Subcommand)]
pub enum CommitteeCommand {
    /// 创建或升级委员会数据库（库不存在时先建库；表结构按编号迁移，可重复执行）
    Init {
        /// 委员会数据库（postgresql://… 或 host=… user=…），也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
    },
    /// 用支部的登记文件登记一个支部：为它建立只能读写本支部数据的数据库账号，写出加密给该支部的账号文件（不显示口令）
    AddBranch {
        /// 委员会数据库，也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
        /// 支部的登记文件（支部电脑上“上级报送”页或 zhibu sync id --out 写出）
        #[arg(long, value_name = "FILE")]
        registration: PathBuf,
        /// 账号文件（交给支部；加密给该支部，只有它的电脑能打开）
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// 支部名称（默认用登记文件中的）
        #[arg(long)]
        name: Option<String>,
        /// 支部电脑连接本服务器用的地址（主机[:端口]；默认取 --db-url 中的）
        #[arg(long, value_name = "HOST[:PORT]")]
        server: Option<String>,
        /// 服务器TLS证书的根证书（PEM；默认取环境变量 ZHIBU_PG_ROOT_CERT 指向的文件）
        #[arg(long, value_name = "FILE")]
        root_cert: Option<PathBuf>,
    },
    /// 登记支部的签名公钥和加密公钥（用支部的登记文件；更换已登记的另一个签名公钥须加 --replace）
    SetKey {
        /// 委员会数据库，也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
        /// 支部的登记文件
        #[arg(long, value_name = "FILE")]
        registration: PathBuf,
        /// 替换已登记的另一个公钥（支部换了电脑且没有从备份恢复时）
        #[arg(long)]
        replace: bool,
    },
    /// 各支部组织生活核查：用各支部报送的记录和支部电脑上同一套规则计算（未报送的支部单列）
    Compliance {
        /// 委员会数据库，也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
        /// 年度
        #[arg(long)]
        year: i32,
        /// 统计截至日期（默认今天）
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<chrono::NaiveDate>,
        /// 规则覆盖文件（TOML，同 zhibu compliance --rules）
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 星级评定跨支部排名：同一评定表的全部评定对象按总分排名，并核对各星级名额
    Ranking {
        /// 委员会数据库，也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
        /// 年度
        #[arg(long)]
        year: i32,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 各支部的报送状态（未报送、待审核、已退回、已通过）和审核意见；列出尚未报送、需要催报的支部
    Status {
        /// 委员会数据库，也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
        /// 年度
        #[arg(long)]
        year: i32,
    },
    /// 审核一个支部的年度报送：通过（--pass）或退回（--return，须写 --opinion 意见）；支部用 zhibu sync pull 收到
    Review {
        /// 委员会数据库，也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
        /// 支部标识（UUID）
        #[arg(long, value_name = "UUID")]
        branch: String,
        /// 年度
        #[arg(long)]
        year: i32,
        /// 通过
        #[arg(long, conflicts_with = "return_", required_unless_present = "return_")]
        pass: bool,
        /// 退回（须写意见）
        #[arg(long = "return")]
        return_: bool,
        /// 审核意见
        #[arg(long, default_value = "")]
        opinion: String,
    },
    /// 登记年终述职评议考核会议（各支部书记集中述职，一年一次；已登记的更正）
    DutyMeeting {
        /// 委员会数据库，也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
        /// 考核的年度
        #[arg(long)]
        year: i32,
        /// 会议日期
        #[arg(long, value_name = "YYYY-MM-DD")]
        held_on: chrono::NaiveDate,
        /// 应到人数（参加测评的人数）
        #[arg(long)]
        voters: i32,
        /// 会议名称（默认“某年度党组织书记抓基层党建工作述职评议考核会议”）
        #[arg(long)]
        title: Option<String>,
    },
    /// 录入一位支部书记的测评票（好,较好,一般,差），按规则得出等次；确定的等次不同须写理由，结果下发到支部
    Ballot {
        /// 委员会数据库，也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
        /// 年度
        #[arg(long)]
        year: i32,
        /// 支部标识（UUID）
        #[arg(long, value_name = "UUID")]
        branch: String,
        /// 票数：好,较好,一般,差（如 30,8,2,0）
        #[arg(long, value_name = "好,较好,一般,差")]
        votes: String,
        /// 确定的等次（好、较好、一般、差；默认按票数得出的）
        #[arg(long)]
        grade: Option<String>,
        /// 确定的等次与票数得出的不同时的理由
        #[arg(long, default_value = "")]
        reason: String,
        /// 书记姓名（默认取支部报送的支委会中的书记）
        #[arg(long)]
        secretary: Option<String>,
    },
    /// 显示委员会的公钥（支部用反馈包取回意见时信任它）
    Key {
        /// 委员会数据库，也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
    },
    /// 为不联网的支部写出签名的反馈包：委员会对它的全部审核意见和结果（支部用 zhibu sync pull --file 取回）
    Feedback {
        /// 委员会数据库，也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
        /// 支部标识（UUID）
        #[arg(long, value_name = "UUID")]
        branch: String,
        /// 反馈包文件
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// 年终述职评议考核结果：各书记的票数、按规则的等次、确定的等次，各等次人数
    DutyResults {
        /// 委员会数据库，也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
        /// 年度
        #[arg(long)]
        year: i32,
    },
    /// 导入支部的报送包（可一次导入多个，按各支部的变更顺序导入；被改动、重复、缺号或非本委员会支部的包拒绝导入）
    Import {
        /// 委员会数据库，也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
        /// 报送包文件
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// 用模板生成上级党委的文书（如 duty-assessment 述职评议考核结果汇总），模板须有跨支部权限
    Render {
        /// 委员会数据库，也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
        /// 模板标识
        #[arg(long, value_name = "ID")]
        template: String,
        /// 年度（同时作为模板的年度参数）
        #[arg(long)]
        year: i32,
        /// 发文单位（如“中共某某街道工作委员会”）
        #[arg(long, value_name = "单位")]
        unit: String,
        /// 其他模板参数，如 --param date=2026-01-11
        #[arg(long = "param", value_name = "K=V")]
        params: Vec<String>,
        /// 输出文件（.docx，或 .json 为文档模型）
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// 支部报送的会议附件（签到表、照片、会议材料）：列出，或加 --out 保存到文件夹
    Attachments {
        /// 委员会数据库，也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
        /// 支部标识（UUID）
        #[arg(long, value_name = "UUID")]
        branch: String,
        /// 保存到此文件夹（已有的同名文件不覆盖）
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// Runs one committee command (`render` finds its templates in `plugins_dir`).
pub fn run(command: CommitteeCommand, plugins_dir: &std::path::Path, cache_dir: &std::path::Path) -> Result<()> {
    match command {
        CommitteeCommand::Render { db_url, template, year, unit, params, out } => {
            let mut given = vec![("year".to_owned(), year.to_string())];
            for param in &params {
                let (key, value) = param.split_once('=').with_context(|| format!("参数应写成 键=值：{param}"))?;
                given.push((key.trim().to_owned(), value.trim().to_owned()));
            }
            let catalog = super::plugin::catalog(plugins_dir, cache_dir)?;
            let mut client = zhibu_committee::connect(&db_url)?;
            let now = chrono::Local::now().naive_local();
            let written = crate::rollup::render(&mut client, &catalog, &template, &given, &unit, now, &out)?;
            println!("已生成：{}", written.display());
        }
        CommitteeCommand::Init { db_url } => {
            let (mut client, created) = zhibu_committee::connect_creating(&db_url)?;
            let version = zhibu_committee::init(&mut client)?;
            println!(
                "委员会数据库已就绪{}：{}，结构版本 {version}",
                if created { "（新建）" } else { "" },
                zhibu_committee::describe(&db_url)
            );
        }
        CommitteeCommand::AddBranch { db_url, registration, out, name, server, root_cert } => {
            let registration = read_registration(&registration)?;
            let server = server_for(&db_url, server.as_deref(), root_cert.as_deref())?;
            // The file first: a login whose password could not be written would be lost.
            let mut file = create_private(&out)
                .with_context(|| format!("无法创建账号文件（已存在的不覆盖）：{}", out.display()))?;
            let registered = zhibu_committee::connect(&db_url).and_then(|mut client| {
                zhibu_committee::connection::register(&mut client, &registration, name.as_deref(), &server)
            });
            let (connection, bytes) = match registered {
                Ok(done) => done,
                Err(error) => {
                    drop(file);
                    let _ = std::fs::remove_file(&out);
                    return Err(error.into());
                }
            };
            std::io::Write::write_all(&mut file, &bytes)
                .with_context(|| format!("无法写入账号文件：{}", out.display()))?;
            println!(
                "已登记支部：{}（数据库账号 {}，服务器 {}:{}）；账号文件已加密给该支部：{}",
                connection.branch_name,
                connection.role,
                connection.host,
                connection.port,
                out.display()
            );
        }
        CommitteeCommand::SetKey { db_url, registration, replace } => {
            let registration = read_registration(&registration)?;
            let mut client = zhibu_committee::connect(&db_url)?;
            zhibu_committee::connection::set_keys(&mut client, &registration, replace)?;
            println!("已登记公钥：{}（{}）", registration.name, registration.branch);
        }
        CommitteeCommand::Import { db_url, files } => import(&db_url, &files)?,
        CommitteeCommand::Ranking { db_url, year, json } => {
            let mut client = zhibu_committee::connect(&db_url)?;
            let rankings = crate::rollup::rankings(&mut client, year)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rankings)?);
            } else {
                let names: std::collections::HashMap<String, String> =
                    zhibu_committee::branches(&mut client)?.into_iter().map(|b| (b.uuid, b.name)).collect();
                print!("{}", ranking_text(&rankings, &names));
            }
        }
        CommitteeCommand::DutyMeeting { db_url, year, held_on, voters, title } => {
            let mut client = zhibu_committee::connect(&db_url)?;
            let title = title.unwrap_or_else(|| format!("{year}年度党组织书记抓基层党建工作述职评议考核会议"));
            let meeting = zhibu_committee::duty::DutyMeeting {
                year,
                held_on: held_on.format("%Y-%m-%d").to_string(),
                title,
                voters_expected: voters,
            };
            zhibu_committee::duty::hold(&mut client, &meeting)?;
            println!("已登记：{}（{}，应到{}人）", meeting.title, meeting.held_on, voters);
        }
        CommitteeCommand::Ballot { db_url, year, branch, votes, grade, reason, secretary } => {
            let votes = parse_votes(&votes)?;
            let rules = zhibu_core::rules::RuleSet::default();
            let grade = match grade.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(label) => Some(
                    crate::rollup::grade_of(label).with_context(|| format!("等次应为好、较好、一般或差：{label}"))?,
                ),
            };
            let mut client = zhibu_committee::connect(&db_url)?;
            let ballot = crate::rollup::duty_ballot(
                &mut client,
                &rules,
                branch.trim(),
                votes,
                grade,
                &reason,
                secretary.as_deref(),
            )?;
            zhibu_committee::duty::enter(&mut client, year, &ballot)?;
            println!(
                "已录入：{}，好{}票、较好{}票、一般{}票、差{}票，按规则为“{}”，确定为“{}”",
                ballot.secretary, votes[0], votes[1], votes[2], votes[3], ballot.ballot_grade, ballot.grade
            );
        }
        CommitteeCommand::Key { db_url } => {
            let mut client = zhibu_committee::connect(&db_url)?;
            println!("签名公钥\t{}", zhibu_committee::package::committee_key(&mut client)?);
            println!("加密公钥\t{}", zhibu_committee::package::committee_encryption_key(&mut client)?);
        }
        CommitteeCommand::Feedback { db_url, branch, out } => {
            let mut client = zhibu_committee::connect(&db_url)?;
            let bytes = zhibu_committee::package::feedback_package(&mut client, branch.trim())?;
            std::fs::write(&out, &bytes).with_context(|| format!("无法写入反馈包：{}", out.display()))?;
            println!("已写反馈包：{}", out.display());
        }
        CommitteeCommand::Attachments { db_url, branch, out } => attachments(&db_url, branch.trim(), out.as_deref())?,
        CommitteeCommand::DutyResults { db_url, year } => {
            let mut client = zhibu_committee::connect(&db_url)?;
            print!("{}", duty_text(&mut client, year)?);
        }
        CommitteeCommand::Status { db_url, year } => {
            let mut client = zhibu_committee::connect(&db_url)?;
            print!("{}", status_text(&mut client, year)?);
        }
        CommitteeCommand::Review { db_url, branch, year, pass, return_: _, opinion } => {
            let verdict = if pass { "通过" } else { "退回" };
            let mut client = zhibu_committee::connect(&db_url)?;
            let review = zhibu_committee::review::decide(
                &mut client,
                branch.trim(),
                year,
                zhibu_committee::review::SUBMISSION,
                verdict,
                &opinion,
            )?;
            let name = zhibu_committee::branches(&mut client)?
                .into_iter()
                .find(|b| b.uuid == review.branch)
                .map_or_else(|| review.branch.clone(), |b| b.name);
            println!(
                "{}{}年度报送：{}（审核至第{}号变更）{}",
                name,
                year,
                review.verdict,
                review.counter,
                if review.opinion.is_empty() { String::new() } else { format!("，意见：{}", review.opinion) }
            );
        }
        CommitteeCommand::Compliance { db_url, year, as_of, rules, json } => {
            let rules = match rules {
                Some(path) => zhibu_core::rules::RuleSet::load(&path)?,
                None => zhibu_core::rules::RuleSet::default(),
            };
            let as_of = as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
            let mut client = zhibu_committee::connect(&db_url)?;
            let reports = crate::rollup::compliance(&mut client, &rules, year, as_of)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&reports)?);
            } else {
                print!("{}", compliance_text(year, as_of, &reports));
            }
        }
    }
    Ok(())
}

/// Imports package files, each in its own transaction, earliest changes of each branch first
/// (files given in any order on one command line still apply in order). A refused file is named
/// with its reason and the others still go in; the command fails if any was refused.
fn import(db_url: &str, files: &[PathBuf]) -> Result<()> {
    let mut client = zhibu_committee::connect(db_url)?;
    let mut packages = Vec::new();
    let mut refused = 0usize;
    for path in files {
        match std::fs::read(path) {
            Ok(bytes) => packages.push((zhibu_committee::package::order_key(&bytes), path, bytes)),
            Err(error) => {
                eprintln!("未导入：无法读取文件（{error}）：{}", path.display());
                refused += 1;
            }
        }
    }
    packages.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, path, bytes) in packages {
        match zhibu_committee::package::import(&mut client, &bytes) {
            Ok(done) => println!(
                "已导入：{}，{} 条变更，其中 {} 条为新，{} 个附件文件（上级已确认到第 {} 号变更）：{}",
                done.name,
                done.sent,
                done.stored,
                done.files,
                done.acknowledged,
                path.display()
            ),
            Err(error) => {
                eprintln!("未导入：{error}：{}", path.display());
                refused += 1;
            }
        }
    }
    if refused > 0 {
        bail!("{refused} 个报送包未导入（原因见上）");
    }
    Ok(())
}

/// Lists branch `branch`'s reported attachments, and with `out` saves each under its own name
/// (`name (2).ext` when two differ in content but share a name; an existing file is never
/// overwritten).
fn attachments(db_url: &str, branch: &str, out: Option<&std::path::Path>) -> Result<()> {
    let mut client = zhibu_committee::connect(db_url)?;
    let files = zhibu_committee::attachments(&mut client, branch)?;
    if files.is_empty() {
        println!("该支部没有报送会议附件：{branch}");
        return Ok(());
    }
    if let Some(dir) = out {
        std::fs::create_dir_all(dir).with_context(|| format!("无法创建文件夹：{}", dir.display()))?;
    }
    for file in &files {
        let Some(dir) = out else {
            println!("{}\t{} 字节\t{}", file.file_name, file.size, file.sha256);
            continue;
        };
        let content = zhibu_committee::attachment_content(&mut client, branch, &file.sha256)?
            .with_context(|| format!("附件已不在委员会数据库中：{}", file.file_name))?;
        let safe: String =
            file.file_name.chars().map(|c| if matches!(c, '/' | '\\' | ':' | '\0') { '_' } else { c }).collect();
        let name = std::path::Path::new(&safe);
        let (stem, ext) = (
            name.file_stem().map_or_else(|| "附件".into(), |s| s.to_string_lossy().into_owned()),
            name.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default(),
        );
        let mut n = 1;
        let written = loop {
            let candidate =
                if n == 1 { dir.join(format!("{stem}{ext}")) } else { dir.join(format!("{stem} ({n}){ext}")) };
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&candidate) {
                Ok(mut f) => {
                    std::io::Write::write_all(&mut f, &content)
                        .with_context(|| format!("无法写入：{}", candidate.display()))?;
                    break candidate;
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => n += 1,
                Err(e) => return Err(e).with_context(|| format!("无法写入：{}", candidate.display())),
            }
        };
        println!("已保存：{}", written.display());
    }
    Ok(())
}

/// A new file only its owner can read (an existing one is never overwritten).
/// A branch's registration file, read and checked.
fn read_registration(path: &std::path::Path) -> Result<zhibu_committee::connection::Registration> {
    let bytes = std::fs::read(path).with_context(|| format!("无法读取登记文件：{}", path.display()))?;
    Ok(zhibu_committee::connection::Registration::read(&bytes)?)
}

/// Where branches reach the server: `--server`, else the host and port of `db_url` when it names
/// one over the network; the root certificate from `--root-cert` or `ZHIBU_PG_ROOT_CERT`.
fn server_for(
    db_url: &str,
    server: Option<&str>,
    root_cert: Option<&std::path::Path>,
) -> Result<zhibu_committee::connection::Server> {
    let (host, port) = match server {
        Some(given) => zhibu_committee::connection::Server::parse_address(given)?,
        None => zhibu_committee::connection::Server::address_of(db_url)?,
    };
    let root = root_cert
        .map(std::path::Path::to_path_buf)
        .or_else(|| std::env::var_os(zhibu_committee::ROOT_CERT_VARIABLE).map(Into::into));
    let root_cert = match root {
        Some(path) => {
            Some(std::fs::read_to_string(&path).with_context(|| format!("无法读取根证书：{}", path.display()))?)
        }
        None => None,
    };
    Ok(zhibu_committee::connection::Server { host, port, root_cert })
}

fn create_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// The roll-up as a secretary reads it: one line per branch, its findings below, and the
/// branches that have not reported at the end.
fn compliance_text(year: i32, as_of: chrono::NaiveDate, reports: &[crate::rollup::BranchReport]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let reported: Vec<_> = reports.iter().filter_map(|r| r.compliance.as_ref().map(|c| (r, c))).collect();
    let _ = writeln!(
        out,
        "{year}年度各支部组织生活核查（统计截至{}）：登记{}个支部，已报送{}个",
        as_of.format("%Y年%-m月%-d日"),
        reports.len(),
        reported.len()
    );
    for (report, branch) in &reported {
        let violations =
            branch.findings.iter().filter(|f| f.severity == zhibu_core::rules::Severity::Violation).count();
        let rate = branch.attendance_rate.map_or_else(|| "无出席记录".to_owned(), |r| format!("出席率{r}%"));
        let _ = writeln!(
            out,
            "\n【{}】报送至第{}号变更（{}），正式党员{}名、预备党员{}名，{}；问题{}项（违规{}项）",
            report.name,
            report.acknowledged,
            report.last_received.as_deref().unwrap_or("—"),
            branch.full_members,
            branch.probationary_members,
            rate,
            branch.findings.len(),
            violations
        );
        for finding in &branch.findings {
            let _ = writeln!(out, "  · {}（{}）", finding.message, finding.clause);
        }
    }
    let missing: Vec<&str> = reports.iter().filter(|r| r.compliance.is_none()).map(|r| r.name.as_str()).collect();
    if !missing.is_empty() {
        let _ = writeln!(out, "\n尚未报送（{}个）：{}", missing.len(), missing.join("、"));
    }
    out
}

/// Each branch's submission for `year`, the ones to remind first.
fn status_text(client: &mut zhibu_committee::Client, year: i32) -> Result<String> {
    use std::fmt::Write as _;
    use zhibu_committee::review::{SUBMISSION, Submission};
    let branches = zhibu_committee::branches(client)?;
    let reviews = zhibu_committee::review::reviews(client, Some(year))?;
    let mut out = String::new();
    let mut counts = std::collections::BTreeMap::new();
    let mut lines = Vec::new();
    for branch in &branches {
        let review = reviews.iter().find(|r| r.branch == branch.uuid && r.topic == SUBMISSION);
        let state = Submission::of(branch, review);
        *counts.entry(state.label()).or_insert(0) += 1;
        let mut line = format!("{}\t{}\t{}", branch.name, state.label(), branch.uuid);
        if branch.acknowledged > 0 {
            let _ = write!(
                line,
                "\t报送至第{}号变更（{}，{}条记录）",
                branch.acknowledged,
                branch.last_received.as_deref().unwrap_or("—"),
                branch.records
            );
        }
        if let Some(review) = review.filter(|r| !r.opinion.is_empty()) {
            let _ = write!(line, "\t意见（{}）：{}", review.decided_at, review.opinion);
        }
        lines.push((state != Submission::NotReported, line));
    }
    let _ = writeln!(
        out,
        "{year}年度报送：登记{}个支部；{}",
        branches.len(),
        counts.iter().map(|(label, n)| format!("{label}{n}个")).collect::<Vec<_>>().join("，")
    );
    // The ones to remind first.
    lines.sort_by_key(|(reported, _)| *reported);
    for (_, line) in lines {
        let _ = writeln!(out, "{line}");
    }
    Ok(out)
}

/// Each sheet's ranking: rank, subject, its branch, total and stars; then the quotas.
fn ranking_text(
    rankings: &[zhibu_core::services::received::Ranking],
    branches: &std::collections::HashMap<String, String>,
) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if rankings.is_empty() {
        let _ = writeln!(out, "该年度还没有支部报送星级评定结果");
    }
    for ranking in rankings {
        let _ = writeln!(out, "{}年度 {}（{}个评定对象）", ranking.year, ranking.name, ranking.rows.len());
        for row in &ranking.rows {
            let _ = writeln!(
                out,
                "  第{}名\t{}\t{}\t{}分\t{}",
                row.rank,
                row.name,
                branches.get(&row.branch).map_or(row.branch.as_str(), String::as_str),
                row.total,
                zhibu_core::domain::star_string(row.stars)
            );
        }
        for quota in &ranking.quotas {
            let _ = writeln!(
                out,
                "  {}星名额：不超过{}%，即{}个；实评{}个{}",
                quota.stars,
                quota.max_percent,
                quota.allowed,
                quota.count,
                if quota.exceeded() { "，超出名额" } else { "" }
            );
        }
    }
    out
}

/// `好,较好,一般,差` votes as four counts.
fn parse_votes(text: &str) -> Result<[i32; 4]> {
    let parts: Vec<&str> = text.split([',', '，']).map(str::trim).collect();
    let counts: Vec<i32> = parts.iter().filter_map(|p| p.parse::<i32>().ok().filter(|n| *n >= 0)).collect();
    <[i32; 4]>::try_from(counts)
        .ok()
        .filter(|_| parts.len() == 4)
        .with_context(|| format!("票数应为“好,较好,一般,差”四个非负整数：{text}"))
}

/// The meeting's results: each secretary, then the count per grade.
fn duty_text(client: &mut zhibu_committee::Client, year: i32) -> Result<String> {
    use std::fmt::Write as _;
    let Some(meeting) = zhibu_committee::duty::meeting(client, year)? else {
        bail!("该年度还没有述职评议考核会议：{year}");
    };
    let names: std::collections::HashMap<String, String> =
        zhibu_committee::branches(client)?.into_iter().map(|b| (b.uuid, b.name)).collect();
    let ballots = zhibu_committee::duty::ballots(client, year)?;
    let mut out = String::new();
    let _ = writeln!(out, "{}（{}，应到{}人）", meeting.title, meeting.held_on, meeting.voters_expected);
    for b in &ballots {
        let _ = writeln!(
            out,
            "{}\t{}\t好{} 较好{} 一般{} 差{}\t按规则：{}\t确定：{}{}",
            b.secretary,
            names.get(&b.branch).map_or(b.branch.as_str(), String::as_str),
            b.votes[0],
            b.votes[1],
            b.votes[2],
            b.votes[3],
            b.ballot_grade,
            b.grade,
            if b.reason.is_empty() { String::new() } else { format!("（{}）", b.reason) }
        );
    }
    let counts: Vec<String> = zhibu_core::domain::ReviewGrade::ALL
        .iter()
        .map(|g| format!("{}{}人", g.label(), ballots.iter().filter(|b| b.grade == g.label()).count()))
        .collect();
    let missing = names.len().saturating_sub(ballots.len());
    let _ = writeln!(out, "共{}人：{}；尚未录入{}个支部", ballots.len(), counts.join("、"), missing);
    Ok(out)
}
