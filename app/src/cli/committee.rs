//! `zhibu committee …`: the committee's PostgreSQL database. `init` creates or upgrades its schema;
//! `add-branch` registers a branch and writes its login to a file only the committee's user can
//! read (a password never appears in output or logs). Every command names the database with
//! `--db-url` or `ZHIBU_COMMITTEE_URL`.

use anyhow::{Context, Result};
use clap::Subcommand;
use std::path::PathBuf;

/// `zhibu committee …`.
#[derive(Debug, Subcommand)]
pub enum CommitteeCommand {
    /// 创建或升级委员会数据库的表结构（编号迁移，可重复执行）
    Init {
        /// 委员会数据库（postgresql://… 或 host=… user=…），也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
    },
    /// 登记一个支部：为它建立只能读写本支部数据的数据库账号，账号写入 --out 文件（不显示口令）
    AddBranch {
        /// 委员会数据库，也可用环境变量 ZHIBU_COMMITTEE_URL
        #[arg(long, value_name = "URL", env = "ZHIBU_COMMITTEE_URL", hide_env_values = true)]
        db_url: String,
        /// 支部标识（支部电脑上 zhibu sync id 显示的 UUID）
        #[arg(long, value_name = "UUID")]
        branch: String,
        /// 支部名称
        #[arg(long)]
        name: String,
        /// 账号文件（交给支部，仅本用户可读）
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// Runs one committee command.
pub fn run(command: CommitteeCommand) -> Result<()> {
    match command {
        CommitteeCommand::Init { db_url } => {
            let mut client = zhibu_committee::connect(&db_url)?;
            let version = zhibu_committee::init(&mut client)?;
            println!("委员会数据库已就绪：结构版本 {version}");
        }
        CommitteeCommand::AddBranch { db_url, branch, name, out } => {
            // The file first: a login whose password could not be written would be lost.
            let mut file = create_private(&out)
                .with_context(|| format!("无法创建账号文件（已存在的不覆盖）：{}", out.display()))?;
            let registered = zhibu_committee::connect(&db_url)
                .and_then(|mut client| zhibu_committee::add_branch(&mut client, branch.trim(), name.trim()));
            let login = match registered {
                Ok(login) => login,
                Err(error) => {
                    drop(file);
                    let _ = std::fs::remove_file(&out);
                    return Err(error.into());
                }
            };
            std::io::Write::write_all(
                &mut file,
                format!("role={}\npassword={}\n", login.role, login.password).as_bytes(),
            )
            .with_context(|| format!("无法写入账号文件：{}", out.display()))?;
            println!("已登记支部：{}（数据库账号 {}，口令见 {}）", name.trim(), login.role, out.display());
        }
    }
    Ok(())
}

/// A new file only its owner can read (an existing one is never overwritten).
fn create_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}
