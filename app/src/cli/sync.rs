//! `zhibu sync …`: this PC's side of reporting up, on the services of `zhibu-sync` that the
//! window calls too. `id` shows the installation's id and each branch's UUID, change counter and
//! public keys, and with `--out` writes the branch's registration file for the committee;
//! `connect` takes in the connection file the committee sent back; `push` sends the branch's
//! changes straight to the committee's server (the connection file's login, or `--to URL`);
//! `export` writes them as a package file encrypted to the committee; `pull` brings the
//! committee's word back, online or from a feedback package. The password is never printed.

use anyhow::{Context, Result};
use clap::Subcommand;
use std::path::PathBuf;
use zhibu_core::store::Store;

/// `zhibu sync …`.
#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// 显示本机安装标识和各支部的标识（UUID）、变更计数、公钥；加 --out 写出支部的登记文件交给上级
    Id {
        /// 登记文件（交给上级，上级用 zhibu committee add-branch --registration 登记本支部）
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// 支部名称或标识（数据库中有多个支部时写登记文件必填）
        #[arg(long, value_name = "支部")]
        branch: Option<String>,
    },
    /// 导入上级发来的账号文件（加密给本支部的，只有本机能打开）：以后报送和取回反馈不用再输入服务器和口令
    Connect {
        /// 账号文件
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// 账号文件中的上级密钥与本机已信任的不同时，确认上级确已更换密钥后替换（写入审计日志）
        #[arg(long)]
        replace_key: bool,
    },
    /// 把本支部上次报送以来的变更直接报送到上级的数据库（用导入的账号文件；重复报送不会重复写入）
    Push {
        /// 不用账号文件时：上级数据库（含本支部账号），也可用环境变量 ZHIBU_SYNC_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_SYNC_URL", hide_env_values = true)]
        to: Option<String>,
        /// 支部名称或标识（数据库中有多个支部时必填）
        #[arg(long, value_name = "支部")]
        branch: Option<String>,
    },
    /// 取回上级对本支部的审核意见和结果（只读，显示在工作台首页）：联网（账号文件或 --from），或从上级发来的反馈包（--file）
    Pull {
        /// 不用账号文件时：上级数据库（含本支部账号），也可用环境变量 ZHIBU_SYNC_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_SYNC_URL", hide_env_values = true)]
        from: Option<String>,
        /// 上级发来的反馈包文件（不联网时）
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// 没有导入账号文件时，首次用反馈包须写明信任的上级签名公钥（上级 zhibu committee key 显示）
        #[arg(long, value_name = "HEX")]
        committee_key: Option<String>,
        /// 支部名称或标识（数据库中有多个支部时必填）
        #[arg(long, value_name = "支部")]
        branch: Option<String>,
    },
    /// 把本支部上次报送以来的变更写成报送包（加密给上级、本支部签名；U盘或聊天软件交给上级，上级用 zhibu committee import 导入）
    Export {
        /// 报送包文件
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// 导出全部记录，而不只是上次报送以来的变更（上级提示缺少变更时用）
        #[arg(long)]
        full: bool,
        /// 支部名称或标识（数据库中有多个支部时必填）
        #[arg(long, value_name = "支部")]
        branch: Option<String>,
    },
}

/// Runs one sync command on `store` (opened under the instance lock by the caller).
pub fn run(store: &mut Store, command: SyncCommand) -> Result<()> {
    match command {
        SyncCommand::Id { out, branch } => {
            println!("安装标识\t{}", store.installation_id()?);
            for org in zhibu_sync::branches(store)? {
                let registration = zhibu_sync::registration(store, &org)?;
                println!(
                    "{}\t{}\t变更计数 {}\t签名公钥 {}",
                    registration.branch,
                    org.record.name,
                    store.change_counter(Some(org.id))?,
                    registration.signing_key
                );
            }
            if let Some(out) = out {
                let org = zhibu_sync::chosen_branch(store, branch.as_deref())?;
                let registration = zhibu_sync::registration(store, &org)?;
                std::fs::write(&out, registration.to_bytes()?)
                    .with_context(|| format!("无法写入登记文件：{}", out.display()))?;
                println!("已写登记文件：{}（交给上级登记本支部）：{}", org.record.name, out.display());
            }
        }
        SyncCommand::Connect { file, replace_key } => {
            let bytes = std::fs::read(&file).with_context(|| format!("无法读取账号文件：{}", file.display()))?;
            let connected = zhibu_sync::import_connection(store, &bytes, replace_key)?;
            if connected.replaced_key {
                println!("注意：已按确认替换信任的上级密钥（已记入审计日志）");
            }
            println!("已导入账号文件：{}，上级服务器 {}", connected.branch, connected.server);
        }
        SyncCommand::Push { to, branch } => {
            let mut client = match to {
                Some(url) => zhibu_committee::connect(&url)?,
                None => {
                    let org = zhibu_sync::chosen_branch(store, branch.as_deref())?;
                    zhibu_sync::connection(store, &org)?.connect()?
                }
            };
            let pushed = zhibu_sync::push(store, &mut client)?;
            warn_missing(&pushed.missing);
            println!(
                "已报送：{}，{} 条变更、{} 个附件文件（上级已确认到第 {} 号变更）",
                pushed.branch, pushed.sent, pushed.files, pushed.acknowledged
            );
        }
        SyncCommand::Pull { from, file, committee_key, branch } => {
            let pulled = match (file, from) {
                (Some(file), _) => {
                    let bytes = std::fs::read(&file).with_context(|| format!("无法读取反馈包：{}", file.display()))?;
                    zhibu_sync::pull_file(store, &bytes, committee_key.as_deref())?
                }
                (None, Some(url)) => zhibu_sync::pull_online(store, &mut zhibu_committee::connect(&url)?)?,
                (None, None) => {
                    let org = zhibu_sync::chosen_branch(store, branch.as_deref())?;
                    let mut client = zhibu_sync::connection(store, &org)?.connect()?;
                    zhibu_sync::pull_online(store, &mut client)?
                }
            };
            println!("已取回上级反馈：{}，{} 条", pulled.branch, pulled.items.len());
            for item in &pulled.items {
                println!(
                    "{}：{}{}",
                    zhibu_sync::feedback_title(item.year, &item.topic),
                    item.verdict,
                    if item.opinion.is_empty() { String::new() } else { format!("（{}）", item.opinion) }
                );
            }
        }
        SyncCommand::Export { out, full, branch } => {
            let org = zhibu_sync::chosen_branch(store, branch.as_deref())?;
            let exported = zhibu_sync::export(store, &org, full, &out)?;
            if exported.changes == 0 {
                println!(
                    "{}自上次报送（第 {} 号变更）以来没有变更，未写报送包（要全部重发请加 --full）",
                    exported.branch, exported.after
                );
                return Ok(());
            }
            warn_missing(&exported.missing);
            println!(
                "已写报送包（已加密，只有上级能打开）：{}，{} 条变更、{} 个附件文件（第 {} 号之后到第 {} 号），{} 字节：{}",
                exported.branch,
                exported.changes,
                exported.files,
                exported.after,
                exported.upto,
                exported.bytes,
                out.display()
            );
        }
    }
    Ok(())
}

/// Tells the user which attachments their records name but this PC has lost: the records are
/// reported without them (holding the whole report back for a lost photo would lose more).
fn warn_missing(missing: &[String]) {
    for name in missing {
        eprintln!("警告：附件文件不在数据目录中，未随报送（可从备份恢复后再报送）：{name}");
    }
}
